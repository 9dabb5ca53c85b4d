package app_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/app/apptest"
	"qinggong/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestSmoke(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := apptest.New(t, name)
			anon := e.Anon()
			if r := anon.Get("/healthz"); r.StatusCode != 200 {
				t.Fatalf("healthz %d", r.StatusCode)
			}
			if r := anon.Get("/orgs"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
				t.Fatalf("anonymous /orgs: %d %s", r.StatusCode, r.Header.Get("Location"))
			}
			c := e.Login("cadre_d1")
			r := c.Get("/orgs")
			if r.StatusCode != 200 || !strings.Contains(r.Body, "D1团委") || strings.Contains(r.Body, "D2团委") {
				t.Fatalf("cadre tree: %d\n%s", r.StatusCode, r.Body)
			}
			if r := c.Get("/orgs/" + strconv.FormatInt(e.Orgs["D2"].ID, 10)); r.StatusCode != 404 {
				t.Fatalf("sibling org: %d", r.StatusCode)
			}
			r = c.PostForm("/orgs/"+strconv.FormatInt(e.Orgs["U1"].ID, 10)+"/children", url.Values{"name": {"新支部"}, "code": {"NEW-1"}, "level": {"branch"}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("create: %d %s", r.StatusCode, r.Body)
			}
			r = c.PostForm("/orgs/"+strconv.FormatInt(e.Orgs["U1"].ID, 10)+"/children", url.Values{"name": {""}, "code": {"NEW-1"}, "level": {"branch"}})
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "必填") {
				t.Fatalf("invalid create: %d %s", r.StatusCode, r.Body)
			}
		})
	}
}
