package e2e

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"qinggong/internal/app/apptest"
	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/person"
)

// TestReferralJourney: on a phone, a login linked to no record of its own
// puts a technician forward (举荐) by name and ID-card number; a wrong
// name is refused without saying why, the right one is received, and the
// technician's branch finds the referral waiting with the referrer's
// relation in its history. Each step is photographed.
func TestReferralJourney(t *testing.T) {
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
	number := apptest.IDNumber(300)
	p, err := app.People.Create(ctx, boot, person.Input{Name: "陈明远", IDNumber: number, OrgID: e.Orgs["B1"].ID, SkillLevel: 2, Trade: "钳工"})
	if err != nil {
		t.Fatal(err)
	}
	tpl, _ := campaign.TemplateOf("top_technician")
	c, err := app.Campaigns.Create(ctx, boot, campaign.Input{Title: "第二届上海十大杰出青年技师", Kind: tpl.Kind, OrgID: root.ID,
		NomineeKind: tpl.NomineeKind, Rules: tpl.Rules, Winners: tpl.Winners, Referral: tpl.Referral})
	if err == nil {
		c, err = app.Campaigns.Advance(ctx, boot, c.ID, campaign.StageNominating)
	}
	if err != nil {
		t.Fatal(err)
	}
	cid := strconv.FormatInt(c.ID, 10)

	b := startBrowser(t, e.Server.URL)
	b.run("phone viewport", phone())
	b.login("norole")
	b.open("/applications", "main h1")
	if s := b.text("main"); !strings.Contains(s, "尚未关联") || !strings.Contains(s, c.Title) {
		t.Errorf("openings of an unlinked login: %q", s)
	}
	b.noHorizontalOverflow("openings")
	b.shot("referral-1-openings")

	b.run("open the form", chromedp.Click(chromedp.CSS(`a[href="/campaigns/`+cid+`/refer"]`)))
	b.waitPage("referral form", "p === '/campaigns/"+cid+"/refer'")
	fill := func(name string) {
		t.Helper()
		b.run("fill the referral",
			chromedp.SetValue(chromedp.CSS("#name"), name),
			chromedp.SetValue(chromedp.CSS("#id_number"), number),
			chromedp.SetValue(chromedp.CSS("#relation"), "技能大师工作室导师"),
			chromedp.SetValue(chromedp.CSS("#summary"), "跟随学习三年，独立完成钳工工艺改进 5 项，获全市钳工职业技能竞赛第二名。"),
			chromedp.Click(chromedp.CSS(`form[action="/campaigns/`+cid+`/refer"] button[type=submit]`)))
	}
	fill("陈明")
	b.waitPage("refused", "document.querySelector('.flash.error') !== null")
	if s := b.text("main"); !strings.Contains(s, "没有与该姓名和身份证号相符") {
		t.Errorf("a wrong name: %q", s)
	}
	if v := get(b, "number kept?", chromedp.Value(chromedp.CSS("#id_number"))); v != "" {
		t.Errorf("the ID-card number was echoed back into the page")
	}
	b.noHorizontalOverflow("referral refused")
	b.shot("referral-2-refused")
	fill("陈明远")
	b.waitPage("sent", "p === '/applications'")
	if s := b.text("main"); !strings.Contains(s, "举荐已提交") {
		t.Errorf("after sending: %q", s)
	}
	b.shot("referral-3-sent")

	// The branch's cadre finds it pending, the referrer's relation shown.
	b.run("log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	b.waitPage("login page after logout", "document.querySelector('#login') !== null")
	b.login("cadre_u1")
	nid := strconv.FormatInt(nominationOf(t, app, c.ID, p.ID), 10)
	b.open("/nominations/"+nid, "main h1")
	if s := b.text("main"); !strings.Contains(s, "他人举荐") || !strings.Contains(s, "技能大师工作室导师") {
		t.Errorf("the nomination's history: %q", s)
	}
	b.noHorizontalOverflow("referral held")
	b.shot("referral-4-held")
}
