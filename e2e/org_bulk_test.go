package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"qinggong/internal/app/apptest"
)

// A district committee sets up a unit and its branches from one file: a
// first file with mistakes is refused row by row and nothing is created;
// the corrected file is confirmed and every organization appears, linked.
func TestOrgBulkJourney(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Skip("chromium not found on PATH")
	}
	e := apptest.New(t, "sqlite")
	b := startBrowser(t, e.Server.URL)
	dialogs := b.acceptDialogs()
	dir := t.TempDir()
	header := []string{"组织名称", "简称", "组织编码", "层级", "上级组织"}
	bad := filepath.Join(dir, "新建组织-初稿.csv")
	writeCSV(t, bad, [][]string{header,
		{"上海某某机械有限公司团委", "机械团委", "JX-U", "基层团委", "FX-D1"},
		{"一车间团支部", "", "JX-B1", "团支部", "机械团委"},
		{"二车间团支部", "", "JX-B1", "团支部", "机械团委"},                               // the code again
		{"三车间团支部", "", "JX-B3", "团支部", "没有这个上级"},                             // unknown parent
		{"名称很长的车间团支部" + strings.Repeat("长", 95), "", "JX-B4", "团支部", "JX-U"}, // too long
	})
	good := filepath.Join(dir, "新建组织-定稿.csv")
	writeCSV(t, good, [][]string{header,
		{"上海某某机械有限公司团委", "机械团委", "JX-U", "基层团委", "FX-D1"},
		{"一车间团支部", "", "JX-B1", "团支部", "机械团委"},
		{"二车间团支部", "", "JX-B2", "团支部", "机械团委"},
		{"质检团总支", "", "JX-G", "团总支", "JX-U"},
		{"质检一支部", "", "JX-G1", "团支部", "质检团总支"},
	})

	b.run("desktop viewport", desktop())
	b.open("/login", "#login")
	b.run("log in",
		chromedp.SendKeys(chromedp.CSS("#login"), "org_admin_d1"),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	b.waitPage("home after login", "p !== '/login'")
	upload := func(file string) {
		t.Helper()
		b.open("/orgs/bulk", "#file")
		b.run("upload "+filepath.Base(file),
			chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}),
			chromedp.Click(chromedp.CSS(`form[action="/orgs/bulk"] button[type=submit]`)))
		b.waitPage("plan", "p === '/orgs/bulk' && !!document.querySelector('#plan')")
	}
	b.open("/orgs/bulk", "#file")
	b.shot("org-bulk-form")

	upload(bad)
	if n := eval[int](b, "confirm buttons", `document.querySelectorAll('#plan form').length`); n != 0 {
		t.Errorf("a file with refused rows offers to confirm")
	}
	rows := b.text("#rows")
	for _, want := range []string{"组织编码：与文件第 3 行的组织编码重复", "上级组织：在您的管理范围内找不到该上级组织", "组织名称：内容过长"} {
		if !strings.Contains(rows, want) {
			t.Errorf("refusals lack %q:\n%s", want, rows)
		}
	}
	b.shot("org-bulk-refused")
	b.run("phone viewport", phone())
	b.noHorizontalOverflow("phone bulk plan")
	b.shot("org-bulk-refused-phone")
	b.run("desktop again", desktop())

	upload(good)
	if s := b.text("#plan"); !strings.Contains(s, "确认后将一次性创建 5 个组织") {
		t.Errorf("plan = %q", s)
	}
	if p := b.text("#rows"); !strings.Contains(p, "机械团委（第 2 行）") || !strings.Contains(p, "FX-D1") && !strings.Contains(p, "D1团委") {
		t.Errorf("parents not shown: %q", p)
	}
	b.shot("org-bulk-plan")
	b.run("confirm", chromedp.Click(chromedp.CSS(`#plan form button[type=submit]`)))
	b.waitPage("result", "p === '/orgs/bulk/confirm' && !!document.querySelector('#rows a')")
	if d := dialogs(); len(d) != 1 || d[0] != "确认创建 5 个组织？" {
		t.Errorf("dialogs = %q", d)
	}
	if s := b.text("#plan"); !strings.Contains(s, "已创建 5 个组织") {
		t.Errorf("result = %q", s)
	}
	if n := eval[int](b, "links", `document.querySelectorAll('#rows a[href^="/orgs/"]').length`); n != 5 {
		t.Errorf("result links %d organizations, want 5", n)
	}
	b.shot("org-bulk-done")
	b.run("open the unit", chromedp.Click(chromedp.CSS(`#rows tbody tr:first-child a`)))
	b.waitPage("unit page", "/^\\/orgs\\/\\d+$/.test(p)")
	if h := b.text("main h1"); !strings.Contains(h, "上海某某机械有限公司团委") {
		t.Errorf("unit page heading = %q", h)
	}
}
