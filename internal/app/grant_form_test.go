package app_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/app/apptest"
	"qinggong/internal/db/dbtest"
)

// The grant form picks its organization (a code from the picker, within
// the granter's scope) or chooses a region from a list, and the account
// form picks the home organization: no code or number typed blind.
func TestGrantAndAccountFormsPick(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := apptest.New(t, name)
			admin := e.Login("org_admin_d1")
			target := strconv.FormatInt(e.Users["viewer_u1"], 10)
			page := admin.Get("/users/" + target)
			for _, want := range []string{`id="pick-scope_code"`, `data-src="/orgs/pick?perm=user.write"`, `name="scope_region"`} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("user page lacks %s", want)
				}
			}
			if res := admin.Get("/users/new"); !strings.Contains(res.Body, `data-src="/orgs/pick?perm=user.create"`) {
				t.Errorf("account form has no picker of the creator's scope")
			}
			grant := func(c *apptest.Client, v url.Values) int {
				t.Helper()
				v.Set("role", "viewer")
				return c.PostForm("/users/"+target+"/grants", v).StatusCode
			}
			if s := grant(admin, url.Values{"scope_kind": {"org"}, "scope_code": {"FX-B1"}}); s != 303 {
				t.Errorf("grant on a picked organization = %d", s)
			}
			if s := grant(admin, url.Values{"scope_kind": {"org"}, "scope_code": {"FX-D2"}}); s != 422 {
				t.Errorf("grant outside the granter's scope = %d, want 422", s)
			}
			city := e.Login("admin")
			if s := grant(city, url.Values{"scope_kind": {"region"}, "scope_region": {strconv.FormatInt(e.Region.ID, 10)}}); s != 303 {
				t.Errorf("grant on a chosen region = %d", s)
			}
			if page := city.Get("/users/" + target); !strings.Contains(page.Body, "陆家嘴测试区") {
				t.Errorf("the region is not offered (or the grant not shown)")
			}
		})
	}
}
