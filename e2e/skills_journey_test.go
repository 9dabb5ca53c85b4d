package e2e

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"qinggong/internal/app/apptest"
	"qinggong/internal/auth"
	"qinggong/internal/person"
)

// TestSkillsJourney is issue 13's journey so far, on a phone: the city
// publishes a course; a young worker enrols and checks in with the code
// on the organizer's screen; the organizer posts the class's results; the
// credits are on the worker's transcript at once, printed with a code that
// verifies it without a login. Each step is photographed.
func TestSkillsJourney(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Skip("chromium not found on PATH")
	}
	ctx := context.Background()
	e := apptest.New(t, "sqlite")
	app := e.App
	root := e.Orgs["C"]
	boot := &auth.Actor{Login: "fixture", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
	sec := &auth.Actor{Login: "fixture", Grants: []auth.Grant{{Role: auth.SecAdmin, ScopeKind: "global"}}}
	p, err := app.People.Create(ctx, boot, person.Input{Name: "王技青", IDNumber: apptest.IDNumber(600), OrgID: e.Orgs["B1"].ID, Trade: "数控车工", SkillLevel: 5})
	if err != nil {
		t.Fatal(err)
	}
	uid, _, err := app.Users.CreateUser(ctx, sec, auth.NewUser{Login: "wangjq", Name: "王技青", OrgID: e.Orgs["B1"].ID, Password: apptest.Password})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB.W().ExecContext(ctx, `UPDATE people SET user_id = $1 WHERE id = $2`, uid, p.ID); err != nil {
		t.Fatal(err)
	}
	// Certified at level 5 two years ago: credits are what is missing for level 4.
	since := time.Now().AddDate(-2, 0, 0).Format("2006-01-02")
	if _, err := app.DB.W().ExecContext(ctx, `UPDATE skill_changes SET certified_on = $1 WHERE person_id = $2`, since, p.ID); err != nil {
		t.Fatal(err)
	}

	b := startBrowser(t, e.Server.URL)
	dialogs := b.acceptDialogs()
	defer func() {
		if d := dialogs(); len(d) > 0 {
			t.Errorf("unexpected dialogs: %q", d)
		}
	}()
	b.run("phone viewport", phone())
	local := func(d time.Duration) string {
		return time.Now().Add(d).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
	}

	// 0. Before the course, the worker lacks credits for the next level.
	b.login("wangjq")
	b.open("/my/skills", "main h1")
	if s := b.text("main"); !strings.Contains(s, "学分不足") {
		t.Errorf("eligibility before the course: %q", s)
	}
	b.logout()

	// 1. The city publishes a course on a new process.
	b.login("admin")
	b.open("/skills", "main h1")
	if s := b.text("main"); !strings.Contains(s, "还没有课程") {
		t.Errorf("empty overview: %q", s)
	}
	b.run("new course", chromedp.Click(chromedp.CSS(`a[href="/courses/new"]`)))
	b.waitPage("course form", "p === '/courses/new'")
	b.run("fill the course",
		chromedp.SetValue(chromedp.CSS("#title"), "数控加工新工艺培训班"),
		chromedp.SetValue(chromedp.CSS("#trade"), "数控车工"),
		chromedp.SetValue(chromedp.CSS("#assessment"), "实操考核"),
		chromedp.SetValue(chromedp.CSS("#place"), "市职工技能实训中心"),
		chromedp.SetValue(chromedp.CSS("#reg_opens"), local(-time.Hour)),
		chromedp.SetValue(chromedp.CSS("#reg_closes"), local(time.Hour)),
		chromedp.SetValue(chromedp.CSS(`[name="s0.starts"]`), local(10*time.Minute)),
		chromedp.SetValue(chromedp.CSS(`[name="s0.ends"]`), local(2*time.Hour)))
	b.noHorizontalOverflow("course form")
	b.shot("skills-1-course-form")
	b.run("create", chromedp.Click(chromedp.CSS(`form[action="/courses"] .buttons button[type=submit]`)))
	b.waitPage("course page", `/^\/courses\/\d+$/.test(p)`)
	coursePath := eval[string](b, "path", "location.pathname")
	b.run("to the event", chromedp.Click(chromedp.CSS(`a[href^="/events/"].btn`)))
	b.waitPage("event page", `/^\/events\/\d+$/.test(p)`)
	eid := strings.TrimPrefix(eval[string](b, "path", "location.pathname"), "/events/")
	b.run("publish", chromedp.Click(chromedp.CSS(`form[action="/events/`+eid+`/publish"] button`)))
	b.waitPage("published", "document.querySelector('h1 .status-published') !== null")
	b.logout()

	// 2. The young worker enrols.
	b.login("wangjq")
	b.open("/events/"+eid, "main h1")
	b.run("enrol", chromedp.Click(chromedp.CSS(`form[action="/events/`+eid+`/register"] button`)))
	b.waitPage("enrolled", "document.querySelector('.flash.ok') !== null")
	b.logout()

	// 3. The organizer's screen shows the code; the worker checks in with it.
	b.login("admin")
	b.open("/events/"+eid, "main h1")
	b.run("screen", chromedp.Click(chromedp.CSS(`a[href^="/sessions/"][href$="/screen"]`)))
	b.waitPage("screen", "document.querySelector('.checkin-screen .code') !== null")
	sid := strings.TrimSuffix(strings.TrimPrefix(eval[string](b, "path", "location.pathname"), "/sessions/"), "/screen")
	code := strings.TrimSpace(b.text(".checkin-screen .code"))
	b.logout()
	b.login("wangjq")
	b.open("/checkin/"+sid+"?code="+code, "#code")
	b.run("check in", chromedp.Click(chromedp.CSS(`form[action="/checkin/`+sid+`"] button`)))
	b.waitPage("checked in", "document.querySelector('.flash.ok') !== null")
	b.logout()

	// 4. The organizer posts the class's results.
	b.login("admin")
	b.open(coursePath, "main h1")
	pid := strconv.FormatInt(p.ID, 10)
	b.run("result",
		chromedp.SetValue(chromedp.CSS(`[name="score.`+pid+`"]`), "88"),
		chromedp.Click(chromedp.CSS(`[name="pass.`+pid+`"]`)))
	b.noHorizontalOverflow("results")
	b.shot("skills-2-results")
	b.run("post", chromedp.Click(chromedp.CSS(`form[action="`+coursePath+`/results"] .buttons button`)))
	b.waitPage("posted", "document.querySelector('.flash.ok') !== null")
	if s := b.text("main"); !strings.Contains(s, "合格 · 4 学分") {
		t.Errorf("after posting: %q", s)
	}
	b.shot("skills-3-posted")
	b.open("/skills", "main h1")
	if s := b.text("main"); !strings.Contains(s, "数控加工新工艺培训班") {
		t.Errorf("overview: %q", s)
	}
	b.noHorizontalOverflow("overview")
	b.shot("skills-4-overview")
	b.logout()

	// 5. The credits are on the worker's transcript; the printed copy verifies.
	b.login("wangjq")
	b.open("/my/skills", "main h1")
	if s := b.text("main"); !strings.Contains(s, "数控加工新工艺培训班") || !strings.Contains(s, "新工艺") {
		t.Errorf("my skills: %q", s)
	}
	if s := b.text("main"); !strings.Contains(s, "已达到申报条件") {
		t.Errorf("eligibility after the course: %q", s)
	}
	b.noHorizontalOverflow("my skills")
	b.shot("skills-5-transcript")
	b.run("print", chromedp.Click(chromedp.CSS(`form[action="/my/skills/transcript"] button`)))
	b.waitPage("verification", `/^\/transcripts\/[a-z0-9]+$/.test(p)`)
	verify := eval[string](b, "path", "location.pathname")
	b.logout()
	b.open(verify, "main h1")
	if s := b.text("main"); !strings.Contains(s, "王*青") || !strings.Contains(s, "4 学分（1 笔）") {
		t.Errorf("verification page without a login: %q", s)
	}
	b.shot("skills-6-verified")

	// 6. The city schedules an appraisal session for level 4.
	b.login("admin")
	b.open("/appraisals/new", "#trade")
	b.run("fill the session",
		chromedp.SetValue(chromedp.CSS("#trade"), "数控车工"),
		chromedp.SetValue(chromedp.CSS("#level"), "4"),
		chromedp.SetValue(chromedp.CSS("#starts"), local(7*24*time.Hour)),
		chromedp.SetValue(chromedp.CSS("#place"), "上海市职业技能鉴定中心"),
		chromedp.SetValue(chromedp.CSS("#body"), "上海市职业技能鉴定中心"))
	b.run("save session", chromedp.Click(chromedp.CSS(`form[action="/appraisals"] .buttons button[type=submit]`)))
	b.waitPage("session page", `/^\/appraisals\/\d+$/.test(p)`)
	sessionPath := eval[string](b, "path", "location.pathname")
	b.logout()

	// 7. The worker applies; the threshold is checked.
	b.login("wangjq")
	b.open(sessionPath, "main h1")
	b.run("apply", chromedp.Click(chromedp.CSS(`form[action="`+sessionPath+`/apply"] button`)))
	b.waitPage("applied", "document.querySelector('.flash.ok') !== null")
	b.noHorizontalOverflow("applied")
	b.shot("skills-7-applied")
	b.logout()

	// 8. The result: passed, the skill level raised.
	b.login("admin")
	b.open(sessionPath, "main h1")
	b.run("scores",
		chromedp.SetValue(chromedp.CSS(`form[action^="/appraisal-applications/"] [name=theory]`), "85"),
		chromedp.SetValue(chromedp.CSS(`form[action^="/appraisal-applications/"] [name=practical]`), "78"),
		chromedp.Click(chromedp.CSS(`form[action^="/appraisal-applications/"] button`)))
	b.waitPage("result", "document.querySelector('.status-passed') !== null")
	b.shot("skills-8-result")
	b.logout()
	b.login("wangjq")
	b.open("/my/skills", "main h1")
	if s := b.text("main"); !strings.Contains(s, "四级/中级工") || !strings.Contains(s, "鉴定合格") {
		t.Errorf("after passing: %q", s)
	}
	b.shot("skills-9-level-raised")
	got, err := app.People.Get(ctx, boot, p.ID)
	if err != nil || got.SkillLevel != 4 {
		t.Fatalf("skill level after the appraisal: %+v %v", got, err)
	}
}
