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

// TestCareerJourney is issue 12's second journey, on a phone: a young
// worker writes their career plan (a milestone before the start is
// refused, then fixed); their unit's cadre assigns a mentor; the mentor
// reviews the plan; the cadre recommends the young worker as a talent; the
// district vets the recommendation into the pool and marks it typical; the
// district's career-navigation view counts it all. Each step is
// photographed.
func TestCareerJourney(t *testing.T) {
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
	link := func(name, login, org string, n int) *person.Person {
		t.Helper()
		p, err := app.People.Create(ctx, boot, person.Input{Name: name, IDNumber: apptest.IDNumber(n), OrgID: e.Orgs[org].ID, Job: "数控车工", SkillLevel: 4})
		if err != nil {
			t.Fatal(err)
		}
		uid, _, err := app.Users.CreateUser(ctx, sec, auth.NewUser{Login: login, Name: name, OrgID: e.Orgs[org].ID, Password: apptest.Password})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := app.DB.W().ExecContext(ctx, `UPDATE people SET user_id = $1 WHERE id = $2`, uid, p.ID); err != nil {
			t.Fatal(err)
		}
		return p
	}
	worker := link("张青", "zhangq", "B1", 501)
	link("李建国", "lijg", "U1", 502)
	mentorID := apptest.IDNumber(502)

	b := startBrowser(t, e.Server.URL)
	dialogs := b.acceptDialogs()
	defer func() {
		if d := dialogs(); len(d) > 0 {
			t.Errorf("unexpected dialogs: %q", d)
		}
	}()
	b.run("phone viewport", phone())
	year := time.Now().In(time.FixedZone("CST", 8*3600)).Year()
	day := func(m, d int) string {
		return time.Date(year, time.Month(m), d, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	}

	// 1. The young worker writes their plan; a milestone before the start
	// is refused with its reason, the rest of the form kept.
	b.login("zhangq")
	b.open("/my/career", "main h1")
	if s := b.text("main"); !strings.Contains(s, "还没有规划") {
		t.Errorf("empty my career: %q", s)
	}
	b.run("new plan", chromedp.Click(chromedp.CSS(`a[href="/my/career/new"]`)))
	b.waitPage("plan form", "p === '/my/career/new'")
	b.run("fill the plan",
		chromedp.SetValue(chromedp.CSS("#target_position"), "班组长"),
		chromedp.SetValue(chromedp.CSS("#target_level"), "3"),
		chromedp.SetValue(chromedp.CSS("#starts"), day(1, 1)),
		chromedp.SetValue(chromedp.CSS("#ends"), day(12, 31)),
		chromedp.SetValue(chromedp.CSS(`[name="m0.title"]`), "通过中级工鉴定"),
		chromedp.SetValue(chromedp.CSS(`[name="m0.due"]`), day(6, 30)),
		chromedp.SetValue(chromedp.CSS(`[name="m1.title"]`), "参加市职工技能竞赛"),
		chromedp.SetValue(chromedp.CSS(`[name="m1.due"]`), time.Date(year-1, 12, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02")))
	b.run("save", chromedp.Click(chromedp.CSS(`form[action="/career/plans"] .buttons button[type=submit]`)))
	b.waitPage("refused", "document.querySelector('.field-error, .error-text, [role=alert]') !== null")
	if s := b.text("main"); !strings.Contains(s, "节点日期不能早于规划开始日期") || !strings.Contains(s, "张青") {
		t.Errorf("early milestone not explained: %q", s)
	}
	b.noHorizontalOverflow("plan form with an error")
	b.shot("career-1-refused")
	b.run("fix the date", chromedp.SetValue(chromedp.CSS(`[name="m1.due"]`), day(10, 15)))
	b.run("save again", chromedp.Click(chromedp.CSS(`form[action="/career/plans"] .buttons button[type=submit]`)))
	b.waitPage("plan page", `/^\/career\/plans\/\d+$/.test(p)`)
	planPath := eval[string](b, "path", "location.pathname")
	if s := b.text("main"); !strings.Contains(s, "班组长") || !strings.Contains(s, "达成 0 / 2 个节点") {
		t.Errorf("plan page: %q", s)
	}
	b.shot("career-2-plan")
	b.logout()

	// 2. The unit's cadre assigns the mentor.
	b.login("cadre_u1")
	b.open(planPath+"/edit", "#mentor_id_number")
	b.run("mentor", chromedp.SetValue(chromedp.CSS("#mentor_id_number"), mentorID))
	b.run("save mentor", chromedp.Click(chromedp.CSS(`form[action="`+planPath+`"] .buttons button[type=submit]`)))
	b.waitPage("mentor set", "document.querySelector('.flash.ok') !== null")
	if s := b.text("main"); !strings.Contains(s, "李建国") {
		t.Errorf("mentor not shown: %q", s)
	}
	b.logout()

	// 3. The mentor finds the plan among their mentees and reviews it.
	b.login("lijg")
	b.open("/my/career", "main h1")
	b.run("open mentee's plan", chromedp.Click(chromedp.CSS(`a[href="`+planPath+`"]`)))
	b.waitPage("mentee plan", "p === '"+planPath+"'")
	b.run("review",
		chromedp.SetValue(chromedp.CSS("#comment"), "基础扎实，建议下半年重点准备技能竞赛，多向老师傅请教数控编程。"),
		chromedp.SetValue(chromedp.CSS("#progress"), "40"),
		chromedp.Click(chromedp.CSS(`form[action="`+planPath+`/reviews"] button`)))
	b.waitPage("reviewed", "document.querySelector('.flash.ok') !== null")
	if s := b.text("main"); !strings.Contains(s, "技能竞赛") || !strings.Contains(s, "导师") {
		t.Errorf("review not shown: %q", s)
	}
	b.noHorizontalOverflow("plan with review")
	b.shot("career-3-reviewed")
	b.logout()

	// 4. The cadre recommends the young worker; a short moral assessment is refused.
	b.login("cadre_u1")
	b.open("/talent/new?person="+strconv.FormatInt(worker.ID, 10), "#evidence")
	b.run("fill the recommendation",
		chromedp.SetValue(chromedp.CSS("#kind"), "technical_skill"),
		chromedp.SetValue(chromedp.CSS("#evidence"), "三年来完成技术革新两项，获区职工技能竞赛二等奖。"),
		chromedp.SetValue(chromedp.CSS("#moral"), "表现好"),
		chromedp.Click(chromedp.CSS(`form[action="/talent"] .buttons button[type=submit]`)))
	b.waitPage("moral refused", "document.querySelector('[role=alert]') !== null")
	if s := b.text("main"); !strings.Contains(s, "张青") {
		t.Errorf("the refused form no longer names the person: %q", s)
	}
	b.shot("career-4-moral-refused")
	b.run("moral assessment",
		chromedp.SetValue(chromedp.CSS("#moral"), "政治立场坚定，爱岗敬业，遵纪守法，在青年职工中口碑良好。"),
		chromedp.Click(chromedp.CSS(`form[action="/talent"] .buttons button[type=submit]`)))
	b.waitPage("recommended", `/^\/talent\/\d+$/.test(p)`)
	recPath := eval[string](b, "path", "location.pathname")
	b.logout()

	// 5. The district vets it into the pool and marks it typical.
	b.login("org_admin_d1")
	b.open("/talent?status=submitted", "main h1")
	b.run("open", chromedp.Click(chromedp.CSS(`a[href="`+recPath+`"]`)))
	b.waitPage("recommendation", "p === '"+recPath+"'")
	b.run("accept", chromedp.Click(chromedp.CSS(`form[action="`+recPath+`/vet"] button[value=accept]`)))
	b.waitPage("accepted", "document.querySelector('h1 .status-accepted') !== null")
	b.run("typical",
		chromedp.SetValue(chromedp.CSS("#text"), "张青扎根一线钻研数控技术，是本区青年技能人才的典型。"),
		chromedp.Click(chromedp.CSS(`form[action="`+recPath+`/typical"] button[value="1"]`)))
	// The page before had a flash too (accepted): wait for the new state.
	b.waitPage("typical", "[...document.querySelectorAll('dt')].some(d => d.textContent === '典型')")
	b.open("/talent", "main h1")
	if s := b.text("main"); !strings.Contains(s, "张青") || !strings.Contains(s, "典型") {
		t.Errorf("pool: %q", s)
	}
	b.noHorizontalOverflow("pool")
	b.shot("career-5-pool")

	// 6. The district's career-navigation view counts the plan, the mentor,
	// the review and the recommendation.
	b.open("/career", "main h1")
	s := b.text("main")
	for _, want := range []string{"青年职业生涯导航", "技术技能型人才", "张青"} {
		if !strings.Contains(s, want) {
			t.Errorf("career view lacks %q: %q", want, s)
		}
	}
	b.noHorizontalOverflow("career view")
	b.shot("career-6-view")
	b.logout()
}
