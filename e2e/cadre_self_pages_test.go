package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"qinggong/internal/app/apptest"
	"qinggong/internal/auth"
	"qinggong/internal/cadre"
	"qinggong/internal/person"
)

// TestCadreAndSelfPages visits the cadre list, a cadre's page and the
// three-check report as a district admin, then the self-service pages as
// a young worker linked to their record, on a desktop and a phone, and
// saves screenshots (empty states first, then filled ones).
func TestCadreAndSelfPages(t *testing.T) {
	e := apptest.New(t, "sqlite")
	ctx := context.Background()
	root := e.Orgs["C"]
	boot := &auth.Actor{Login: "fixture", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
	b := startBrowser(t, e.Server.URL)
	b.run("desktop viewport", desktop())
	login := func(who, password string) {
		b.open("/login", "#login")
		b.run("log in as "+who,
			chromedp.SendKeys(chromedp.CSS("#login"), who),
			chromedp.SendKeys(chromedp.CSS("#password"), password),
			chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
		b.waitPage("after login", "p !== '/login'")
	}
	login("org_admin_d1", apptest.Password)
	b.open("/cadres", "main h1")
	b.shot("40-cadres-empty")

	// A full-time secretary and two part-time members, one of whom fails
	// all three checks; a long concurrent post tests wrapping.
	names := []string{"陈晓明", "林佳怡", "欧阳子轩"}
	var people []*person.Person
	for i, n := range names {
		p, err := e.App.People.Create(ctx, boot, person.Input{Name: n, IDNumber: apptest.IDNumber(40 + i), OrgID: e.Orgs["U1"].ID, Trade: "电工"})
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, p)
	}
	posts := []cadre.Input{
		{PersonID: people[0].ID, OrgID: e.Orgs["U1"].ID, Post: "secretary", Basis: "full_time", TermStart: "2025-01-01", TermEnd: "2029-12-31"},
		{PersonID: people[1].ID, OrgID: e.Orgs["U1"].ID, Post: "deputy", Basis: "part_time", Concurrent: "车间党支部宣传委员",
			Relevance: "high", Prospects: "yes", Hours: 6, TermStart: "2025-01-01"},
		{PersonID: people[2].ID, OrgID: e.Orgs["U1"].ID, Post: "member", Basis: "part_time",
			Concurrent: "第三生产车间数控加工班组安全质量兼职检查员（轮岗）", Relevance: "low", Prospects: "no", Hours: 2,
			TermStart: "2025-03-01", CoManagement: "由上级团委与企业人力资源部协管"},
	}
	var last *cadre.Cadre
	for _, in := range posts {
		c, err := e.App.Cadres.Create(ctx, boot, in)
		if err != nil {
			t.Fatalf("cadre %+v: %v", in, err)
		}
		last = c
	}
	b.open("/cadres", "main table")
	for _, n := range names {
		if !strings.Contains(b.text("main"), n) {
			t.Errorf("cadre list lacks %s", n)
		}
	}
	b.shot("41-cadres")
	b.open("/cadres/"+strconv.FormatInt(last.ID, 10), "main h1")
	b.shot("42-cadre")
	b.open("/cadres/report", "main h1")
	if !strings.Contains(b.text("main"), names[2]) {
		t.Errorf("the three-check report lacks the part-time member who fails them")
	}
	b.shot("43-cadre-report")
	b.run("phone viewport", phone())
	b.open("/cadres", "main h1")
	b.noHorizontalOverflow("cadres on a phone")
	b.shot("44-phone-cadres")
	b.open("/cadres/report", "main h1")
	b.noHorizontalOverflow("cadre report on a phone")
	b.shot("45-phone-cadre-report")

	// The young worker: linked by the admin, first login sets a password.
	res := e.Bearer("org_admin_d1").For(t).Do("POST", "/api/v1/people/"+strconv.FormatInt(people[1].ID, 10)+"/login", "{}")
	if res.StatusCode != 201 {
		t.Fatalf("link = %d %s", res.StatusCode, res.Body)
	}
	var l person.Linked
	res.JSON(t, &l)
	b.run("log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	b.waitPage("login page after logout", "document.querySelector('#login') !== null")
	b.run("desktop viewport", desktop())
	login(l.Login, l.Password)
	b.waitPage("password change", "p === '/password'")
	const mine = "Young-Worker-2026"
	b.run("set a password",
		chromedp.SendKeys(chromedp.CSS("#current"), l.Password),
		chromedp.SendKeys(chromedp.CSS("#password"), mine),
		chromedp.Click(chromedp.CSS(`form[action="/password"] button[type=submit]`)))
	b.waitPage("after the password change", "p !== '/password'")
	login(l.Login, mine) // a new password ends every session, this one included
	b.open("/me", "main h1")
	if !strings.Contains(b.text("main"), names[1]) {
		t.Errorf("/me does not show the worker's own record")
	}
	b.shot("46-me")
	b.open("/me/consents", "main h1")
	b.shot("47-me-consents")
	b.run("phone viewport", phone())
	b.open("/me", "main h1")
	b.noHorizontalOverflow("/me on a phone")
	b.shot("48-phone-me")
}
