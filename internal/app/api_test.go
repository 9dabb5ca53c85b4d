package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/app/apptest"
	"qinggong/internal/db/dbtest"
)

// apiCase is one API call and what it must answer. Cases run in order on one
// instance, so later cases see earlier changes. In path and body, $NAME is
// replaced by a fixture ID (orgs by name, R1, users by login) or by the ID
// saved from an earlier 201 answer (save).
type apiCase struct {
	name   string
	who    string // fixture login; "" anonymous, "garbage" or "revoked" for bad tokens
	lang   string // Accept-Language
	method string
	path   string
	body   any // string bodies are sent raw (after $NAME substitution)
	status int
	has    []string
	hasNot []string
	save   string // store the answer's "id" under this name
}

func TestAPI(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := apptest.New(t, name)
			runAPICases(t, e, orgAPICases())
			runAPICases(t, e, regionAPICases())
			runAPICases(t, e, userAPICases())
		})
	}
}

func runAPICases(t *testing.T, e *apptest.Env, cases []apiCase) {
	t.Helper()
	vars := map[string]string{"R1": apiItoa(e.Region.ID)}
	for k, o := range e.Orgs {
		vars[k] = apiItoa(o.ID)
	}
	for k, id := range e.Users {
		vars[k] = apiItoa(id)
	}
	clients := map[string]*apptest.Client{}
	client := func(who, lang string) *apptest.Client {
		if c, ok := clients[who+"|"+lang]; ok {
			return c
		}
		var c *apptest.Client
		switch who {
		case "":
			c = e.Anon()
		case "garbage":
			c = e.Anon()
			c.Token = "qgp_not-a-real-token"
		case "revoked":
			c = e.Bearer("cadre_d1")
			sec, _ := e.App.Users.Actor(context.Background(), e.Users["secadmin"])
			if err := e.App.Users.SignOut(context.Background(), sec, e.Users["cadre_d1"]); err != nil {
				t.Fatal(err)
			}
		default:
			c = e.Bearer(who)
		}
		if lang != "" {
			c.Header = http.Header{"Accept-Language": {lang}}
		}
		clients[who+"|"+lang] = c
		return c
	}
	subst := func(s string) string {
		for strings.Contains(s, "$") {
			i := strings.Index(s, "$")
			j := i + 1
			for j < len(s) && (s[j] == '_' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			v, ok := vars[s[i+1:j]]
			if !ok {
				t.Fatalf("unknown variable %s in %q", s[i:j], s)
			}
			s = s[:i] + v + s[j:]
		}
		return s
	}
	for _, c := range cases {
		body := c.body
		if s, ok := body.(string); ok {
			body = subst(s)
		}
		r := client(c.who, c.lang).Do(c.method, subst(c.path), body)
		if r.StatusCode != c.status {
			t.Errorf("%s: %s %s: status %d, want %d\n%s", c.name, c.method, c.path, r.StatusCode, c.status, r.Body)
			continue
		}
		if ct := r.Header.Get("Content-Type"); r.StatusCode >= 400 && !strings.HasPrefix(ct, "application/problem+json") {
			t.Errorf("%s: error answered as %q, want problem details", c.name, ct)
		}
		for _, s := range c.has {
			if s = subst(s); !strings.Contains(r.Body, s) {
				t.Errorf("%s: body lacks %q\n%s", c.name, s, r.Body)
			}
		}
		for _, s := range append(c.hasNot, "password_hash", "$argon2") {
			if strings.Contains(r.Body, s) {
				t.Errorf("%s: body contains %q\n%s", c.name, s, r.Body)
			}
		}
		if c.save != "" {
			var v struct{ ID int64 }
			r.JSON(t, &v)
			if v.ID == 0 {
				t.Fatalf("%s: no id in %s", c.name, r.Body)
			}
			vars[c.save] = apiItoa(v.ID)
		}
	}
}

func apiItoa(n int64) string { return strconv.FormatInt(n, 10) }

// jf quotes a JSON string field for body checks: jf("code","X") is "code":"X".
func jf(k, v string) string { b, _ := json.Marshal(v); return `"` + k + `":` + string(b) }

func orgAPICases() []apiCase {
	notD1 := []string{"FX-D2", "FX-U2", "FX-S1", "FX-U3", "FX-B2", jf("code", "SH")}
	return []apiCase{
		{name: "no token", method: "GET", path: "/api/v1/orgs", status: 401, has: []string{`"status":401`, "请先登录"}},
		{name: "no token en", lang: "en", method: "GET", path: "/api/v1/orgs", status: 401, has: []string{"Please log in."}},
		{name: "garbage token", who: "garbage", method: "GET", path: "/api/v1/orgs", status: 401},
		{name: "revoked token", who: "revoked", method: "GET", path: "/api/v1/orgs", status: 401},
		{name: "no role", who: "norole", method: "GET", path: "/api/v1/orgs", status: 403},
		{name: "cadre list scoped", who: "cadre_d1", method: "GET", path: "/api/v1/orgs", status: 200,
			has: []string{"FX-D1", "FX-U1", "FX-B1", `"next":""`}, hasNot: notD1},
		{name: "region viewer list", who: "viewer_r1", method: "GET", path: "/api/v1/orgs?status=all", status: 200,
			has: []string{"FX-U1", "FX-B1", "FX-U3"}, hasNot: []string{"FX-D1", "FX-D2", "FX-S1", "FX-U2", "FX-B2", jf("code", "SH")}},
		{name: "filter level", who: "admin", method: "GET", path: "/api/v1/orgs?level=district", status: 200,
			has: []string{"FX-D1", "FX-D2"}, hasNot: []string{"FX-U1", "FX-S1"}},
		{name: "filter under", who: "admin", method: "GET", path: "/api/v1/orgs?under=$D1", status: 200,
			has: []string{"FX-D1", "FX-U1", "FX-B1"}, hasNot: notD1},
		{name: "filter parent", who: "admin", method: "GET", path: "/api/v1/orgs?parent=$C", status: 200,
			has: []string{"FX-D1", "FX-D2", "FX-S1"}, hasNot: []string{"FX-U1", "FX-B1"}},
		{name: "filter q", who: "admin", method: "GET", path: "/api/v1/orgs?q=FX-U3", status: 200, has: []string{"FX-U3"}, hasNot: []string{"FX-U1"}},
		{name: "filter district", who: "admin", method: "GET", path: "/api/v1/orgs?district=pudong", status: 200, has: []string{`"items":[]`}},
		{name: "page 1", who: "admin", method: "GET", path: "/api/v1/orgs?limit=2", status: 200,
			has: []string{"FX-B1", "FX-B2", `"next":"FX-B2"`}, hasNot: []string{"FX-D1"}},
		{name: "page 2", who: "admin", method: "GET", path: "/api/v1/orgs?limit=2&after=FX-B2", status: 200,
			has: []string{"FX-D1", "FX-D2", `"next":"FX-D2"`}, hasNot: []string{"FX-B1"}},
		{name: "limit too big", who: "admin", lang: "en", method: "GET", path: "/api/v1/orgs?limit=500", status: 422, has: []string{`"limit":`}},
		{name: "bad status", who: "admin", method: "GET", path: "/api/v1/orgs?status=gone", status: 422, has: []string{`"status":"`}},
		{name: "under outside scope", who: "cadre_d1", method: "GET", path: "/api/v1/orgs?under=$D2", status: 404},
		{name: "get own", who: "cadre_d1", method: "GET", path: "/api/v1/orgs/$U1", status: 200, has: []string{jf("code", "FX-U1"), `"parent_id":`}},
		{name: "get outside scope", who: "cadre_d1", method: "GET", path: "/api/v1/orgs/$D2", status: 404, has: []string{`"status":404`}},
		{name: "get missing", who: "admin", method: "GET", path: "/api/v1/orgs/999999", status: 404},
		{name: "get malformed id", who: "admin", method: "GET", path: "/api/v1/orgs/abc", status: 404},
		{name: "children", who: "cadre_d1", method: "GET", path: "/api/v1/orgs/$D1/children", status: 200,
			has: []string{"FX-U1"}, hasNot: []string{"FX-B1", jf("code", "FX-D1")}},
		{name: "children outside", who: "cadre_d1", method: "GET", path: "/api/v1/orgs/$D2/children", status: 404},
		{name: "count root", who: "admin", method: "GET", path: "/api/v1/orgs/$C/count", status: 200, has: []string{`"descendants":8`, `"children":3`}},
		{name: "count D1", who: "cadre_d1", method: "GET", path: "/api/v1/orgs/$D1/count", status: 200, has: []string{`"descendants":2`, `"children":1`}},
		{name: "count outside", who: "cadre_d1", method: "GET", path: "/api/v1/orgs/$D2/count", status: 404},
		{name: "create", who: "cadre_d1", method: "POST", path: "/api/v1/orgs", status: 201, save: "API1",
			body: `{"parent_id":$U1,"name":"接口支部","code":"API-1","level":"branch"}`, has: []string{jf("code", "API-1"), jf("status", "active")}},
		{name: "create duplicate code", who: "cadre_d1", method: "POST", path: "/api/v1/orgs", status: 422,
			body: `{"parent_id":$U1,"name":"另一个","code":"API-1","level":"branch"}`, has: []string{`"errors":{"code":"该代码已被其他组织使用。"}`}},
		{name: "create invalid en", who: "cadre_d1", lang: "en", method: "POST", path: "/api/v1/orgs", status: 422,
			body: `{"parent_id":$U1,"name":"","code":"x","level":"city"}`,
			has:  []string{jf("name", "Required."), jf("code", "Use 2–40 letters, digits, - or _."), `"level":`}},
		{name: "create unknown field", who: "cadre_d1", lang: "en", method: "POST", path: "/api/v1/orgs", status: 422,
			body: `{"parent_id":$U1,"name":"X","code":"API-2","level":"branch","color":"red"}`, has: []string{"unknown fields"}},
		{name: "create malformed json", who: "cadre_d1", method: "POST", path: "/api/v1/orgs", status: 422, body: `{"parent_id":`},
		{name: "create outside scope", who: "cadre_d1", method: "POST", path: "/api/v1/orgs", status: 422,
			body: `{"parent_id":$D2,"name":"X","code":"API-3","level":"unit"}`, has: []string{`"errors":{"parent_id":`}},
		{name: "create without parent", who: "cadre_d1", method: "POST", path: "/api/v1/orgs", status: 422,
			body: `{}`, has: []string{`"parent_id":`}},
		{name: "viewer create", who: "viewer_d1", method: "POST", path: "/api/v1/orgs", status: 403,
			body: `{"parent_id":$U1,"name":"X","code":"API-4","level":"branch"}`, has: []string{`"status":403`}},
		{name: "update", who: "cadre_d1", method: "PUT", path: "/api/v1/orgs/$API1", status: 200,
			body: `{"name":"接口支部改","code":"API-1","level":"branch","district":"pudong"}`, has: []string{"接口支部改", jf("district", "pudong")}},
		{name: "update invalid", who: "cadre_d1", lang: "en", method: "PUT", path: "/api/v1/orgs/$API1", status: 422,
			body: `{"name":"X","code":"API-1","level":"branch","established":"2999-01-01"}`, has: []string{`"established":`}},
		{name: "update outside", who: "cadre_d1", method: "PUT", path: "/api/v1/orgs/$D2", status: 404, body: `{"name":"X","code":"FX-D2","level":"district"}`},
		{name: "update viewer", who: "viewer_d1", method: "PUT", path: "/api/v1/orgs/$U1", status: 403, body: `{"name":"X","code":"FX-U1","level":"unit"}`},
		{name: "move under own descendant", who: "org_admin_d1", method: "POST", path: "/api/v1/orgs/$U1/move", status: 422,
			body: `{"parent_id":$API1}`, has: []string{`"errors":{"parent_id":`}},
		{name: "move outside scope", who: "org_admin_d1", method: "POST", path: "/api/v1/orgs/$API1/move", status: 422,
			body: `{"parent_id":$U2}`, has: []string{`"parent_id":`}},
		{name: "move by cadre", who: "cadre_d1", method: "POST", path: "/api/v1/orgs/$API1/move", status: 403, body: `{"parent_id":$U1}`},
		{name: "move", who: "admin", method: "POST", path: "/api/v1/orgs/$API1/move", status: 200,
			body: `{"parent_id":$U2}`, has: []string{`"parent_id":$U2`}},
		{name: "moved out of scope", who: "cadre_d1", method: "GET", path: "/api/v1/orgs/$API1", status: 404},
		{name: "move back", who: "admin", method: "POST", path: "/api/v1/orgs/$API1/move", status: 200, body: `{"parent_id":$U1}`},
		{name: "archive root", who: "admin", method: "POST", path: "/api/v1/orgs/$C/archive", status: 409},
		{name: "archive with children", who: "org_admin_d1", method: "POST", path: "/api/v1/orgs/$U1/archive", status: 409},
		{name: "archive by cadre", who: "cadre_d1", method: "POST", path: "/api/v1/orgs/$API1/archive", status: 403},
		{name: "archive", who: "org_admin_d1", method: "POST", path: "/api/v1/orgs/$API1/archive", status: 200, has: []string{jf("status", "archived")}},
		{name: "archived hidden", who: "cadre_d1", method: "GET", path: "/api/v1/orgs?under=$U1", status: 200, hasNot: []string{"API-1"}},
		{name: "archived listed", who: "cadre_d1", method: "GET", path: "/api/v1/orgs?status=archived", status: 200, has: []string{"API-1"}},
		{name: "restore", who: "org_admin_d1", method: "POST", path: "/api/v1/orgs/$API1/restore", status: 200, has: []string{jf("status", "active")}},
		{name: "restore outside", who: "org_admin_d1", method: "POST", path: "/api/v1/orgs/$D2/restore", status: 404},
	}
}

func regionAPICases() []apiCase {
	return []apiCase{
		{name: "regions no token", method: "GET", path: "/api/v1/regions", status: 401},
		{name: "regions admin", who: "admin", method: "GET", path: "/api/v1/regions", status: 200, has: []string{"陆家嘴测试区", `"members":2`, `"org_id":$C`}},
		{name: "regions scoped", who: "org_admin_d1", method: "GET", path: "/api/v1/regions", status: 200, has: []string{`"items":[]`}},
		{name: "regions no role", who: "auditor", method: "GET", path: "/api/v1/regions", status: 403},
		{name: "region get", who: "admin", method: "GET", path: "/api/v1/regions/$R1", status: 200, has: []string{"陆家嘴测试区"}},
		{name: "region get outside", who: "org_admin_d1", method: "GET", path: "/api/v1/regions/$R1", status: 404},
		{name: "region get malformed", who: "admin", method: "GET", path: "/api/v1/regions/x1", status: 404},
		{name: "region create", who: "org_admin_d1", method: "POST", path: "/api/v1/regions", status: 201, save: "RD1",
			body: `{"org_id":$D1,"name":"D1片区","description":"测试"}`, has: []string{"D1片区", `"members":0`}},
		{name: "region create duplicate", who: "org_admin_d1", method: "POST", path: "/api/v1/regions", status: 422,
			body: `{"org_id":$D1,"name":"D1片区"}`, has: []string{`"errors":{"name":`}},
		{name: "region create outside", who: "org_admin_d1", lang: "en", method: "POST", path: "/api/v1/regions", status: 422,
			body: `{"org_id":$D2,"name":"D2片区"}`, has: []string{`"org_id":`}},
		{name: "region create invalid", who: "org_admin_d1", lang: "en", method: "POST", path: "/api/v1/regions", status: 422,
			body: `{"org_id":$D1,"name":""}`, has: []string{jf("name", "Required.")}},
		{name: "region create unknown field", who: "org_admin_d1", method: "POST", path: "/api/v1/regions", status: 422,
			body: `{"org_id":$D1,"name":"X","owner":1}`},
		{name: "region create by cadre", who: "cadre_d1", method: "POST", path: "/api/v1/regions", status: 403, body: `{"org_id":$D1,"name":"X"}`},
		{name: "region update", who: "org_admin_d1", method: "PUT", path: "/api/v1/regions/$RD1", status: 200,
			body: `{"name":"D1片区二","description":""}`, has: []string{"D1片区二"}},
		{name: "region update invalid", who: "org_admin_d1", method: "PUT", path: "/api/v1/regions/$RD1", status: 422, body: `{"name":" "}`, has: []string{`"name":`}},
		{name: "region update by viewer", who: "viewer_d1", method: "PUT", path: "/api/v1/regions/$RD1", status: 403, body: `{"name":"X"}`},
		{name: "region update by cadre", who: "cadre_d1", method: "PUT", path: "/api/v1/regions/$RD1", status: 403, body: `{"name":"X"}`},
		{name: "region update outside", who: "org_admin_d1", method: "PUT", path: "/api/v1/regions/$R1", status: 404, body: `{"name":"X"}`},
		{name: "member add", who: "org_admin_d1", method: "POST", path: "/api/v1/regions/$RD1/members", status: 204, body: `{"org_id":$U1}`},
		{name: "member add again", who: "org_admin_d1", method: "POST", path: "/api/v1/regions/$RD1/members", status: 422,
			body: `{"org_id":$U1}`, has: []string{`"org_id":`}},
		{name: "member add outside", who: "org_admin_d1", method: "POST", path: "/api/v1/regions/$RD1/members", status: 422,
			body: `{"org_id":$U2}`, has: []string{`"org_id":`}},
		{name: "member add unknown field", who: "org_admin_d1", method: "POST", path: "/api/v1/regions/$RD1/members", status: 422, body: `{"id":1}`},
		{name: "member add viewer", who: "viewer_d1", method: "POST", path: "/api/v1/regions/$RD1/members", status: 403, body: `{"org_id":$B1}`},
		{name: "members", who: "cadre_d1", method: "GET", path: "/api/v1/regions/$RD1/members", status: 200, has: []string{"FX-U1"}, hasNot: []string{"FX-B1"}},
		{name: "members R1", who: "admin", method: "GET", path: "/api/v1/regions/$R1/members", status: 200, has: []string{"FX-U1", "FX-U3"}},
		{name: "members paged", who: "admin", method: "GET", path: "/api/v1/regions/$R1/members?limit=1", status: 200,
			has: []string{"FX-U1", `"next":"FX-U1"`}, hasNot: []string{"FX-U3"}},
		{name: "members outside", who: "viewer_r1", method: "GET", path: "/api/v1/regions/$R1/members", status: 404},
		{name: "member remove viewer", who: "viewer_d1", method: "DELETE", path: "/api/v1/regions/$RD1/members/$U1", status: 403},
		{name: "member remove", who: "org_admin_d1", method: "DELETE", path: "/api/v1/regions/$RD1/members/$U1", status: 204},
		{name: "member remove again", who: "org_admin_d1", method: "DELETE", path: "/api/v1/regions/$RD1/members/$U1", status: 404},
		{name: "member remove malformed", who: "org_admin_d1", method: "DELETE", path: "/api/v1/regions/$RD1/members/u1", status: 404},
		{name: "member remove outside", who: "org_admin_d1", method: "DELETE", path: "/api/v1/regions/$R1/members/$U1", status: 404},
		{name: "members after remove", who: "admin", method: "GET", path: "/api/v1/regions/$RD1", status: 200, has: []string{`"members":0`}},
	}
}

func userAPICases() []apiCase {
	return []apiCase{
		{name: "users no token", method: "GET", path: "/api/v1/users", status: 401},
		{name: "users scoped", who: "org_admin_d1", method: "GET", path: "/api/v1/users", status: 200,
			has:    []string{jf("login", "org_admin_d1"), jf("login", "cadre_u1"), jf("login", "norole")},
			hasNot: []string{jf("login", "admin"), jf("login", "viewer_r1"), jf("login", "secadmin"), "password"}},
		{name: "users q", who: "org_admin_d1", method: "GET", path: "/api/v1/users?q=cadre", status: 200,
			has: []string{jf("login", "cadre_d1"), jf("login", "cadre_u1")}, hasNot: []string{jf("login", "org_admin_d1")}},
		{name: "users paged", who: "org_admin_d1", method: "GET", path: "/api/v1/users?limit=1", status: 200,
			has: []string{jf("login", "cadre_d1"), `"next":"cadre_d1"`}, hasNot: []string{jf("login", "cadre_u1")}},
		{name: "users page 2", who: "org_admin_d1", method: "GET", path: "/api/v1/users?limit=1&after=cadre_d1", status: 200,
			has: []string{jf("login", "cadre_u1")}},
		{name: "users bad limit", who: "org_admin_d1", method: "GET", path: "/api/v1/users?limit=0", status: 422},
		{name: "users viewer", who: "viewer_d1", method: "GET", path: "/api/v1/users", status: 403},
		{name: "users sysadmin", who: "sysadmin", method: "GET", path: "/api/v1/users", status: 200, has: []string{jf("login", "admin")}},
		{name: "user create", who: "org_admin_d1", method: "POST", path: "/api/v1/users", status: 201, save: "NEWU",
			body: `{"login":"API.User","name":"接口用户","org_id":$U1}`, has: []string{jf("login", "api.user"), `"password":"`}},
		{name: "user create duplicate", who: "org_admin_d1", method: "POST", path: "/api/v1/users", status: 422,
			body: `{"login":"api.user","name":"X","org_id":$U1}`, has: []string{`"errors":{"login":`}},
		{name: "user create invalid en", who: "org_admin_d1", lang: "en", method: "POST", path: "/api/v1/users", status: 422,
			body: `{"login":"1x","name":"","org_id":$D2}`, has: []string{`"login":`, jf("name", "Required."), `"org_id":`}},
		{name: "user create password field refused", who: "org_admin_d1", method: "POST", path: "/api/v1/users", status: 422,
			body: `{"login":"api.two","name":"X","org_id":$U1,"password":"Chosen-Pass-2026"}`},
		{name: "user create cadre", who: "cadre_d1", method: "POST", path: "/api/v1/users", status: 403, body: `{"login":"x.y.z","name":"X","org_id":$U1}`},
		{name: "user get", who: "org_admin_d1", method: "GET", path: "/api/v1/users/$NEWU", status: 200,
			has: []string{jf("login", "api.user"), `"grants":[]`, `"must_change":true`}},
		{name: "user get grants", who: "org_admin_d1", method: "GET", path: "/api/v1/users/$cadre_d1", status: 200,
			has: []string{jf("role", "cadre"), jf("scope_kind", "org"), `"scope_id":$D1`}},
		{name: "user get outside", who: "org_admin_d1", method: "GET", path: "/api/v1/users/$admin", status: 404},
		{name: "user get malformed", who: "org_admin_d1", method: "GET", path: "/api/v1/users/me", status: 404},
		{name: "grant", who: "org_admin_d1", method: "POST", path: "/api/v1/users/$NEWU/grants", status: 201, save: "G1",
			body: `{"role":"viewer","scope_kind":"org","scope_id":$U1,"expires_at":"2099-01-01T00:00:00Z"}`, has: []string{`"id":`}},
		{name: "grant exists", who: "org_admin_d1", method: "POST", path: "/api/v1/users/$NEWU/grants", status: 409,
			body: `{"role":"viewer","scope_kind":"org","scope_id":$U1}`},
		{name: "grant outside scope", who: "org_admin_d1", lang: "en", method: "POST", path: "/api/v1/users/$NEWU/grants", status: 422,
			body: `{"role":"cadre","scope_kind":"org","scope_id":$D2}`, has: []string{jf("scope_id", "That scope is outside yours.")}},
		{name: "grant region outside", who: "org_admin_d1", method: "POST", path: "/api/v1/users/$NEWU/grants", status: 422,
			body: `{"role":"viewer","scope_kind":"region","scope_id":$R1}`, has: []string{`"scope_id":`}},
		{name: "grant bad kind", who: "org_admin_d1", method: "POST", path: "/api/v1/users/$NEWU/grants", status: 422,
			body: `{"role":"viewer","scope_kind":"planet","scope_id":$U1}`, has: []string{`"scope_kind":`}},
		{name: "grant bad role", who: "org_admin_d1", method: "POST", path: "/api/v1/users/$NEWU/grants", status: 422,
			body: `{"role":"king","scope_kind":"org","scope_id":$U1}`, has: []string{`"role":`}},
		{name: "grant unknown field", who: "org_admin_d1", method: "POST", path: "/api/v1/users/$NEWU/grants", status: 422,
			body: `{"role":"viewer","scope_kind":"org","scope_id":$U1,"forever":true}`},
		{name: "grant officer by org admin", who: "org_admin_d1", method: "POST", path: "/api/v1/users/$NEWU/grants", status: 403,
			body: `{"role":"sysadmin"}`},
		{name: "grant to self", who: "org_admin_d1", method: "POST", path: "/api/v1/users/$org_admin_d1/grants", status: 403,
			body: `{"role":"viewer","scope_kind":"org","scope_id":$U1}`},
		{name: "grant user outside", who: "org_admin_d1", method: "POST", path: "/api/v1/users/$viewer_r1/grants", status: 404,
			body: `{"role":"viewer","scope_kind":"org","scope_id":$U1}`},
		{name: "grant by cadre", who: "cadre_d1", method: "POST", path: "/api/v1/users/$NEWU/grants", status: 403,
			body: `{"role":"viewer","scope_kind":"org","scope_id":$U1}`},
		{name: "officer grant to officer", who: "secadmin", method: "POST", path: "/api/v1/users/$sysadmin/grants", status: 409,
			body: `{"role":"auditor"}`},
		{name: "officer grant to business user", who: "secadmin", method: "POST", path: "/api/v1/users/$cadre_u1/grants", status: 409,
			body: `{"role":"auditor"}`},
		{name: "grant shown", who: "org_admin_d1", method: "GET", path: "/api/v1/users/$NEWU", status: 200,
			has: []string{jf("role", "viewer"), `"id":$G1`}},
		{name: "revoke by viewer", who: "viewer_d1", method: "DELETE", path: "/api/v1/grants/$G1", status: 403},
		{name: "revoke by cadre", who: "cadre_d1", method: "DELETE", path: "/api/v1/grants/$G1", status: 403},
		{name: "revoke", who: "org_admin_d1", method: "DELETE", path: "/api/v1/grants/$G1", status: 204},
		{name: "revoke again", who: "org_admin_d1", method: "DELETE", path: "/api/v1/grants/$G1", status: 404},
		{name: "revoke malformed", who: "org_admin_d1", method: "DELETE", path: "/api/v1/grants/g1", status: 404},
		{name: "grant revoked", who: "org_admin_d1", method: "GET", path: "/api/v1/users/$NEWU", status: 200, has: []string{`"grants":[]`}},
	}
}
