// Package e2e drives the real application in headless Chromium: one user
// journey on a desktop viewport and the key pages on a phone viewport, with
// screenshots for a person to look at.
//
// The tests are skipped when chromium is not on PATH and in -short mode.
// Screenshots go to the directory named by QG_SCREENSHOTS, else to a
// temporary directory that is removed after the test.
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
	"unicode/utf8"

	"github.com/chromedp/chromedp"

	"qinggong/internal/app/apptest"
	"qinggong/internal/auth"
	"qinggong/internal/org"
)

const (
	totalBound = 2 * time.Minute  // the whole journey, browser start included
	stepBound  = 20 * time.Second // one step
)

// browser is one headless Chromium tab on a running instance.
type browser struct {
	t     *testing.T
	ctx   context.Context // the tab; has already run, so steps may derive timeouts
	base  string
	shots string
}

// run runs steps under the step bound and fails the test on error.
func (b *browser) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepBound)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// get runs one action that returns a value.
func get[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepBound)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// open navigates to path and waits for sel to be visible and for htmx to
// settle: content htmx swaps in is visible some 20 ms before htmx binds
// its triggers, and a click in between (a toggle of a tree node, say) is
// lost.
func (b *browser) open(path, sel string) {
	b.t.Helper()
	b.run("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS(sel)))
	b.waitPage("htmx settled on "+path, "document.querySelector('.htmx-request, .htmx-settling, .htmx-added, .htmx-swapping') === null")
}

// waitPage waits until the location's path satisfies the JavaScript
// condition cond (on the variable p) and the document has loaded.
func (b *browser) waitPage(what, cond string) {
	b.t.Helper()
	js := "(() => { const p = location.pathname; return document.readyState === 'complete' && (" + cond + "); })()"
	deadline := time.Now().Add(stepBound)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		cancel()
		if err == nil && ok {
			return
		}
		if err != nil { // a navigation in progress destroys the context: retry
			last = err
		}
		if b.ctx.Err() != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	loc, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string]("location.href"))
	b.t.Fatalf("%s: page not reached within %v (at %s; last error: %v)", what, stepBound, loc, last)
}

// text is the visible text of the first element matching sel.
func (b *browser) text(sel string) string {
	b.t.Helper()
	return get(b, "text of "+sel, chromedp.Text(chromedp.CSS(sel)))
}

// login logs in as who with the fixture password, from the login page.
func (b *browser) login(who string) {
	b.t.Helper()
	b.open("/login", "#login")
	b.run("log in as "+who,
		chromedp.SendKeys(chromedp.CSS("#login"), who),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	b.waitPage("home of "+who, "p !== '/login'")
}

// logout logs out from the header of the page shown.
func (b *browser) logout() {
	b.t.Helper()
	b.run("log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	b.waitPage("login page after logout", "document.querySelector('#login') !== null")
}

// shot saves a full-page PNG screenshot.
func (b *browser) shot(name string) {
	b.t.Helper()
	png := get(b, "screenshot "+name, chromedp.FullScreenshot(100))
	p := filepath.Join(b.shots, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", p)
}

// noHorizontalOverflow reports a page wider than the viewport (a phone user
// would have to scroll sideways).
func (b *browser) noHorizontalOverflow(where string) {
	b.t.Helper()
	const js = `(() => {
		const w = document.documentElement.clientWidth;
		const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')).slice(0, 5);
		return document.documentElement.scrollWidth + ' ' + w + ' ' + wide.join(',');
	})()`
	r := get(b, "measure "+where, chromedp.Evaluate[string](js))
	f := strings.Fields(r)
	if len(f) >= 2 {
		sw, _ := strconv.Atoi(f[0])
		cw, _ := strconv.Atoi(f[1])
		if sw > cw {
			b.t.Errorf("%s: page is %dpx wide on a %dpx viewport (overflowing: %s)", where, sw, cw, strings.Join(f[2:], " "))
		}
	}
}

func desktop() chromedp.Action[chromedp.Void] { return chromedp.EmulateViewport(1280, 800) }
func phone() chromedp.Action[chromedp.Void] {
	return chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)
}

// startBrowser starts Chromium and a tab; the browser ends with the test or
// when the total bound passes.
func startBrowser(t *testing.T, base string) *browser {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not found on PATH; install Debian's chromium and fonts-wqy-microhei")
	}
	shots := os.Getenv("QG_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		// A Shanghai user's browser asks for Chinese first.
		chromedp.Flag("lang", "zh-CN"), chromedp.Flag("accept-lang", "zh-CN,zh"), chromedp.WindowSize(1280, 800))
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	bound := time.AfterFunc(totalBound, func() {
		t.Errorf("journey still running after %v: stopping the browser", totalBound)
		cancel()
		acancel()
	})
	t.Cleanup(func() {
		bound.Stop()
		cancel()
		acancel()
	})
	// The first run starts the browser: no timeout on its context.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &browser{t: t, ctx: ctx, base: base, shots: shots}
}

// longName is a 100-character Chinese organization name (the maximum).
func longName() string {
	const s = "上海市浦东新区张江高科技园区集成电路产业青年创新创业服务中心暨长三角一体化示范区联合团委工作委员会"
	var b strings.Builder
	for i := 0; utf8.RuneCountInString(b.String()) < 100; i++ {
		r := []rune(s)
		b.WriteRune(r[i%len(r)])
	}
	return b.String()
}

func TestJourney(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Skip("chromium not found on PATH")
	}
	e := apptest.New(t, "sqlite")
	b := startBrowser(t, e.Server.URL)
	ctx := context.Background()
	root := e.Orgs["C"]
	boss := &auth.Actor{Login: "e2e", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
	d1, u1 := e.Orgs["D1"], e.Orgs["U1"]
	id := func(o *org.Org) string { return strconv.FormatInt(o.ID, 10) }
	children := func() int {
		o, err := e.App.Orgs.FindByID(ctx, boss, d1.ID)
		if err != nil {
			t.Fatal(err)
		}
		return o.Children
	}

	// Log in.
	b.run("desktop viewport", desktop())
	b.open("/login", "#login")
	b.shot("01-login")
	b.run("log in",
		chromedp.SendKeys(chromedp.CSS("#login"), "admin"),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	b.waitPage("home after login", "p !== '/login'")
	if got := b.text("header.top"); !strings.Contains(got, "团市委管理员") {
		t.Fatalf("header after login = %q, want the admin's name", got)
	}

	// The tree: the root opens by itself, D1 opens on a click and its
	// children arrive through htmx.
	d1Node := `details[hx-get="/orgs/` + id(d1) + `/children"]`
	b.open("/orgs", d1Node)
	if h := b.text("main h1"); h != "组织架构" {
		t.Errorf("tree heading = %q", h)
	}
	b.run("expand D1",
		chromedp.Click(chromedp.CSS(d1Node+" > summary > .count")),
		chromedp.WaitVisible(chromedp.CSS(d1Node+` ul a[href="/orgs/`+id(u1)+`"]`)))
	if open := get(b, "D1 open", chromedp.Evaluate[bool](`document.querySelector('`+d1Node+`').open`)); !open {
		t.Error("D1 did not open")
	}
	b.shot("02-tree-expanded")

	// Open D1's page, then its "new sub-organization" form.
	b.run("open D1", chromedp.Click(chromedp.CSS(d1Node+` > summary > a`)))
	b.waitPage("D1 page", "p === '/orgs/"+id(d1)+"'")
	if h := b.text("main h1"); !strings.Contains(h, d1.Name) {
		t.Fatalf("D1 page heading = %q", h)
	}
	addChild := `main .actions a.btn.primary[href="/orgs/` + id(d1) + `/new"]`
	if txt := b.text(addChild); txt != "新增下级组织" {
		t.Errorf("add-child button says %q", txt)
	}
	b.run("open form", chromedp.Click(chromedp.CSS(addChild)))
	b.waitPage("form", "p === '/orgs/"+id(d1)+"/new'")
	b.run("form ready", chromedp.WaitVisible(chromedp.CSS("form.stack #name")))

	// An empty name is refused field by field and nothing is created.
	before := children()
	submit := `form.stack button[type=submit]`
	b.run("submit empty", chromedp.Click(chromedp.CSS(submit)), chromedp.WaitVisible(chromedp.CSS("#err-name")))
	if msg := b.text("#err-name"); !strings.Contains(msg, "必填") {
		t.Errorf("name error = %q, want 必填", msg)
	}
	if cls := get(b, "name class", chromedp.Evaluate[string](`document.querySelector('#name').className`)); !strings.Contains(cls, "invalid") {
		t.Errorf("name input class = %q, want invalid", cls)
	}
	if a := b.text(`main [role=alert]`); a == "" {
		t.Error("no summary alert above the form")
	}
	if n := children(); n != before {
		t.Fatalf("empty form created something: D1 has %d children, had %d", n, before)
	}
	b.shot("03-form-errors")

	// Valid values create the organization and show its page.
	const name = "张江科学城青年创新团委"
	b.run("fill form",
		chromedp.SendKeys(chromedp.CSS("#name"), name),
		chromedp.SendKeys(chromedp.CSS("#code"), "E2E-ZJ01"),
		chromedp.SetValue(chromedp.CSS("#level"), org.LevelUnit),
		chromedp.SendKeys(chromedp.CSS("#address"), "浦东新区祖冲之路"),
		chromedp.Click(chromedp.CSS(submit)))
	b.waitPage("new org page", `/^\/orgs\/\d+$/.test(p) && p !== '/orgs/`+id(d1)+`'`)
	if h := b.text("main h1"); !strings.Contains(h, name) {
		t.Fatalf("new org page heading = %q, want %q", h, name)
	}
	if n := children(); n != before+1 {
		t.Errorf("D1 has %d children after create, want %d", n, before+1)
	}
	newPath := get(b, "location", chromedp.Evaluate[string]("location.pathname"))
	b.shot("04-new-org")

	// Switch to English from the header; the same page comes back translated.
	b.run("switch to English", chromedp.Click(chromedp.CSS(`header.top button[name=lang][value=en]`)))
	b.waitPage("English page", "document.documentElement.lang === 'en' && p === '"+newPath+"'")
	if h := b.text("main h2"); !strings.Contains(h, "Sub-organizations") {
		t.Errorf("English org page h2 = %q, want Sub-organizations", h)
	}
	b.shot("05-english-org")
	b.open("/orgs", d1Node)
	if h := b.text("main h1"); h != "Organization tree" {
		t.Errorf("English tree heading = %q", h)
	}
	b.run("back to Chinese", chromedp.Click(chromedp.CSS(`header.top button[name=lang][value="zh-CN"]`)))
	b.waitPage("Chinese again", "document.documentElement.lang === 'zh-CN'")

	// A very long name must wrap, not widen the page.
	long, err := e.App.Orgs.Create(ctx, boss, d1.ID, org.Input{Name: longName(), Code: "E2E-LONG", Level: org.LevelUnit,
		Address: "上海市浦东新区世纪大道一百号上海环球金融中心七十八楼青年创新创业服务中心联合办公区东侧第三会议室"})
	if err != nil {
		t.Fatalf("create long-named org: %v", err)
	}
	b.open("/orgs/"+id(long), "main h1")
	b.noHorizontalOverflow("desktop long name")
	b.shot("09-long-name")

	// A missing page.
	b.run("404", chromedp.Navigate(b.base+"/orgs/987654321"), chromedp.WaitVisible(chromedp.CSS(".error-page .code")))
	if c := b.text(".error-page .code"); c != "404" {
		t.Errorf("error page code = %q", c)
	}
	b.shot("08-not-found")

	// The key pages on a phone.
	b.run("phone viewport", phone())
	b.open("/orgs/"+id(d1), "main h1")
	b.noHorizontalOverflow("phone org page")
	if d := get(b, "table display", chromedp.Evaluate[string](`getComputedStyle(document.querySelector('table.list tr')).display`)); d != "block" {
		t.Errorf("phone: table rows display %q, want block (cards)", d)
	}
	b.shot("06-phone-org")
	b.open("/orgs", d1Node)
	b.run("phone expand D1",
		chromedp.Click(chromedp.CSS(d1Node+" > summary > .count")),
		chromedp.WaitVisible(chromedp.CSS(d1Node+` ul a[href="/orgs/`+id(u1)+`"]`)))
	b.noHorizontalOverflow("phone tree")
	b.shot("07-phone-tree")
	b.open("/orgs/"+id(long), "main h1")
	b.noHorizontalOverflow("phone long name")
	b.shot("10-phone-long-name")
	b.open("/orgs/"+id(d1)+"/new", "form.stack #name")
	b.run("phone submit empty", chromedp.Click(chromedp.CSS(submit)), chromedp.WaitVisible(chromedp.CSS("#err-name")))
	b.noHorizontalOverflow("phone form")
	b.shot("11-phone-form-errors")
	b.run("desktop again", desktop())
}
