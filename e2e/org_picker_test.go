package e2e

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"qinggong/internal/app/apptest"
	"qinggong/internal/auth"
	"qinggong/internal/org"
	"qinggong/internal/person"
)

// TestOrgPickerJourney is issue 10's people-per-organization and picker
// journey: an organization's page shows its people and links to them and
// to their export; on a phone the organization picker of a move, of the
// people list's filter and of a region's members is typed into and picked
// from by tap and by keyboard; a region is renamed and archived.
func TestOrgPickerJourney(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Skip("chromium not found on PATH")
	}
	e := apptest.New(t, "sqlite")
	ctx := context.Background()
	root := e.Orgs["C"]
	boss := &auth.Actor{Login: "e2e", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
	xh, err := e.App.Orgs.Create(ctx, boss, e.Orgs["D2"].ID, org.Input{Name: "徐汇区漕河泾开发区青年联合团委", ShortName: "漕河泾团委",
		Code: "XH-CHJ", Level: org.LevelUnit})
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range []string{"张三", "李四", "王小明"} {
		if _, err := e.App.People.Create(ctx, boss, person.Input{Name: n, IDNumber: apptest.IDNumber(3000 + i), OrgID: e.Orgs["B1"].ID}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.App.People.Create(ctx, boss, person.Input{Name: "赵六", IDNumber: apptest.IDNumber(3010), OrgID: xh.ID}); err != nil {
		t.Fatal(err)
	}
	d1 := e.Orgs["D1"]
	id := func(o *org.Org) string { return strconv.FormatInt(o.ID, 10) }

	b := startBrowser(t, e.Server.URL)
	dialogs := b.acceptDialogs()
	b.run("desktop viewport", desktop())
	b.open("/login", "#login")
	b.run("log in", chromedp.SendKeys(chromedp.CSS("#login"), "admin"),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	b.waitPage("home after login", "p !== '/login'")

	// The organization's page: its people, from the kept counts, a link.
	people := `main dl.facts a[href="/people?under=` + id(d1) + `"]`
	b.open("/orgs/"+id(d1), people)
	if got := b.text(people); got != "3 人" {
		t.Errorf("D1's people = %q, want 3 人", got)
	}
	if b.text("main dl.facts") == "" || strings.Contains(b.text("main dl.facts"), "上线后显示") {
		t.Error("the placeholder is still on the page")
	}
	b.shot("40-org-people")
	b.run("open its people", chromedp.Click(chromedp.CSS(people)))
	b.waitPage("people of D1", "p === '/people' && location.search === '?under="+id(d1)+"'")
	b.run("list", chromedp.WaitVisible(chromedp.CSS("table.list")))
	if got := b.text("table.list tbody"); !strings.Contains(got, "王小明") || strings.Contains(got, "赵六") {
		t.Errorf("D1's people list = %q", got)
	}
	if v := eval[string](b, "picker shows D1", `document.querySelector('#pick-under_code').value`); v != d1.Name+"（FX-D1）" {
		t.Errorf("the filter's picker shows %q, want D1's name and code", v)
	}
	b.shot("41-org-people-list")

	// Back on the page, the export link leads to that list's export form.
	export := `main dl.facts a[href="/people?under=` + id(d1) + `#export"]`
	b.open("/orgs/"+id(d1), export)
	b.run("open export", chromedp.Click(chromedp.CSS(export)))
	b.waitPage("export form", "location.hash === '#export'")
	b.run("export form", chromedp.WaitVisible(chromedp.CSS(`form#export[action="/people/export?under=`+id(d1)+`"]`)))
	b.shot("42-org-people-export")

	// On a phone: move B1 under 漕河泾 by typing its pinyin initials and tapping it.
	b.run("phone viewport", phone())
	b1 := e.Orgs["B1"]
	b.open("/orgs/"+id(b1)+"/move", "#pick-parent_code")
	b.run("type initials", chromedp.SendKeys(chromedp.CSS("#pick-parent_code"), "chj"))
	opt := `#pick-parent_code-list li[data-code="XH-CHJ"]`
	b.run("suggestions", chromedp.WaitVisible(chromedp.CSS(opt)))
	b.noHorizontalOverflow("phone picker open")
	b.shot("43-phone-move-picker")
	b.run("tap it", chromedp.Click(chromedp.CSS(opt)))
	if v := eval[string](b, "field", `document.querySelector('input[type=hidden][name=parent_code]').value`); v != "XH-CHJ" {
		t.Errorf("picked code = %q, want XH-CHJ", v)
	}
	if v := eval[string](b, "box", `document.querySelector('#pick-parent_code').value`); v != xh.Name+"（XH-CHJ）" {
		t.Errorf("box shows %q", v)
	}
	b.shot("44-phone-move-picked")
	// A unit's branch may sit under a unit: the move goes through.
	b.run("move", chromedp.Click(chromedp.CSS(`form.stack button[type=submit]`)))
	b.waitPage("moved", "p === '/orgs/"+id(b1)+"'")
	if moved, err := e.App.Orgs.FindByID(ctx, boss, b1.ID); err != nil || moved.ParentID != xh.ID {
		t.Errorf("B1 after the move: %+v, %v", moved, err)
	}

	// The people list's filter, by keyboard: type, arrow down, Enter, search.
	b.open("/people", "#pick-under_code")
	b.run("type a name", chromedp.SendKeys(chromedp.CSS("#pick-under_code"), "徐汇"))
	// The list says which query its results answer: wait for the last one's.
	b.run("suggestions", chromedp.WaitVisible(chromedp.CSS(`#pick-under_code-list[data-q="徐汇"] li[data-code="XH-CHJ"]`)))
	b.run("arrow down", chromedp.SendKeys(chromedp.CSS("#pick-under_code"), kb.ArrowDown),
		chromedp.WaitVisible(chromedp.CSS(`#pick-under_code-list li[aria-selected=true][data-code="XH-CHJ"]`)))
	b.run("enter", chromedp.SendKeys(chromedp.CSS("#pick-under_code"), kb.Enter))
	if v := eval[string](b, "field", `document.querySelector('input[type=hidden][name=under_code]').value`); v != "XH-CHJ" {
		t.Errorf("keyboard-picked code = %q, want XH-CHJ", v)
	}
	b.shot("45-phone-people-filter")
	b.run("search", chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)))
	b.waitPage("filtered", "location.search.includes('under_code=XH-CHJ')")
	b.run("list", chromedp.WaitVisible(chromedp.CSS("table.list")))
	if got := b.text("table.list tbody"); !strings.Contains(got, "赵六") || !strings.Contains(got, "张三") { // B1 moved under it
		t.Errorf("filtered list = %q", got)
	}
	b.noHorizontalOverflow("phone people filtered")
	b.shot("46-phone-people-filtered")

	// A region's members: the picker offers only the owner's subtree.
	region := "/regions/" + strconv.FormatInt(e.Region.ID, 10)
	b.open(region, "#pick-org_code")
	b.run("type a code", chromedp.SendKeys(chromedp.CSS("#pick-org_code"), "fx-b"))
	b.run("suggestions", chromedp.WaitVisible(chromedp.CSS(`#pick-org_code-list li[data-code="FX-B2"]`)))
	b.shot("47-phone-region-picker")
	b.run("pick B2", chromedp.Click(chromedp.CSS(`#pick-org_code-list li[data-code="FX-B2"]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/members"] button[type=submit]`)))
	b.waitPage("member added", "p === '"+region+"' && document.querySelector('.flash') !== null")
	if got := b.text("main table.list"); !strings.Contains(got, "FX-B2") {
		t.Errorf("members after adding = %q", got)
	}

	// Rename, then archive with confirmation; restore.
	b.run("desktop", desktop())
	b.open(region+"/edit", "form.stack #name")
	b.run("rename", chromedp.Clear(chromedp.CSS("#name")), chromedp.SendKeys(chromedp.CSS("#name"), "陆家嘴金融城片区"),
		chromedp.Click(chromedp.CSS(`form.stack button[type=submit]`)))
	b.waitPage("renamed", "p === '"+region+"'")
	b.run("archive", chromedp.Click(chromedp.CSS(`form[action="`+region+`/archive"] button`)))
	b.waitPage("archived", "document.querySelector('main h1 .badge.archived') !== null")
	if got := b.text("main h1"); !strings.Contains(got, "陆家嘴金融城片区") {
		t.Errorf("archived region heading = %q", got)
	}
	b.shot("48-region-archived")
	if d := dialogs(); len(d) < 2 || !strings.Contains(d[len(d)-1], "归档") {
		t.Errorf("dialogs = %q, want the move's and the archive's confirmations", d)
	}
	b.run("restore", chromedp.Click(chromedp.CSS(`form[action="`+region+`/restore"] button`)))
	b.waitPage("restored", "document.querySelector('main h1 .badge.archived') === null && document.querySelector('#pick-org_code') !== null")

	// Without scripts the picker's box is the code field: typing a code moves B2.
	b2 := e.Orgs["B2"]
	scripts := func(off bool) {
		t.Helper()
		if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off}); err != nil {
			t.Fatalf("scripts off=%v: %v", off, err)
		}
	}
	scripts(true)
	b.run("open move", chromedp.Navigate(b.base+"/orgs/"+id(b2)+"/move"), chromedp.WaitVisible(chromedp.CSS(`input#pick-parent_code[name=parent_code]`)))
	b.run("type a code", chromedp.SendKeys(chromedp.CSS("#pick-parent_code"), "FX-U1"))
	b.shot("49-noscript-move")
	b.run("move", chromedp.Click(chromedp.CSS(`form.stack button[type=submit]`)))
	b.waitPage("moved", "p === '/orgs/"+id(b2)+"'")
	b.shot("50-noscript-moved")
	if moved, err := e.App.Orgs.FindByID(ctx, boss, b2.ID); err != nil || moved.ParentID != e.Orgs["U1"].ID {
		t.Errorf("B2 after the move without scripts: %+v, %v", moved, err)
	}
	scripts(false)
}
