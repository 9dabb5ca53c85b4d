package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"qinggong/internal/app/apptest"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/org"
)

// TestCrossOriginPostChangesNothing: a logged-in browser tricked by another
// site into posting the create form gets 403 and nothing is written.
func TestCrossOriginPostChangesNothing(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := apptest.New(t, name)
			c := e.Login("org_admin_d1")
			form := url.Values{"name": {"钓鱼团支部"}, "code": {"CSRF-1"}, "level": {"branch"}}
			path := "/orgs/" + strconv.FormatInt(e.Orgs["U1"].ID, 10) + "/children"
			for _, h := range []http.Header{{"Sec-Fetch-Site": {"cross-site"}}, {"Origin": {"https://evil.example"}}} {
				c.Header = h
				if r := c.PostForm(path, form); r.StatusCode != http.StatusForbidden {
					t.Fatalf("cross-origin post %v: %d, want 403", h, r.StatusCode)
				}
			}
			admin, _ := e.App.Users.Actor(context.Background(), e.Users["admin"])
			pg, err := e.App.Orgs.Find(context.Background(), admin, org.Filter{Query: "CSRF-1", Status: "all"})
			if err != nil || len(pg.Orgs) != 0 {
				t.Fatalf("cross-origin post created %d organizations (%v)", len(pg.Orgs), err)
			}
			c.Header = http.Header{"Sec-Fetch-Site": {"same-origin"}}
			if r := c.PostForm(path, form); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("same-origin post: %d, want 303", r.StatusCode)
			}
		})
	}
}
