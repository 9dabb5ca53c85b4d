package app_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/db/dbtest"
	"qinggong/internal/org"
)

// Regions are edited, archived and restored from their page and the API,
// audited; a user outside the owner's subtree gets 404 for every write.
func TestRegionEditArchive(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := newPeopleEnv(t, name)
			region := "/regions/" + strconv.FormatInt(e.Region.ID, 10)
			apiRegion := "/api/v1" + region

			// org_admin_d1 holds region.write, but R1 belongs to the city.
			out, outAPI := e.Login("org_admin_d1").For(t), e.Bearer("org_admin_d1").For(t)
			for _, c := range []struct {
				method, path string
				body         any
			}{
				{"GET", region + "/edit", nil},
				{"POST", region + "/edit", url.Values{"name": {"改名"}}},
				{"POST", region + "/archive", url.Values{}},
				{"POST", region + "/restore", url.Values{}},
			} {
				if res := out.Do(c.method, c.path, c.body); res.StatusCode != 404 {
					t.Errorf("org_admin_d1 %s %s = %d, want 404", c.method, c.path, res.StatusCode)
				}
			}
			for _, p := range []string{apiRegion + "/archive", apiRegion + "/restore"} {
				if res := outAPI.Do("POST", p, nil); res.StatusCode != 404 {
					t.Errorf("org_admin_d1 POST %s = %d, want 404", p, res.StatusCode)
				}
			}
			// A cadre of the city region's reach reads but may not write.
			if res := e.Login("viewer_r1").For(t).PostForm(region+"/archive", url.Values{}); res.StatusCode != 403 {
				t.Errorf("viewer_r1 archive = %d, want 403", res.StatusCode)
			}

			admin := e.Login("admin").For(t)
			res := admin.Get(region)
			for _, want := range []string{region + "/edit", region + "/archive", "data-confirm"} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("region page lacks %q", want)
				}
			}
			if res := admin.Get(region + "/edit"); res.StatusCode != 200 || !strings.Contains(res.Body, `value="陆家嘴测试区"`) {
				t.Errorf("edit form = %d", res.StatusCode)
			}
			if res := admin.PostForm(region+"/edit", url.Values{"name": {"陆家嘴片区"}, "description": {"金融城"}}); res.StatusCode != 303 {
				t.Errorf("edit = %d %s", res.StatusCode, res.Body)
			}
			if res := admin.PostForm(region+"/edit", url.Values{"name": {""}}); res.StatusCode != 422 {
				t.Errorf("edit without a name = %d, want 422", res.StatusCode)
			}
			if res := admin.PostForm(region+"/archive", url.Values{}); res.StatusCode != 303 {
				t.Errorf("archive = %d %s", res.StatusCode, res.Body)
			}
			res = admin.Get(region)
			if !strings.Contains(res.Body, "陆家嘴片区") || !strings.Contains(res.Body, region+"/restore") ||
				strings.Contains(res.Body, region+"/members\"") {
				t.Errorf("archived region page: restore button or a member form wrong")
			}
			if res := admin.Get("/regions"); strings.Contains(res.Body, "陆家嘴片区") {
				t.Error("an archived region is still in the list")
			}
			if res := admin.Get("/regions?status=archived"); !strings.Contains(res.Body, "陆家嘴片区") {
				t.Error("the archived list lacks the archived region")
			}
			// viewer_r1 sees nothing through an archived region.
			if res := e.Bearer("viewer_r1").For(t).Get("/api/v1/orgs/" + strconv.FormatInt(e.Orgs["U1"].ID, 10)); res.StatusCode != 403 {
				t.Errorf("viewer_r1 reads a member of an archived region: %d, want 403 (no grant in force)", res.StatusCode)
			}
			// Member changes wait for a restore; a second archive conflicts.
			if res := admin.PostForm(region+"/members", url.Values{"org_code": {"FX-B2"}}); res.StatusCode != 303 ||
				!strings.HasSuffix(res.Header.Get("Location"), region) {
				t.Errorf("add member to an archived region = %d", res.StatusCode)
			}
			api := e.Bearer("admin").For(t)
			if res := api.Do("POST", apiRegion+"/archive", nil); res.StatusCode != 409 {
				t.Errorf("API archive twice = %d, want 409", res.StatusCode)
			}
			var rg org.Region
			res = api.Do("POST", apiRegion+"/restore", nil)
			res.JSON(t, &rg)
			if res.StatusCode != 200 || rg.Status != "active" || rg.Name != "陆家嘴片区" {
				t.Errorf("API restore = %d %+v", res.StatusCode, rg)
			}
			if res := e.Bearer("viewer_r1").For(t).Get("/api/v1/orgs/" + strconv.FormatInt(e.Orgs["U1"].ID, 10)); res.StatusCode != 200 {
				t.Errorf("viewer_r1 after restore = %d, want 200", res.StatusCode)
			}
			var n int
			if err := e.App.DB.R().QueryRowContext(t.Context(), `SELECT count(*) FROM audit WHERE action IN ('region.update', 'region.archive', 'region.restore') AND object_id = $1`,
				e.Region.ID).Scan(&n); err != nil || n != 3 {
				t.Errorf("audit records of the region's edit, archive and restore = %d, %v; want 3", n, err)
			}
		})
	}
}
