package app_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/app/apptest"
	"qinggong/internal/audit"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/person"
)

const youngPassword = "Young-Worker-2026"

// selfLogin links a login to the D1 person through the API as the D1
// admin, sets its password at first login as the person would, and
// returns the login with a browser client logged in as it.
func selfLogin(t *testing.T, e *peopleEnv) (string, *apptest.Client) {
	t.Helper()
	d1 := strconv.FormatInt(e.d1.ID, 10)
	if res := e.Bearer("cadre_d1").For(t).Do("POST", "/api/v1/people/"+d1+"/login", "{}"); res.StatusCode != 403 {
		t.Errorf("link by a cadre (no user.write) = %d, want 403", res.StatusCode)
	}
	if res := e.Bearer("org_admin_d1").For(t).Do("POST", "/api/v1/people/"+strconv.FormatInt(e.d2.ID, 10)+"/login", "{}"); res.StatusCode != 404 {
		t.Errorf("link of a D2 person by the D1 admin = %d, want 404", res.StatusCode)
	}
	res := e.Bearer("org_admin_d1").For(t).Do("POST", "/api/v1/people/"+d1+"/login", "{}")
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("link = %d %s", res.StatusCode, res.Body)
	}
	var l person.Linked
	res.JSON(t, &l)
	c := e.Anon().For(t)
	if res := c.PostForm("/login", url.Values{"login": {l.Login}, "password": {l.Password}}); res.Header.Get("Location") != "/password" {
		t.Fatalf("first login = %d %s, want the password change", res.StatusCode, res.Header.Get("Location"))
	}
	if res := c.PostForm("/password", url.Values{"current": {l.Password}, "password": {youngPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("password change = %d %s", res.StatusCode, res.Body)
	}
	if res := c.PostForm("/login", url.Values{"login": {l.Login}, "password": {youngPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login = %d", res.StatusCode)
	}
	e.Users[l.Login] = l.UserID
	return l.Login, c
}

// A young worker linked to their record sees it, corrects their phone,
// downloads everything held about them and manages consents; nobody
// else's data and no staff route is reachable, and the audit log holds
// every step without identifiers.
func TestSelfService(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := newPeopleEnv(t, name)
			login, browser := selfLogin(t, e)
			api := e.Bearer(login).For(t)
			d2 := strconv.FormatInt(e.d2.ID, 10)

			page := browser.Get("/me")
			if page.StatusCode != 200 || !strings.Contains(page.Body, "张三") || !strings.Contains(page.Body, "310***") ||
				strings.Contains(page.Body, e.d1ID) || strings.Contains(page.Body, "张山") || page.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("GET /me = %d %q", page.StatusCode, page.Body)
			}
			for _, path := range []string{"/people", "/people/" + d2, "/people/" + d2 + "/login", "/transfers"} {
				if res := browser.Get(path); res.StatusCode != 403 {
					t.Errorf("GET %s = %d, want 403", path, res.StatusCode)
				}
			}
			for _, path := range []string{"/api/v1/people", "/api/v1/people/" + d2, "/api/v1/people/" + d2 + "/consents"} {
				if res := api.Get(path); res.StatusCode != 403 {
					t.Errorf("GET %s = %d, want 403", path, res.StatusCode)
				}
			}

			// A bad phone: 422 with the field's message in the user's language.
			res := browser.PostForm("/me/edit", url.Values{"phone": {"123"}, "email": {""}})
			if res.StatusCode != 422 || !strings.Contains(res.Body, "手机号须为 11 位大陆手机号") {
				t.Errorf("bad phone = %d", res.StatusCode)
			}
			en := *browser
			en.Header = http.Header{"Accept-Language": {"en"}}
			if res := en.PostForm("/me/edit", url.Values{"phone": {"123"}}); res.StatusCode != 422 || !strings.Contains(res.Body, "11-digit") {
				t.Errorf("bad phone in English = %d", res.StatusCode)
			}
			if res := api.Do("PUT", "/api/v1/me", `{"phone":"123"}`); res.StatusCode != 422 || !strings.Contains(res.Body, `"phone":"手机号须为`) {
				t.Errorf("API bad phone = %d %s", res.StatusCode, res.Body)
			}
			if res := api.Do("PUT", "/api/v1/me", `{"name":"王八"}`); res.StatusCode != 422 {
				t.Errorf("API name change = %d, want 422 (only phone and email)", res.StatusCode)
			}
			phone := "13900001111"
			if res := browser.PostForm("/me/edit", url.Values{"phone": {phone}, "email": {"zs@example.com"}}); res.StatusCode != 303 {
				t.Errorf("edit = %d %s", res.StatusCode, res.Body)
			}
			var me person.Person
			api.Get("/api/v1/me").JSON(t, &me)
			if me.ID != e.d1.ID || me.PhoneMasked != "139****1111" || me.Email != "zs@example.com" || me.IDMasked == e.d1ID {
				t.Errorf("GET /api/v1/me = %+v", me)
			}

			// Consents: give, withdraw, give again.
			for _, step := range []string{"/me/consents", "/me/consents/contact/withdraw", "/me/consents"} {
				if res := browser.PostForm(step, url.Values{"purpose": {"contact"}}); res.StatusCode != 303 {
					t.Errorf("POST %s = %d %s", step, res.StatusCode, res.Body)
				}
			}
			var cs struct {
				Purposes []person.ConsentStatus
				Items    []person.Consent
			}
			api.Get("/api/v1/me/consents").JSON(t, &cs)
			if len(cs.Items) != 2 || cs.Items[0].WithdrawnAt == nil || cs.Items[1].WithdrawnAt != nil || !cs.Purposes[2].Given {
				t.Errorf("consents = %+v", cs)
			}
			if res := api.Do("POST", "/api/v1/me/consents/recommendation/withdraw", nil); res.StatusCode != 200 {
				t.Errorf("API withdraw = %d", res.StatusCode)
			}
			if res := api.Do("POST", "/api/v1/me/consents", `{"purpose":"recommendation"}`); res.StatusCode != 201 {
				t.Errorf("API give = %d %s", res.StatusCode, res.Body)
			}

			// Downloads hold the full identifiers, and only this person's.
			j := browser.Get("/me/download.json")
			if j.StatusCode != 200 || !strings.Contains(j.Body, `"id_number": "`+e.d1ID+`"`) || !strings.Contains(j.Body, phone) ||
				strings.Contains(j.Body, e.d2ID) || !strings.HasPrefix(j.Header.Get("Content-Disposition"), "attachment") {
				t.Errorf("download.json = %d %s", j.StatusCode, j.Body)
			}
			x := browser.Get("/me/download.xlsx")
			if vals := xlsxColumn(t, x.Body, 2); x.StatusCode != 200 || !slices.Contains(vals, e.d1ID) || !slices.Contains(vals, phone) || slices.Contains(vals, e.d2ID) {
				t.Errorf("download.xlsx = %d, values %v", x.StatusCode, vals)
			}
			if res := api.Get("/api/v1/me/download"); !strings.Contains(res.Body, e.d1ID) || res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("API download = %d", res.StatusCode)
			}

			// Audit: every step recorded, no identifier in any summary.
			recs, err := e.App.Audit.Find(context.Background(), e.App.DB.R(), audit.Filter{Action: "person.", Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			n := map[string]int{}
			for _, r := range recs {
				n[r.Action]++
				for _, secret := range []string{e.d1ID, e.d2ID, phone, e.d2Phone} {
					if strings.Contains(r.Summary, secret) {
						t.Errorf("audit %s holds an identifier: %q", r.Action, r.Summary)
					}
				}
			}
			want := map[string]int{"person.link": 1, "person.self_update": 1, "person.self_download": 3,
				"person.consent.grant": 3, "person.consent.withdraw": 1}
			for k, v := range want {
				if n[k] != v {
					t.Errorf("audit %s × %d, want %d (all: %v)", k, n[k], v, n)
				}
			}
		})
	}
}

// A login linked to no person gets a kind page, and 409 from the API.
func TestSelfNotLinked(t *testing.T) {
	e := apptest.New(t, "sqlite")
	if res := e.Login("norole").Get("/me"); res.StatusCode != 200 || !strings.Contains(res.Body, "还没有关联") {
		t.Errorf("GET /me unlinked = %d", res.StatusCode)
	}
	if res := e.Bearer("norole").Get("/api/v1/me"); res.StatusCode != 409 {
		t.Errorf("GET /api/v1/me unlinked = %d, want 409", res.StatusCode)
	}
}

// Staff link a login on the person page: the block loads into the page,
// a new login's password is shown once, and unlinking keeps the account.
func TestLinkPages(t *testing.T) {
	e := newPeopleEnv(t, "sqlite")
	admin := e.Login("org_admin_d1").For(t)
	base := "/people/" + strconv.FormatInt(e.d1.ID, 10)
	if res := admin.Get(base); !strings.Contains(res.Body, `hx-get="`+base+`/login"`) {
		t.Errorf("person page has no login block: %d", res.StatusCode)
	}
	frag := *admin
	frag.Header = http.Header{"HX-Request": {"true"}}
	if res := frag.Get(base + "/login"); res.StatusCode != 200 || strings.Contains(res.Body, "<html") ||
		!strings.Contains(res.Body, `action="`+base+`/login"`) {
		t.Errorf("login block = %d %q", res.StatusCode, res.Body)
	}
	if res := e.Login("viewer_d1").For(t).Get(base + "/login"); res.StatusCode != 200 || strings.Contains(res.Body, `action="`+base+`/login"`) {
		t.Errorf("a viewer sees the link form: %d", res.StatusCode)
	}
	if res := admin.PostForm(base+"/login", url.Values{"login": {"Bad Login!"}}); res.StatusCode != 422 || !strings.Contains(res.Body, `id="err-login"`) {
		t.Errorf("bad login = %d", res.StatusCode)
	}
	res := admin.PostForm(base+"/login", url.Values{"login": {"zhangsan"}})
	if res.StatusCode != 200 || !strings.Contains(res.Body, `class="secret"`) || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create login = %d %s", res.StatusCode, res.Body)
	}
	if res := admin.Get(base + "/login"); !strings.Contains(res.Body, "zhangsan") {
		t.Errorf("the block does not name the login")
	}
	if res := admin.PostForm(base+"/login/unlink", nil); res.StatusCode != 303 {
		t.Errorf("unlink = %d", res.StatusCode)
	}
	if res := admin.PostForm(base+"/login", url.Values{"login": {"zhangsan"}, "existing": {"1"}}); res.StatusCode != 303 {
		t.Errorf("relink the existing account = %d %s", res.StatusCode, res.Body)
	}
}
