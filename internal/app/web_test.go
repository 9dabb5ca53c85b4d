package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"qinggong/internal/app/apptest"
	"qinggong/internal/web"
)

func TestWebSecurityHeaders(t *testing.T) {
	e := apptest.New(t, "sqlite")
	for _, c := range []*apptest.Client{e.Login("admin"), e.Anon()} {
		for _, rt := range e.App.Router.Routes() {
			if rt.Method != "GET" || strings.Contains(rt.Pattern, "{") && !strings.HasPrefix(rt.Pattern, "/assets/") {
				continue
			}
			p := rt.Pattern
			if strings.HasPrefix(p, "/assets/") {
				p = web.Asset("app.css")
			}
			r := c.Get(p)
			if r.StatusCode >= 500 {
				t.Errorf("%s: %d", p, r.StatusCode)
			}
			if !strings.Contains(r.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
				t.Errorf("%s: CSP %q", p, r.Header.Get("Content-Security-Policy"))
			}
			if r.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: no nosniff", p)
			}
			static := strings.HasPrefix(p, "/assets/") || p == "/favicon.ico" || p == "/robots.txt" // the same for everyone
			if !static && r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: Cache-Control %q", p, r.Header.Get("Cache-Control"))
			}
		}
	}
}

func TestWebLogin(t *testing.T) {
	e := apptest.New(t, "sqlite")
	c := e.Anon()
	if r := c.Get("/login"); r.StatusCode != 200 {
		t.Fatalf("login form: %d", r.StatusCode)
	}
	if r := c.Do("GET", "/login?login=admin&password=x", nil); r.StatusCode == http.StatusSeeOther {
		t.Errorf("GET login logged in")
	}
	// Session rotation and logout.
	r := c.PostForm("/login", url.Values{"login": {"admin"}, "password": {apptest.Password}, "next": {"//evil.example"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("login next=//evil: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	first := cookie(r, web.SessionCookie)
	r = c.PostForm("/login", url.Values{"login": {"admin"}, "password": {apptest.Password}})
	second := cookie(r, web.SessionCookie)
	if first == "" || second == "" || first == second {
		t.Fatalf("session not rotated: %q %q", first, second)
	}
	if r := c.PostForm("/logout", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.StatusCode)
	}
	if r := replay(t, e, second, "/orgs"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("old session after logout: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	// Lockout over HTTP.
	l := e.Anon()
	for i := 0; i < 5; i++ {
		l.PostForm("/login", url.Values{"login": {"viewer_u1"}, "password": {"wrong-password-1"}})
	}
	if r := l.PostForm("/login", url.Values{"login": {"viewer_u1"}, "password": {"wrong-password-1"}}); r.StatusCode != http.StatusLocked && r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("6th attempt: %d", r.StatusCode)
	}
	if r := l.PostForm("/login", url.Values{"login": {"viewer_u1"}, "password": {apptest.Password}}); r.StatusCode == http.StatusSeeOther {
		t.Errorf("right password accepted while locked")
	}
}

func cookie(r *apptest.Response, name string) string {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func replay(t *testing.T, e *apptest.Env, session, path string) *http.Response {
	req, _ := http.NewRequest("GET", e.Server.URL+path, nil)
	req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: session})
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

func TestWebLangMetricsReady(t *testing.T) {
	e := apptest.New(t, "sqlite")
	c := e.Login("admin")
	if r := c.PostForm("/lang", url.Values{"lang": {"en"}, "next": {"/orgs"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("lang: %d", r.StatusCode)
	}
	if r := c.Get("/orgs"); !strings.Contains(r.Body, "Organization tree") {
		t.Errorf("/orgs not in English")
	}
	if r := e.Anon().Get("/metrics"); r.StatusCode != 200 || !strings.Contains(r.Body, "qg_http_requests_total") {
		t.Errorf("metrics: %d", r.StatusCode)
	}
	if r := e.Anon().Get("/readyz"); r.StatusCode != 200 {
		t.Errorf("readyz: %d", r.StatusCode)
	}
}
