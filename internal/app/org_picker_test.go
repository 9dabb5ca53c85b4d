package app_test

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/db/dbtest"
	"qinggong/internal/org"
)

var pickedCode = regexp.MustCompile(`data-code="([^"]+)"`)

// pickedCodes are the codes a picker fragment offers.
func pickedCodes(body string) []string {
	out := []string{}
	for _, m := range pickedCode.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// The organization picker answers from the caller's scope for the asked
// permission only; a subtree outside it is 404, and nothing outside it is
// ever offered.
func TestOrgPicker(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := newPeopleEnv(t, name)
			id := func(o string) string { return strconv.FormatInt(e.Orgs[o].ID, 10) }
			admin, cadre := e.Login("admin").For(t), e.Login("cadre_d1").For(t)
			for _, c := range []struct {
				who  string
				path string
				want []string
			}{
				{"admin", "/orgs/pick?q=fx-u", []string{"FX-U1", "FX-U2", "FX-U3"}},
				{"admin", "/orgs/pick?q=" + url.QueryEscape("U1团"), []string{"FX-U1"}},
				{"admin", "/orgs/pick?q=u1tw", []string{"FX-U1"}}, // pinyin initials of U1团委
				{"admin", "/orgs/pick?q=FX-&under=" + id("U2"), []string{"FX-B2", "FX-U2"}},
				{"cadre_d1", "/orgs/pick?q=FX-", []string{"FX-B1", "FX-D1", "FX-U1"}},
				{"cadre_d1", "/orgs/pick?q=FX-D2", []string{}},
				// A cadre manages nothing: no suggestions for a move.
				{"cadre_d1", "/orgs/pick?q=FX-&perm=org.manage", []string{}},
			} {
				cl := admin
				if c.who == "cadre_d1" {
					cl = cadre
				}
				res := cl.Get(c.path)
				got := pickedCodes(res.Body)
				slices.Sort(got)
				if res.StatusCode != 200 || !slices.Equal(got, c.want) {
					t.Errorf("%s GET %s = %d %v, want %v", c.who, c.path, res.StatusCode, got, c.want)
				}
				if len(c.want) == 0 && !strings.Contains(res.Body, "pick-none") {
					t.Errorf("%s GET %s: no line saying nothing matched: %s", c.who, c.path, res.Body)
				}
			}
			// A subtree outside the scope: 404, on the page and in the API.
			if res := cadre.Get("/orgs/pick?q=FX&under=" + id("D2")); res.StatusCode != 404 {
				t.Errorf("cadre_d1 picker under D2 = %d, want 404", res.StatusCode)
			}
			api := e.Bearer("cadre_d1").For(t)
			if res := api.Get("/api/v1/orgs/pick?q=FX&under=" + id("D2")); res.StatusCode != 404 {
				t.Errorf("cadre_d1 API picker under D2 = %d, want 404", res.StatusCode)
			}
			var page struct{ Items []org.Org }
			api.Get("/api/v1/orgs/pick?q=FX-D").JSON(t, &page)
			if len(page.Items) != 1 || page.Items[0].Code != "FX-D1" {
				t.Errorf("cadre_d1 API picker FX-D = %+v, want FX-D1 only", page.Items)
			}
			// The security admin picks a grant's organization by user.write.
			sec := e.Bearer("secadmin").For(t)
			sec.Get("/api/v1/orgs/pick?q=FX-D&perm=user.write").JSON(t, &page)
			if len(page.Items) != 2 {
				t.Errorf("secadmin picker for user.write = %+v, want D1 and D2", page.Items)
			}
			if res := sec.Get("/api/v1/orgs/pick?q=FX-D"); res.StatusCode != 200 || strings.Contains(res.Body, "FX-D") {
				t.Errorf("secadmin picker for org.read = %d %s, want nothing", res.StatusCode, res.Body)
			}
			if res := sec.Get("/api/v1/orgs/pick?q=FX&perm=audit.read"); res.StatusCode != 422 {
				t.Errorf("picker for a global permission = %d, want 422", res.StatusCode)
			}
			if res := e.Anon().For(t).Get("/api/v1/orgs/pick?q=FX"); res.StatusCode != 401 {
				t.Errorf("anonymous API picker = %d, want 401", res.StatusCode)
			}
			if res := e.Anon().For(t).Get("/orgs/pick?q=FX"); res.StatusCode != 303 {
				t.Errorf("anonymous picker = %d, want 303 to the login", res.StatusCode)
			}

			// The forms that use it take the code it sends.
			if res := admin.Get("/orgs/" + id("B1") + "/move"); !strings.Contains(res.Body, `data-org-picker`) ||
				!strings.Contains(res.Body, `name="parent_code"`) || !strings.Contains(res.Body, "perm=org.manage") {
				t.Errorf("move form has no picker: %s", res.Body)
			}
			if res := admin.PostForm("/orgs/"+id("B1")+"/move", url.Values{"parent_code": {"FX-U3"}}); res.StatusCode != 303 {
				t.Errorf("move by picked code = %d %s", res.StatusCode, res.Body)
			}
			region := "/regions/" + strconv.FormatInt(e.Region.ID, 10)
			if res := admin.Get(region); !strings.Contains(res.Body, `name="org_code"`) ||
				!strings.Contains(res.Body, "under="+id("C")) {
				t.Errorf("region page has no member picker: %s", res.Body)
			}
			if res := admin.PostForm(region+"/members", url.Values{"org_code": {"FX-B2"}}); res.StatusCode != 303 {
				t.Errorf("add member by picked code = %d %s", res.StatusCode, res.Body)
			}
			boss, err := e.App.Users.Actor(t.Context(), e.Users["admin"])
			if err != nil {
				t.Fatal(err)
			}
			if rg, err := e.App.Orgs.FindRegionByID(t.Context(), boss, e.Region.ID); err != nil || rg.Members != 3 {
				t.Errorf("region after adding by code = %+v, %v; want 3 members", rg, err)
			}
		})
	}
}
