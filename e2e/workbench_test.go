package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"qinggong/internal/app/apptest"
	"qinggong/internal/auth"
	"qinggong/internal/person"
)

// TestWorkbench opens the workbench of a district's administrator with a
// transfer to approve and an import to confirm, on a desktop and a phone,
// then walks a login into the lockout: the warning before the last try and
// the time the lock ends.
func TestWorkbench(t *testing.T) {
	e := apptest.New(t, "sqlite")
	ctx := context.Background()
	root := e.Orgs["C"]
	boot := &auth.Actor{Login: "fixture", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
	var wang int64
	for i, in := range []person.Input{
		{Name: "张三", IDNumber: apptest.IDNumber(2_000_001), OrgID: e.Orgs["B1"].ID, Political: person.League},
		{Name: "李四", IDNumber: apptest.IDNumber(2_000_002), OrgID: e.Orgs["U1"].ID, Political: person.League},
		{Name: "王五", IDNumber: apptest.IDNumber(2_000_003), OrgID: e.Orgs["B2"].ID},
	} {
		p, err := e.App.People.Create(ctx, boot, in)
		if err != nil {
			t.Fatal(err)
		}
		if i == 2 { // 王五 of D2 asks to move into D1's unit
			wang = p.ID
			if _, err := e.App.People.RequestTransfer(ctx, boot, p.ID, person.TransferInput{ToOrgCode: "FX-U1", Reason: "工作调动"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	d1, err := e.App.Users.Actor(ctx, e.Users["org_admin_d1"])
	if err != nil {
		t.Fatal(err)
	}
	roster := "姓名,身份证号,组织编码\n赵六," + apptest.IDNumber(2_000_004) + ",FX-B1\n钱七," + apptest.IDNumber(2_000_005) + ",FX-U1\n"
	if _, err := e.App.People.StartImport(ctx, d1, "一支部团员名单.csv", []byte(roster), person.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	e.App.People.WaitImports()

	b := startBrowser(t, e.Server.URL)
	b.run("desktop viewport", desktop())
	b.open("/login", "#login")
	b.run("log in as the D1 administrator",
		chromedp.SendKeys(chromedp.CSS("#login"), "org_admin_d1"),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	b.waitPage("the workbench", "p === '/' && document.querySelector('ul.figures') !== null")
	main := b.text("main")
	for _, want := range []string{"工作台", "待审批的转入", "王五", "待确认的导入", "一支部团员名单.csv", "在册青年", "团员", "登记青年"} {
		if !strings.Contains(main, want) {
			t.Errorf("workbench lacks %q", want)
		}
	}
	if !strings.Contains(b.text("header.top"), "修改密码") {
		t.Error("the user menu lacks 修改密码")
	}
	b.shot("60-workbench")
	b.run("phone viewport", phone())
	b.open("/", "ul.figures")
	b.noHorizontalOverflow("workbench on a phone")
	b.shot("61-phone-workbench")
	b.run("switch to English", chromedp.Click(chromedp.CSS(`form[action="/lang"] button`)))
	b.waitPage("the workbench in English", "document.documentElement.lang === 'en' && document.querySelector('ul.figures') !== null")
	if m := b.text("main"); !strings.Contains(m, "Workbench") || !strings.Contains(m, "Transfers to approve") {
		t.Errorf("English workbench: %q", m)
	}
	b.noHorizontalOverflow("English workbench on a phone")
	b.shot("61-phone-workbench-en")
	b.run("back to Chinese", chromedp.Click(chromedp.CSS(`form[action="/lang"] button`)))
	b.waitPage("the workbench in Chinese", "document.documentElement.lang === 'zh-CN'")

	// A stranger guessing viewer_u1's password: warned before the last try, then locked.
	b.run("log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	b.waitPage("login page after logout", "document.querySelector('#login') !== null")
	for i := 1; i <= 5; i++ {
		b.open("/login", "#login")
		b.run("wrong password",
			chromedp.SendKeys(chromedp.CSS("#login"), "viewer_u1"),
			chromedp.SendKeys(chromedp.CSS("#password"), "Wrong-Password-1"),
			chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
		b.waitPage("the refusal", "document.querySelector('.flash.error') !== null")
		msg := b.text(".flash.error")
		switch i {
		case 4:
			if !strings.Contains(msg, "还可尝试 1 次，之后账户将锁定至") {
				t.Errorf("4th failure: %q, want the warning", msg)
			}
			b.noHorizontalOverflow("lockout warning on a phone")
			b.shot("62-phone-login-last-try")
		case 5:
			if !strings.Contains(msg, "账户已锁定至") {
				t.Errorf("5th failure: %q, want the lock's end", msg)
			}
			b.shot("63-phone-login-locked")
		}
	}

	// The security admin finds the locked account waiting on the workbench.
	b.open("/login", "#login")
	b.run("log in as the security admin",
		chromedp.SendKeys(chromedp.CSS("#login"), "secadmin"),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	b.waitPage("secadmin's workbench", "p === '/' && document.querySelector('ul.waiting') !== null")
	if m := b.text("main"); !strings.Contains(m, "viewer_u1") || !strings.Contains(m, "锁定至") {
		t.Errorf("secadmin's workbench: %q", m)
	}
	b.noHorizontalOverflow("secadmin's workbench on a phone")
	b.shot("67-phone-secadmin-workbench")
	b.run("log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	b.waitPage("login page after logout", "document.querySelector('#login') !== null")

	// The auditor sees who did what to whom, in words, and finds it by name.
	if _, err := e.App.People.Reveal(auth.WithAuditMeta(ctx, d1), d1, wang); err == nil {
		t.Error("the D1 admin revealed a D2 person")
	}
	for _, id := range []int64{wang - 1, wang - 2} {
		if _, err := e.App.People.Reveal(auth.WithAuditMeta(ctx, d1), d1, id); err != nil {
			t.Fatal(err)
		}
	}
	b.open("/login", "#login")
	b.run("log in as the auditor",
		chromedp.SendKeys(chromedp.CSS("#login"), "auditor"),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	b.waitPage("auditor's workbench", "p === '/'")
	b.run("desktop viewport", desktop())
	b.open("/audit?q="+url.QueryEscape("张三"), "main h1")
	if m := b.text("main"); !strings.Contains(m, "查看敏感信息") || !strings.Contains(m, "张三") || strings.Contains(m, "李四") {
		t.Errorf("audit search 张三: %q", m)
	}
	b.shot("64-audit-search-name")
	b.open("/audit", "main h1")
	b.shot("65-audit")
	b.run("phone viewport", phone())
	b.open("/audit?q="+url.QueryEscape("查看"), "main h1")
	b.noHorizontalOverflow("audit search on a phone")
	b.shot("66-phone-audit-search")
}
