package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"qinggong/internal/app/apptest"
)

// TestAdminPages visits the region, account and audit pages as the people
// who use them, on a desktop and a phone, and saves screenshots.
func TestAdminPages(t *testing.T) {
	e := apptest.New(t, "sqlite")
	b := startBrowser(t, e.Server.URL)
	login := func(who string) {
		b.open("/login", "body")
		if b.text("header.top") != "" && strings.Contains(b.text("header.top"), "退出") {
			b.run("log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
			b.waitPage("login page after logout", "document.querySelector('#login') !== null")
		}
		b.open("/login", "#login")
		b.run("log in as "+who,
			chromedp.SendKeys(chromedp.CSS("#login"), who),
			chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
			chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
		b.waitPage("home after login", "p !== '/login'")
	}
	b.run("desktop viewport", desktop())
	login("admin")

	b.open("/regions", "main h1")
	if !strings.Contains(b.text("main"), e.Region.Name) {
		t.Fatalf("region list lacks %s", e.Region.Name)
	}
	b.shot("20-regions")
	b.open("/regions/"+strconv.FormatInt(e.Region.ID, 10), "#pick-org_code")
	b.run("add an organization outside the owner's reach", // typed, not picked: Enter sends it as typed
		chromedp.SendKeys(chromedp.CSS("#pick-org_code"), "NO-SUCH-CODE"+kb.Enter))
	b.waitPage("member error", "document.querySelector('.field-error') !== null")
	b.shot("21-region-member-error")

	b.open("/users", "main h1")
	b.shot("22-users")
	b.open("/users/"+strconv.FormatInt(e.Users["cadre_d1"], 10), "#role")
	b.shot("23-user-grants")
	b.open("/tokens", "#name")
	b.shot("24-tokens")

	login("auditor")
	b.open("/audit", "main h1")
	if !strings.Contains(b.text("main"), "登录") { // auth.login, in words
		t.Fatal("audit page lacks the login records")
	}
	b.shot("25-audit")
	b.run("phone viewport", phone())
	b.open("/audit", "main h1")
	b.noHorizontalOverflow("audit on a phone")
	b.shot("26-phone-audit")
}
