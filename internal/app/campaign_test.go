package app_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/app/apptest"
	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/person"
)

// TestCampaignPages runs a selection's nomination stage through the pages
// and the API: the city announces it, gives district D1 a quota of one, a
// unit cadre nominates from the form (refused without the moral
// assessment), passes it up, the district passes it to the city; D1's
// second nomination finds the quota used; the board, the history and the
// export show it all, and nobody outside sees it.
func TestCampaignPages(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := newPeopleEnv(t, name)
			admin := e.Bearer("admin").For(t)
			var c campaign.Campaign
			res := admin.Do("POST", "/api/v1/campaigns", map[string]any{"title": "十大杰出青年技师", "kind": "top_technician",
				"org_id": e.Orgs["C"].ID, "nominee_kind": "person", "winners": 2, "rules": map[string]any{"age_max": 40}})
			if res.StatusCode != 201 {
				t.Fatalf("create: %d %s", res.StatusCode, res.Body)
			}
			res.JSON(t, &c)
			cid := strconv.FormatInt(c.ID, 10)
			if r := admin.Do("POST", "/api/v1/campaigns/"+cid+"/stage", map[string]string{"to": "reviewing"}); r.StatusCode != 409 {
				t.Errorf("skipping a stage: %d", r.StatusCode)
			}
			if r := admin.Do("POST", "/api/v1/campaigns/"+cid+"/stage", map[string]string{"to": "nominating"}); r.StatusCode != 200 {
				t.Fatalf("open nominations: %d %s", r.StatusCode, r.Body)
			}
			d1 := strconv.FormatInt(e.Orgs["D1"].ID, 10)
			if r := admin.Do("PUT", "/api/v1/campaigns/"+cid+"/quotas/"+d1, map[string]int{"quota": 7}); r.StatusCode != 422 {
				t.Errorf("a quota above the total (6): %d %s", r.StatusCode, r.Body)
			}
			if r := admin.Do("PUT", "/api/v1/campaigns/"+cid+"/quotas/"+d1, map[string]int{"quota": 1}); r.StatusCode != 200 {
				t.Fatalf("quota: %d %s", r.StatusCode, r.Body)
			}

			unit := e.Login("cadre_u1").For(t)
			if r := unit.Get("/campaigns"); r.StatusCode != 200 || !strings.Contains(r.Body, "十大杰出青年技师") {
				t.Fatalf("board for a unit cadre: %d", r.StatusCode)
			}
			if r := unit.Get("/campaigns/" + cid + "/nominate?org_code=FX-U1"); r.StatusCode != 200 || !strings.Contains(r.Body, "张三") ||
				strings.Contains(r.Body, "张山") {
				t.Fatalf("nominate form: %d", r.StatusCode)
			}
			form := url.Values{"org_code": {"FX-U1"}, "nominee_id": {strconv.FormatInt(e.d1.ID, 10)}, "summary": {"技术革新三项"}}
			if r := unit.PostForm("/campaigns/"+cid+"/nominations", form); r.StatusCode != 422 || !strings.Contains(r.Body, "思想道德") {
				t.Fatalf("without the moral assessment: %d", r.StatusCode)
			}
			form.Set("moral", "思想政治素质好，爱岗敬业，遵纪守法，群众基础好。")
			r := unit.PostForm("/campaigns/"+cid+"/nominations", form)
			if r.StatusCode != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/nominations/") {
				t.Fatalf("nominate: %d %s", r.StatusCode, r.Body)
			}
			nom := r.Header.Get("Location")
			if r := unit.PostForm("/campaigns/"+cid+"/nominations", form); r.StatusCode != 422 || !strings.Contains(r.Body, "已在本次评选中被推荐") {
				t.Errorf("the same nominee twice: %d", r.StatusCode)
			}
			if r := unit.PostForm(nom+"/forward", url.Values{"opinion": {""}}); r.StatusCode != 422 {
				t.Errorf("passing up without an opinion: %d", r.StatusCode)
			}
			if r := unit.PostForm(nom+"/forward", url.Values{"opinion": {"同意推荐"}, "rank": {"1"}}); r.StatusCode != 303 {
				t.Fatalf("unit passes up: %d %s", r.StatusCode, r.Body)
			}
			if r := unit.PostForm(nom+"/forward", url.Values{"opinion": {"再推一次"}}); r.StatusCode != 404 {
				t.Errorf("the unit acts on what the district holds: %d", r.StatusCode)
			}
			district := e.Login("cadre_d1").For(t)
			if r := district.PostForm(nom+"/forward", url.Values{"opinion": {"区团委同意推荐"}, "rank": {"1"}}); r.StatusCode != 303 {
				t.Fatalf("district passes up: %d %s", r.StatusCode, r.Body)
			}
			page := district.Get(nom)
			for _, want := range []string{"已报送", "同意推荐", "区团委同意推荐", "排第 1 位", "FX-U1"} {
				if want == "FX-U1" {
					want = "U1团委"
				}
				if !strings.Contains(page.Body, want) {
					t.Errorf("history lacks %q", want)
				}
			}

			// A second D1 nomination passed up by the district exceeds its quota of one.
			var n2 campaign.Nomination
			api := e.Bearer("cadre_d1").For(t)
			res = api.Do("POST", "/api/v1/campaigns/"+cid+"/nominations", map[string]any{"org_id": e.Orgs["D1"].ID,
				"nominee_id": e.d1.ID, "moral": form.Get("moral")})
			if res.StatusCode != 409 {
				t.Errorf("the same person again from the district: %d %s", res.StatusCode, res.Body)
			}
			third := e.newPerson(t, "李四", "U1")
			res = api.Do("POST", "/api/v1/campaigns/"+cid+"/nominations", map[string]any{"org_id": e.Orgs["D1"].ID,
				"nominee_id": third, "moral": form.Get("moral")})
			if res.StatusCode != 201 {
				t.Fatalf("district nominates: %d %s", res.StatusCode, res.Body)
			}
			res.JSON(t, &n2)
			if r := api.Do("POST", "/api/v1/nominations/"+strconv.FormatInt(n2.ID, 10)+"/forward", map[string]any{"opinion": "同意"}); r.StatusCode != 409 ||
				!strings.Contains(r.Body, "名额") {
				t.Errorf("beyond the quota: %d %s", r.StatusCode, r.Body)
			}
			if r := api.Do("POST", "/api/v1/campaigns/"+cid+"/nominations", map[string]any{"org_id": e.Orgs["D1"].ID,
				"nominee_id": e.d2.ID, "moral": form.Get("moral")}); r.StatusCode != 422 {
				t.Errorf("a D2 person from D1: %d %s", r.StatusCode, r.Body)
			}

			var board struct {
				Items []campaign.Summary `json:"items"`
			}
			admin.Get("/api/v1/campaigns").JSON(t, &board)
			if len(board.Items) != 1 || board.Items[0].Counts["submitted"] != 1 || board.Items[0].Counts["pending"] != 1 {
				t.Errorf("board: %+v", board.Items)
			}
			if r := e.Login("admin").For(t).Get("/campaigns/" + cid + "/nominations.xlsx"); r.StatusCode != 200 ||
				!strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
				t.Errorf("export: %d", r.StatusCode)
			}
			if r := e.Login("viewer_d1").For(t).Get("/campaigns"); r.StatusCode != 403 {
				t.Errorf("a viewer's board: %d", r.StatusCode)
			}
			if r := e.Bearer("norole").For(t).Get("/api/v1/nominations/" + strconv.FormatInt(n2.ID, 10)); r.StatusCode != 403 {
				t.Errorf("no role: %d", r.StatusCode)
			}
		})
	}
}

// newPerson registers a young worker at the fixture organization org.
func (e *peopleEnv) newPerson(t *testing.T, name, org string) int64 {
	t.Helper()
	root := e.Orgs["C"]
	boot := &auth.Actor{Login: "fixture", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
	e.seq++
	p, err := e.App.People.Create(context.Background(), boot, person.Input{Name: name, IDNumber: apptest.IDNumber(500 + e.seq), OrgID: e.Orgs[org].ID})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}
