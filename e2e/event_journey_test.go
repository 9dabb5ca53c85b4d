package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"qinggong/internal/app/apptest"
	"qinggong/internal/auth"
	"qinggong/internal/person"
)

// TestEventJourney is issue 12's first journey, on a phone: the city
// publishes a seminar with the form; a young worker registers from their
// own login and keeps their personal code; the organizer's screen shows
// the rotating code; the attendee checks in with it; attendance is
// exported. Each step is photographed.
func TestEventJourney(t *testing.T) {
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
	p, err := app.People.Create(ctx, boot, person.Input{Name: "林晓东", IDNumber: apptest.IDNumber(400), OrgID: e.Orgs["B1"].ID, Trade: "电工"})
	if err != nil {
		t.Fatal(err)
	}
	uid, _, err := app.Users.CreateUser(ctx, sec, auth.NewUser{Login: "linxd", Name: "林晓东", OrgID: e.Orgs["B1"].ID, Password: apptest.Password})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB.W().ExecContext(ctx, `UPDATE people SET user_id = $1 WHERE id = $2`, uid, p.ID); err != nil {
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

	// 1. The city publishes a seminar.
	b.login("admin")
	b.open("/events", "main h1")
	if s := b.text("main"); !strings.Contains(s, "暂无活动") {
		t.Errorf("empty list: %q", s)
	}
	b.run("new event", chromedp.Click(chromedp.CSS(`a[href="/events/new"]`)))
	b.waitPage("event form", "p === '/events/new'")
	b.run("fill the event",
		chromedp.SetValue(chromedp.CSS("#title"), "青年职业生涯导航活动与青年人才培养研讨会"),
		chromedp.SetValue(chromedp.CSS("#place"), "上海市青年活动中心 3 楼报告厅"),
		chromedp.SetValue(chromedp.CSS("#capacity"), "200"),
		chromedp.SetValue(chromedp.CSS("#reg_opens"), local(-time.Hour)),
		chromedp.SetValue(chromedp.CSS("#reg_closes"), local(time.Hour)),
		chromedp.SetValue(chromedp.CSS(`[name="s0.starts"]`), local(10*time.Minute)),
		chromedp.SetValue(chromedp.CSS(`[name="s0.ends"]`), local(2*time.Hour)))
	b.noHorizontalOverflow("event form")
	b.shot("event-1-form")
	b.run("create", chromedp.Click(chromedp.CSS(`form[action="/events"] .buttons button[type=submit]`)))
	b.waitPage("event page", `/^\/events\/\d+$/.test(p)`)
	eid := strings.TrimPrefix(eval[string](b, "path", "location.pathname"), "/events/")
	b.run("publish", chromedp.Click(chromedp.CSS(`form[action="/events/`+eid+`/publish"] button`)))
	// The page before had a flash too (created): wait for the new state.
	b.waitPage("published", "document.querySelector('h1 .status-published') !== null")
	b.noHorizontalOverflow("event page")
	b.shot("event-1-published")
	id, _ := strconv.ParseInt(eid, 10, 64)
	ev, err := app.Events.Get(ctx, boot, id)
	if err != nil || len(ev.Sessions) != 1 || ev.Status != "published" {
		t.Fatalf("event: %+v %v", ev, err)
	}
	sid := strconv.FormatInt(ev.Sessions[0].ID, 10)
	b.logout()

	// 2. A young worker registers and keeps their code.
	b.login("linxd")
	b.open("/events/"+eid, "main h1")
	b.run("register", chromedp.Click(chromedp.CSS(`form[action="/events/`+eid+`/register"] button`)))
	b.waitPage("registered", "document.querySelector('.flash.ok') !== null")
	if s := b.text("main"); !strings.Contains(s, "已报名") {
		t.Errorf("after registering: %q", s)
	}
	b.shot("event-2-registered")
	b.open("/my/events", "main h1")
	if n := eval[int](b, "codes", `document.querySelectorAll('.personal-code img').length`); n != 1 {
		t.Errorf("%d personal codes on my events", n)
	}
	b.noHorizontalOverflow("my events")
	b.shot("event-3-my-code")
	b.logout()

	// 3. The organizer's screen shows the code.
	b.login("admin")
	b.open("/sessions/"+sid+"/screen", ".checkin-screen")
	code := strings.TrimSpace(b.text(".checkin-screen .code"))
	if len(code) != 8 {
		t.Fatalf("screen code %q", code)
	}
	b.shot("event-4-screen")
	b.logout()

	// 4. The attendee opens the scanned address and checks in.
	b.login("linxd")
	b.open("/checkin/"+sid+"?code="+code, "#code")
	b.run("check in", chromedp.Click(chromedp.CSS(`form[action="/checkin/`+sid+`"] button`)))
	b.waitPage("checked in", "document.querySelector('.flash.ok') !== null")
	if s := b.text("main"); !strings.Contains(s, "签到成功") {
		t.Errorf("after checking in: %q", s)
	}
	b.noHorizontalOverflow("checked in")
	b.shot("event-5-checked-in")

	// 4b. Having attended, they answer the feedback survey (once).
	b.open("/events/"+eid, "main h1")
	b.run("feedback",
		chromedp.Click(chromedp.CSS(`input[name=useful][value="4"]`)),
		chromedp.SetValue(chromedp.CSS("#comment"), "案例很实用，希望多组织类似活动。"),
		chromedp.Click(chromedp.CSS(`form[action="/events/`+eid+`/feedback"] button`)))
	b.waitPage("feedback given", "document.querySelector('.flash.ok') !== null")
	if s := b.text("main"); !strings.Contains(s, "您已提交反馈") {
		t.Errorf("after feedback: %q", s)
	}
	b.logout()

	// 4c. The organizer uploads the slides and reads the feedback.
	b.login("admin")
	slides := filepath.Join(t.TempDir(), "研讨会讲义.pdf")
	if err := os.WriteFile(slides, []byte("%PDF-1.4\n1 0 obj << >> endobj\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b.open("/events/"+eid, "main h1")
	b.run("upload slides", chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{slides}),
		chromedp.Click(chromedp.CSS(`form[action="/events/`+eid+`/materials"] button`)))
	b.waitPage("uploaded", "document.querySelector('a[href^=\"/materials/\"]') !== null")
	if s := b.text("main"); !strings.Contains(s, "研讨会讲义.pdf") || !strings.Contains(s, "4.0 / 5") || !strings.Contains(s, "案例很实用") {
		t.Errorf("organizer's event page: %q", s)
	}
	b.noHorizontalOverflow("materials and feedback")
	b.shot("event-6-materials-feedback")

	// 5. The attendance sheet.
	res := e.Login("admin").Get("/sessions/" + sid + "/attendance.xlsx")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Body, "PK") || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		t.Errorf("attendance export: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	att, err := app.Events.Attendance(ctx, boot, ev.Sessions[0].ID)
	if err != nil || len(att) != 1 || att[0].PersonID != p.ID || att[0].Method != "code" {
		t.Fatalf("attendance: %+v %v", att, err)
	}
}
