package app_test

import (
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/app/apptest"
)

// FuzzAPIBodies sends arbitrary bodies to every API route that takes one, as
// a user allowed to call it: nothing may answer 5xx. `go test` runs the
// seeds; `go test -fuzz FuzzAPIBodies ./internal/app/` explores further.
func FuzzAPIBodies(f *testing.F) {
	for _, seed := range []string{"", "{}", "null", "[]", "0", `"x"`, `{"name":1}`, `{"parent_id":-1}`,
		`{"parent_id":1,"name":"` + strings.Repeat("团", 5000) + `","code":"X"}`, `{"org_id":"1"}`,
		`{"role":"auditor","scope_kind":"org","scope_id":99999999999999999999}`, "{\"name\":\"\x00\u202e\"}",
		`{"established":"2026-02-30"}`, `{"login":"../../etc","name":"a","org_id":1}`, `{`} {
		f.Add(seed)
	}
	e := apptest.New(f, "sqlite")
	c := e.Bearer("admin")
	var targets []string
	for _, rt := range e.App.Router.Routes() {
		if !strings.HasPrefix(rt.Pattern, "/api/") || (rt.Method != "POST" && rt.Method != "PUT") {
			continue
		}
		p := strings.NewReplacer("{id}", strconv.FormatInt(e.Orgs["U1"].ID, 10), "{org}", strconv.FormatInt(e.Orgs["B1"].ID, 10)).Replace(rt.Pattern)
		if strings.HasPrefix(rt.Pattern, "/api/v1/regions/") {
			p = strings.Replace(rt.Pattern, "{id}", strconv.FormatInt(e.Region.ID, 10), 1)
		}
		if strings.HasPrefix(rt.Pattern, "/api/v1/users/") {
			p = strings.Replace(rt.Pattern, "{id}", strconv.FormatInt(e.Users["viewer_u1"], 10), 1)
		}
		targets = append(targets, rt.Method+" "+p)
	}
	if len(targets) == 0 {
		f.Fatal("no API write routes found")
	}
	f.Fuzz(func(t *testing.T, body string) {
		c := c.For(t)
		for _, tg := range targets {
			method, path, _ := strings.Cut(tg, " ")
			if r := c.Do(method, path, body); r.StatusCode >= 500 {
				t.Fatalf("%s with %q: %d %s", tg, body, r.StatusCode, r.Body)
			}
		}
	})
}
