package app_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"image/png"
	"net/http"
	"strings"
	"testing"
	"time"

	"qinggong/internal/app/apptest"
	"qinggong/internal/auth"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/person"
	"qinggong/internal/web"
)

// Paths no route serves. Before issue 10 the home page's "GET /" caught
// them all, so a mistyped link showed the home page (or the login form).
var unknownPages = []string{"/nonexistent", "/orgs/abc/xyz", "/people/1/nope", "/assets", "/login/extra"}

var unknownAPI = []string{"/api/v1/nope", "/api/v1/people/1/nope", "/api/v1", "/api/v1/", "/api/v2/orgs"}

// TestUnknownPathsAre404: an unknown page is the site's 404 page in the
// reader's language, logged in or not; an unknown API path is a problem
// document whatever the credentials, since a 401 there would only tell an
// anonymous caller what the signed-in answer is.
func TestUnknownPathsAre404(t *testing.T) {
	e := apptest.New(t, "sqlite")
	clients := map[string]*apptest.Client{"anonymous": e.Anon(), "admin": e.Login("admin"), "norole": e.Login("norole")}
	tokens := map[string]*apptest.Client{"anonymous": e.Anon(), "admin": e.Bearer("admin"), "cookie": e.Login("admin")}
	for who, c := range clients {
		for _, lang := range []struct{ accept, word, home string }{{"", "找不到", "首页"}, {"en", "Not found", "Home"}} {
			for _, p := range unknownPages {
				for _, method := range []string{"GET", "POST"} {
					c := c.For(t)
					c.Header = http.Header{"Accept-Language": {lang.accept}}
					res := c.Do(method, p, nil)
					if res.StatusCode != http.StatusNotFound {
						t.Errorf("%s %s as %s = %d %s, want 404", method, p, who, res.StatusCode, res.Header.Get("Location"))
						continue
					}
					if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
						t.Errorf("%s %s as %s: Content-Type %q", method, p, who, ct)
					}
					if !strings.Contains(res.Body, `class="error-page"`) || !strings.Contains(res.Body, lang.word) || !strings.Contains(res.Body, lang.home) {
						t.Errorf("%s %s as %s (%q): not the 404 page in that language: %.300s", method, p, who, lang.accept, res.Body)
					}
				}
			}
		}
	}
	for who, c := range tokens {
		for _, p := range unknownAPI {
			for _, method := range []string{"GET", "POST", "DELETE"} {
				res := c.For(t).Do(method, p, nil)
				if res.StatusCode != http.StatusNotFound {
					t.Errorf("%s %s as %s = %d, want 404", method, p, who, res.StatusCode)
					continue
				}
				if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("%s %s as %s: Content-Type %q", method, p, who, ct)
				}
				var prob web.Problem
				res.JSON(t, &prob)
				if prob.Status != 404 || prob.Title != "Not Found" || prob.Detail == "" {
					t.Errorf("%s %s as %s: problem %+v", method, p, who, prob)
				}
			}
		}
	}
	// An unknown page in an htmx request is the error fragment, as for any
	// other error there.
	c := e.Login("admin")
	c.Header = http.Header{"Hx-Request": {"true"}}
	if res := c.Get("/nonexistent"); res.StatusCode != 404 || strings.Contains(res.Body, "<html") || !strings.Contains(res.Body, `class="flash error"`) {
		t.Errorf("htmx GET /nonexistent = %d %.200s, want the 404 fragment", res.StatusCode, res.Body)
	}
}

// TestKnownPathsStillRoute: the 404 fallback leaves the routes' own answers
// alone: the home page, the login redirect, a wrong method's 405 (with its
// Allow header) and a route's own 404 for a missing object.
func TestKnownPathsStillRoute(t *testing.T) {
	e := apptest.New(t, "sqlite")
	anon, admin, api := e.Anon(), e.Login("admin"), e.Bearer("admin")
	if res := admin.Get("/"); res.StatusCode != 200 || !strings.Contains(res.Body, "<html") {
		t.Errorf("GET / as admin = %d", res.StatusCode)
	}
	for _, p := range []string{"/", "/orgs", "/people"} {
		if res := anon.Get(p); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
			t.Errorf("GET %s anonymous = %d %q, want the login redirect", p, res.StatusCode, res.Header.Get("Location"))
		}
	}
	if res := anon.Get("/api/v1/people"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/people anonymous = %d, want 401", res.StatusCode)
	}
	for _, tc := range []struct {
		c            *apptest.Client
		method, path string
		ctype        string
	}{
		{admin, "PUT", "/", "text/html; charset=utf-8"},
		{admin, "DELETE", "/orgs", "text/html; charset=utf-8"},
		{anon, "POST", "/healthz", "text/html; charset=utf-8"},
		{api, "PATCH", "/api/v1/people", "application/problem+json"},
		{anon, "PUT", "/api/v1/orgs", "application/problem+json"},
	} {
		res := tc.c.Do(tc.method, tc.path, nil)
		if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") == "" {
			t.Errorf("%s %s = %d (Allow %q), want 405 with Allow", tc.method, tc.path, res.StatusCode, res.Header.Get("Allow"))
			continue
		}
		if ct := res.Header.Get("Content-Type"); ct != tc.ctype {
			t.Errorf("%s %s: Content-Type %q, want %q", tc.method, tc.path, ct, tc.ctype)
		}
		if tc.ctype == "application/problem+json" {
			var prob web.Problem
			res.JSON(t, &prob)
			if prob.Status != 405 || prob.Detail == "" {
				t.Errorf("%s %s: problem %+v", tc.method, tc.path, prob)
			}
		}
	}
	if res := api.Get("/api/v1/people/999999"); res.StatusCode != 404 || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("GET a missing person = %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// A missing asset is still the asset route's answer.
	if res := anon.Get("/assets/nope.css"); res.StatusCode != 404 {
		t.Errorf("GET /assets/nope.css = %d", res.StatusCode)
	}
}

// TestRobotsAndFavicon: both are served without a login and may be cached.
func TestRobotsAndFavicon(t *testing.T) {
	e := apptest.New(t, "sqlite")
	anon := e.Anon()
	res := anon.Get("/robots.txt")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("GET /robots.txt = %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res.Body != "User-agent: *\nDisallow: /\n" {
		t.Errorf("robots.txt = %q", res.Body)
	}
	if cc := res.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public, max-age=") {
		t.Errorf("robots.txt Cache-Control %q", cc)
	}
	res = anon.Get("/favicon.ico")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/x-icon" {
		t.Fatalf("GET /favicon.ico = %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if cc := res.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public, max-age=") {
		t.Errorf("favicon.ico Cache-Control %q", cc)
	}
	checkICO(t, []byte(res.Body))
	// The layout names the icon, so browsers take the hashed URL and cache it.
	page := anon.Get("/login")
	if !strings.Contains(page.Body, `<link rel="icon" href="`+web.Asset("favicon.ico")+`"`) {
		t.Errorf("login page lacks the icon link")
	}
	if res := anon.Get(web.Asset("favicon.ico")); res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/x-icon" {
		t.Errorf("GET %s = %d %q", web.Asset("favicon.ico"), res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// checkICO reads an icon directory of PNG images and decodes each.
func checkICO(t *testing.T, b []byte) {
	t.Helper()
	if len(b) < 6 || binary.LittleEndian.Uint16(b[0:]) != 0 || binary.LittleEndian.Uint16(b[2:]) != 1 {
		t.Fatalf("favicon is not an icon directory: % x", b[:min(len(b), 6)])
	}
	n := int(binary.LittleEndian.Uint16(b[4:]))
	if n == 0 || len(b) < 6+16*n {
		t.Fatalf("favicon holds %d images in %d bytes", n, len(b))
	}
	for i := range n {
		ent := b[6+16*i:]
		size, off := binary.LittleEndian.Uint32(ent[8:]), binary.LittleEndian.Uint32(ent[12:])
		if int(off)+int(size) > len(b) {
			t.Fatalf("image %d runs past the file", i)
		}
		img, err := png.Decode(bytes.NewReader(b[off : off+size]))
		if err != nil {
			t.Fatalf("image %d: %v", i, err)
		}
		w, h := int(ent[0]), int(ent[1])
		if w == 0 {
			w = 256
		}
		if h == 0 {
			h = 256
		}
		if img.Bounds().Dx() != w || img.Bounds().Dy() != h {
			t.Errorf("image %d is %v, directory says %dx%d", i, img.Bounds(), w, h)
		}
	}
}

// TestPeopleListTimestamps: list rows carry the person's registration and
// last-change times, as the single record does (they were the zero time).
func TestPeopleListTimestamps(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := newPeopleEnv(t, name)
			root := e.Orgs["C"]
			boot := &auth.Actor{Login: "fixture", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
			// An update makes updated_at differ from created_at, so a
			// column swap would show.
			time.Sleep(10 * time.Millisecond)
			in := person.Input{Name: e.d1.Name, IDNumber: e.d1ID, OrgID: e.d1.OrgID, Trade: "电工"}
			if _, err := e.App.People.Update(context.Background(), boot, e.d1.ID, in); err != nil {
				t.Fatal(err)
			}
			want := map[int64]*person.Person{}
			for _, id := range []int64{e.d1.ID, e.d2.ID} {
				p, err := e.App.People.Get(context.Background(), boot, id)
				if err != nil {
					t.Fatal(err)
				}
				want[id] = p
			}
			if !want[e.d1.ID].UpdatedAt.After(want[e.d1.ID].CreatedAt) {
				t.Fatalf("fixture: update left updated_at %v at created_at %v", want[e.d1.ID].UpdatedAt, want[e.d1.ID].CreatedAt)
			}
			api := e.Bearer("admin").For(t)
			// Default, name and newest orders, a search, and the same page
			// again (served from the list cache).
			for _, q := range []string{"", "?sort=name", "?sort=new", "?q=%E5%BC%A0", "?q=zs", ""} {
				var page struct {
					Items []map[string]any `json:"items"`
				}
				res := api.Get("/api/v1/people" + q)
				if res.StatusCode != 200 {
					t.Fatalf("GET /api/v1/people%s = %d %s", q, res.StatusCode, res.Body)
				}
				res.JSON(t, &page)
				if len(page.Items) != 2 {
					t.Fatalf("GET /api/v1/people%s: %d items", q, len(page.Items))
				}
				for _, it := range page.Items {
					p := want[int64(it["id"].(float64))]
					for field, w := range map[string]time.Time{"created_at": p.CreatedAt, "updated_at": p.UpdatedAt} {
						s, _ := it[field].(string)
						got, err := time.Parse(time.RFC3339Nano, s)
						if err != nil || got.IsZero() || !got.Equal(w) {
							t.Errorf("GET /api/v1/people%s: person %d %s = %q, want %v", q, p.ID, field, s, w.Format(time.RFC3339Nano))
						}
					}
				}
			}
		})
	}
}
