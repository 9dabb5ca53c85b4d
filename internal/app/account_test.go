package app_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"qinggong/internal/app/apptest"
	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/person"
)

var secretRe = regexp.MustCompile(`<span class="secret">([^<]+)</span>`)

// An account made with a generated password (here by the system
// administrator's form) must change it at first login: every page leads to
// the form and the API refuses, the session's and a token's alike, until it
// is done. A reset by the command line (user passwd) does the same to an
// account that already had tokens.
func TestFirstLoginChangesPassword(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := apptest.New(t, name)
			sys := e.Login("sysadmin")
			res := sys.PostForm("/users", url.Values{"login": {"new.worker"}, "name": {"新同志"}, "org_code": {"FX-U1"}})
			m := secretRe.FindStringSubmatch(res.Body)
			if res.StatusCode != http.StatusOK || m == nil {
				t.Fatalf("create by sysadmin = %d, no password shown: %s", res.StatusCode, res.Body)
			}
			pw := m[1]
			c := e.Anon()
			if res := c.PostForm("/login", url.Values{"login": {"new.worker"}, "password": {pw}}); res.Header.Get("Location") != "/password" {
				t.Fatalf("first login = %d %q, want the password form", res.StatusCode, res.Header.Get("Location"))
			}
			for _, p := range []string{"/", "/orgs", "/tokens", "/me"} {
				if res := c.Get(p); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/password" {
					t.Errorf("GET %s before the change = %d %q", p, res.StatusCode, res.Header.Get("Location"))
				}
			}
			if res := c.Get("/api/v1/orgs"); res.StatusCode != http.StatusForbidden || !strings.Contains(res.Body, "修改初始密码") {
				t.Errorf("API by session before the change = %d %s", res.StatusCode, res.Body)
			}
			u, err := e.App.Users.FindUserByLogin(context.Background(), "new.worker")
			if err != nil {
				t.Fatal(err)
			}
			e.Users["new.worker"] = u.ID
			tok := e.Bearer("new.worker")
			if res := tok.Get("/api/v1/orgs"); res.StatusCode != http.StatusForbidden || !strings.Contains(res.Body, "修改初始密码") {
				t.Errorf("API by token before the change = %d %s", res.StatusCode, res.Body)
			}
			if res := c.Get("/password"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "首次登录") {
				t.Errorf("password form = %d", res.StatusCode)
			}
			if res := c.PostForm("/password", url.Values{"current": {pw}, "password": {"New-Worker-2026"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("change = %d %s", res.StatusCode, res.Body)
			}
			if res := c.PostForm("/login", url.Values{"login": {"new.worker"}, "password": {"New-Worker-2026"}}); res.Header.Get("Location") != "/" {
				t.Fatalf("second login = %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			// (The account holds no role yet: the API now answers as it would
			// to anyone without one.)
			if res := tok.Get("/api/v1/orgs"); strings.Contains(res.Body, "修改初始密码") || res.StatusCode >= 500 {
				t.Errorf("API by token after the change = %d %s", res.StatusCode, res.Body)
			}

			// A reset (qinggong user passwd without a password) forces it again,
			// for the tokens the account already holds too.
			if err := e.App.Users.SetPassword(context.Background(), u.ID, "Reset-Pass-2026x", true); err != nil {
				t.Fatal(err)
			}
			if res := tok.Get("/api/v1/orgs"); res.StatusCode != http.StatusForbidden || !strings.Contains(res.Body, "修改初始密码") {
				t.Errorf("API by token after a reset = %d %s", res.StatusCode, res.Body)
			}
		})
	}
}

// The user menu links to the password form on every page.
func TestUserMenuChangePassword(t *testing.T) {
	e := apptest.New(t, "sqlite")
	for _, c := range []struct {
		login, lang, want string
	}{{"admin", "", "修改密码"}, {"cadre_u1", "en", "Change password"}, {"norole", "", "修改密码"}} {
		cl := e.Login(c.login)
		path := "/orgs"
		if c.login == "norole" {
			path = "/me"
		}
		if c.lang != "" {
			cl.Header = http.Header{"Accept-Language": {c.lang}}
		}
		res := cl.Get(path)
		if !strings.Contains(res.Body, `<a href="/password">`+c.want+`</a>`) {
			t.Errorf("%s %s: no %q link in the user menu", c.login, path, c.want)
		}
	}
}

// The login warns before the last try and names the time the lock ends, on
// Shanghai's clock, in the reader's language.
func TestLoginLockoutMessages(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := apptest.New(t, name)
			try := func(login, lang string) (*apptest.Response, []string) {
				c := e.Anon()
				if lang != "" {
					c.Header = http.Header{"Accept-Language": {lang}}
				}
				before := time.Now()
				res := c.PostForm("/login", url.Values{"login": {login}, "password": {"Wrong-Password-1"}})
				after := time.Now()
				// The lock ends 15 minutes after the attempt; the minute may turn during it.
				var at []string
				for _, t := range []time.Time{before, after} {
					at = append(at, t.Add(15*time.Minute).In(time.FixedZone("CST", 8*3600)).Format("15:04"))
				}
				return res, at
			}
			hasAny := func(body, format string, at []string) bool {
				for _, a := range at {
					if strings.Contains(body, strings.ReplaceAll(format, "HH:MM", a)) {
						return true
					}
				}
				return false
			}
			for i := 1; i <= 3; i++ {
				res, _ := try("viewer_u1", "")
				if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Body, "账号或密码不正确") || strings.Contains(res.Body, "还可尝试") {
					t.Errorf("failure %d: %d, warned too early or not refused", i, res.StatusCode)
				}
			}
			res, at := try("viewer_u1", "")
			if res.StatusCode != http.StatusUnauthorized || !hasAny(res.Body, "还可尝试 1 次，之后账户将锁定至 HH:MM", at) {
				t.Errorf("failure 4: %d, no warning with %v: %s", res.StatusCode, at, res.Body)
			}
			res, at = try("viewer_u1", "")
			if res.StatusCode != http.StatusLocked || !hasAny(res.Body, "账户已锁定至 HH:MM", at) {
				t.Errorf("failure 5: %d, no lock time %v: %s", res.StatusCode, at, res.Body)
			}
			// While locked, the right password gets the same time.
			c := e.Anon()
			if res := c.PostForm("/login", url.Values{"login": {"viewer_u1"}, "password": {apptest.Password}}); res.StatusCode != http.StatusLocked ||
				!hasAny(res.Body, "账户已锁定至 HH:MM", at) {
				t.Errorf("right password while locked: %d %s", res.StatusCode, res.Body)
			}
			// In English.
			for range 3 {
				try("cadre_u1", "en")
			}
			res, at = try("cadre_u1", "en")
			if !hasAny(res.Body, "1 try left; after that the account is locked until HH:MM", at) {
				t.Errorf("English warning missing %v: %s", at, res.Body)
			}
			res, at = try("cadre_u1", "en")
			if !hasAny(res.Body, "the account is locked until HH:MM", at) {
				t.Errorf("English lock time missing %v: %s", at, res.Body)
			}
			// An unknown login never warns (it has no count to warn about).
			for range 5 {
				if res, _ := try("nobody.here", ""); strings.Contains(res.Body, "还可尝试") || res.StatusCode != http.StatusUnauthorized {
					t.Errorf("unknown login: %d warned", res.StatusCode)
				}
			}
		})
	}
}

// The workbench lists what waits for the actor (transfers to approve,
// their own checked imports), the figures of their scope and the quick
// actions their permissions allow; a login without a role goes to /me and
// sees none of the staff's menus.
func TestWorkbench(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := newPeopleEnv(t, name)
			ctx := context.Background()
			root := e.Orgs["C"]
			boot := &auth.Actor{Login: "fixture", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
			// 张山 of D2 asked to move into D1's unit: D1 decides.
			if _, err := e.App.People.RequestTransfer(ctx, boot, e.d2.ID, person.TransferInput{ToOrgCode: "FX-U1", Reason: "工作调动"}); err != nil {
				t.Fatal(err)
			}
			d1admin, err := e.App.Users.Actor(ctx, e.Users["org_admin_d1"])
			if err != nil {
				t.Fatal(err)
			}
			roster := "姓名,身份证号,组织编码\n李四," + apptest.IDNumber(7) + ",FX-B1\n"
			if _, err := e.App.People.StartImport(ctx, d1admin, "一支部名单.csv", []byte(roster), person.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			e.App.People.WaitImports()

			page := e.Login("org_admin_d1").Get("/")
			for _, want := range []string{"<h1>工作台</h1>", "待审批的转入", "张山", "FX-U1团委", "待确认的导入", "一支部名单.csv", "可导入 1 行，共 1 行",
				`href="/people/new"`, `href="/people/import"`, `href="/transfers"`, `action="/people"`, `href="/cadres/report"`} {
				if !strings.Contains(page.Body, want) && !strings.Contains(page.Body, strings.ReplaceAll(want, "FX-U1团委", "U1团委")) {
					t.Errorf("D1 admin's workbench lacks %q", want)
				}
			}
			// D1 holds 张三 (in B1) and three organizations: D1, U1 and B1.
			for _, want := range []string{figureHTML("3", "组织"), figureHTML("1", "在册青年"), figureHTML("0", "在任团干部")} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("D1 admin's figures lack %s", want)
				}
			}
			// The city's admin decides nothing for D1's unit but sees the city's figures.
			city := e.Login("admin").Get("/")
			if !strings.Contains(city.Body, figureHTML("9", "组织")) || !strings.Contains(city.Body, figureHTML("2", "在册青年")) {
				t.Errorf("city figures wrong")
			}
			if strings.Contains(city.Body, "一支部名单.csv") {
				t.Errorf("another's import is on the city admin's workbench")
			}
			// A viewer reads but writes nothing: figures, no waiting list, no add button.
			v := e.Login("viewer_d1").Get("/")
			if strings.Contains(v.Body, "待我处理") || strings.Contains(v.Body, `href="/people/new"`) || !strings.Contains(v.Body, figureHTML("1", "在册青年")) {
				t.Errorf("viewer's workbench shows writes or lacks figures")
			}
			// English.
			en := e.Login("org_admin_d1")
			en.Header = http.Header{"Accept-Language": {"en"}}
			if b := en.Get("/").Body; !strings.Contains(b, "Workbench") || !strings.Contains(b, "Transfers to approve") || !strings.Contains(b, "League members") {
				t.Errorf("English workbench incomplete")
			}
			// The auditor: no registry, their own tools.
			if b := e.Login("auditor").Get("/").Body; !strings.Contains(b, `href="/audit"`) || strings.Contains(b, "在册青年") {
				t.Errorf("auditor's workbench wrong")
			}
			// The security admin's waiting list is the accounts locked now.
			if b := e.Login("secadmin").Get("/").Body; !strings.Contains(b, "暂无待办：没有被锁定的账号") {
				t.Errorf("secadmin's workbench: no empty waiting list")
			}
			for range 5 {
				e.Anon().PostForm("/login", url.Values{"login": {"viewer_u1"}, "password": {"Wrong-Password-1"}})
			}
			link := `<a href="/users/` + strconv.FormatInt(e.Users["viewer_u1"], 10) + `">viewer_u1</a>`
			if b := e.Login("secadmin").Get("/").Body; !strings.Contains(b, "已锁定的账号") || !strings.Contains(b, link) || !strings.Contains(b, "锁定至 ") {
				t.Errorf("secadmin's workbench lacks the locked account")
			}
			if b := e.Login("sysadmin").Get("/").Body; strings.Contains(b, "已锁定的账号") {
				t.Errorf("the system admin (who cannot unlock) is shown locked accounts")
			}
			// No role at all: straight to one's own record, no staff menu.
			norole := e.Login("norole")
			if res := norole.Get("/"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/me" {
				t.Errorf("norole at / = %d %q, want /me", res.StatusCode, res.Header.Get("Location"))
			}
			me := norole.Get("/me").Body
			for _, staff := range []string{"<details", "组织凝聚", `href="/orgs"`, `href="/people"`, `href="/tokens"`, "即将上线"} {
				if strings.Contains(me, staff) {
					t.Errorf("a young worker's page shows the staff menu (%q)", staff)
				}
			}
		})
	}
}

func figureHTML(n, label string) string {
	return `<span class="figure-n">` + n + `</span> <span class="figure-label">` + label + `</span>`
}

// The audit page names actions, outcomes, roles and objects in the reader's
// language (whose record was revealed, with a link), and finds rows by
// those words and by a person's name.
func TestAuditPageInWords(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := newPeopleEnv(t, name)
			ctx := context.Background()
			d1admin, err := e.App.Users.Actor(ctx, e.Users["org_admin_d1"])
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.App.People.Reveal(auth.WithAuditMeta(ctx, d1admin), d1admin, e.d1.ID); err != nil {
				t.Fatal(err)
			}
			if res := e.Bearer("org_admin_d1").Do("POST", "/api/v1/people/export", nil); res.StatusCode != 200 {
				t.Fatalf("export = %d", res.StatusCode)
			}
			e.Anon().PostForm("/login", url.Values{"login": {"viewer_u1"}, "password": {"Wrong-Password-1"}})

			aud := e.Login("auditor")
			page := aud.Get("/audit").Body
			d1 := `<a href="/people/` + strconv.FormatInt(e.d1.ID, 10) + `">张三</a>`
			for _, want := range []string{`<span title="person.reveal">查看敏感信息</span>`, `<span title="person.export">导出青年名册</span>`,
				`<span title="auth.login">登录</span>`, "失败", "组织管理员", d1} {
				if !strings.Contains(page, want) {
					t.Errorf("audit page lacks %s", want)
				}
			}
			search := func(q string) string { return aud.Get("/audit?q=" + url.QueryEscape(q)).Body }
			if b := search("查看"); !strings.Contains(b, `title="person.reveal"`) || strings.Contains(b, `title="auth.login"`) || strings.Contains(b, `title="person.export"`) {
				t.Errorf("search 查看 finds the wrong rows")
			}
			if b := search("导出"); !strings.Contains(b, `title="person.export"`) || strings.Contains(b, `title="person.reveal"`) {
				t.Errorf("search 导出 finds the wrong rows")
			}
			b := search("张三")
			if !strings.Contains(b, `title="person.reveal"`) || !strings.Contains(b, d1) || strings.Contains(b, `title="auth.login"`) || strings.Contains(b, "张山") {
				t.Errorf("search 张三 finds the wrong rows")
			}
			if b := search("reveal"); !strings.Contains(b, `title="person.reveal"`) || strings.Contains(b, `title="auth.login"`) {
				t.Errorf("search by an English word or code finds the wrong rows")
			}
			if b := search("没有这种操作"); !strings.Contains(b, "没有与“没有这种操作”相符的操作或对象") {
				t.Errorf("a word matching nothing says nothing")
			}
			// Keyset paging keeps the words.
			if b := aud.Get("/audit?q=" + url.QueryEscape("登录") + "&before=999999").Body; !strings.Contains(b, `title="auth.login"`) || strings.Contains(b, `title="person.reveal"`) {
				t.Errorf("the second page of a search loses its words")
			}
			en := e.Login("auditor")
			en.Header = http.Header{"Accept-Language": {"en"}}
			if b := en.Get("/audit").Body; !strings.Contains(b, "Sensitive fields viewed") || !strings.Contains(b, "Organization administrator") && !strings.Contains(b, "org_admin") {
				t.Errorf("English audit page not in English")
			}
			// The auditor's searches are audited, words included.
			recs, err := e.App.Audit.Find(ctx, e.App.DB.R(), audit.Filter{Action: "audit.query", Limit: 20})
			if err != nil || len(recs) == 0 || !strings.Contains(recs[len(recs)-1].Summary+recs[0].Summary, "q=") {
				t.Errorf("searches not audited with their words: %v %v", recs, err)
			}
		})
	}
}
