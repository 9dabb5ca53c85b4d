package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/app/apptest"
	"qinggong/internal/db/dbtest"
)

// TestScopeGiteaTrick: a cadre of D1 cannot see, list, search or count
// anything outside D1 (B3, B4), a region viewer sees the region's members
// only, a revoke bites on the next request (B8), and the officers are
// separated (B7, C8).
func TestScopeGiteaTrick(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := apptest.New(t, name)
			id := func(o string) string { return strconv.FormatInt(e.Orgs[o].ID, 10) }
			outside := []string{"D2", "U2", "B2", "S1", "U3"}

			c := e.Login("cadre_d1")
			r := c.Get("/orgs?q=D2")
			if r.StatusCode != 200 {
				t.Fatalf("search: %d", r.StatusCode)
			}
			for _, o := range outside {
				if strings.Contains(r.Body, o+"团委") {
					t.Errorf("cadre_d1 search shows %s", o)
				}
			}
			if r := c.Get("/orgs/" + id("D2") + "/children"); r.StatusCode != 404 {
				t.Errorf("children of D2: %d", r.StatusCode)
			}
			api := e.Bearer("cadre_d1")
			if r := api.Get("/api/v1/orgs"); r.StatusCode == 200 {
				for _, o := range append(outside, "C") {
					if strings.Contains(r.Body, `"FX-`+o+`"`) || strings.Contains(r.Body, `"`+e.Orgs[o].Name+`"`) {
						t.Errorf("API list shows %s: %s", o, r.Body)
					}
				}
				if !strings.Contains(r.Body, e.Orgs["D1"].Name) {
					t.Errorf("API list misses D1: %s", r.Body)
				}
			} else if r.StatusCode != 404 && r.StatusCode != 405 {
				t.Errorf("API list: %d", r.StatusCode)
			}
			if r := api.Get("/api/v1/orgs/" + id("D2") + "/count"); r.StatusCode != 404 {
				t.Errorf("count of D2: %d %s", r.StatusCode, r.Body)
			}
			if r := api.Get("/api/v1/orgs/" + id("D2")); r.StatusCode != 404 {
				t.Errorf("API get D2: %d", r.StatusCode)
			}

			rv := e.Login("viewer_r1")
			r = rv.Get("/orgs")
			if r.StatusCode != 200 {
				t.Fatalf("viewer_r1 tree: %d", r.StatusCode)
			}
			for _, o := range []string{"U1", "U3"} {
				if rv.Get("/orgs/"+id(o)).StatusCode != 200 {
					t.Errorf("viewer_r1 cannot see member %s", o)
				}
			}
			for _, o := range []string{"D1", "D2", "C", "U2"} {
				if rv.Get("/orgs/"+id(o)).StatusCode != 404 {
					t.Errorf("viewer_r1 sees %s", o)
				}
				if strings.Contains(r.Body, e.Orgs[o].Name) {
					t.Errorf("viewer_r1 tree lists %s", o)
				}
			}

			// Revoke takes effect on the very next request.
			ctx := context.Background()
			vc := e.Login("viewer_u1")
			if r := vc.Get("/orgs"); r.StatusCode != 200 {
				t.Fatalf("viewer_u1 before revoke: %d", r.StatusCode)
			}
			va, err := e.App.Users.Actor(ctx, e.Users["viewer_u1"])
			if err != nil || len(va.Grants) != 1 {
				t.Fatalf("viewer_u1 actor: %v %+v", err, va)
			}
			admin, err := e.App.Users.Actor(ctx, e.Users["admin"])
			if err != nil {
				t.Fatal(err)
			}
			if err := e.App.Users.RevokeGrant(ctx, admin, va.Grants[0].ID); err != nil {
				t.Fatalf("revoke: %v", err)
			}
			if r := vc.Get("/orgs"); r.StatusCode != 403 {
				t.Errorf("after revoke: %d", r.StatusCode)
			}

			// Officer separation.
			if r := e.Login("sysadmin").Get("/audit"); r.StatusCode != 403 {
				t.Errorf("sysadmin /audit: %d", r.StatusCode)
			}
			au := e.Login("auditor")
			if r := au.Get("/orgs"); r.StatusCode != 403 {
				t.Errorf("auditor /orgs: %d", r.StatusCode)
			}
			var before, after int
			count := func(n *int) {
				if err := e.App.DB.R().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit WHERE action = 'audit.query'`).Scan(n); err != nil {
					t.Fatalf("count audit.query: %v", err)
				}
			}
			count(&before)
			if r := au.Get("/audit?q=login"); r.StatusCode != 200 {
				t.Errorf("auditor /audit: %d", r.StatusCode)
			}
			count(&after)
			if after != before+1 {
				t.Errorf("audit.query rows: %d → %d", before, after)
			}
		})
	}
}
