package app_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/cadre"
	"qinggong/internal/db/dbtest"
)

// TestCadrePages walks the cadre pages as a district cadre: the
// appointment form from a person, a refused and an accepted appointment,
// the list, the post, an edit, the report, ending the term (with its
// confirmation), and the growth record on the person's page.
func TestCadrePages(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := newPeopleEnv(t, name)
			c := e.Login("cadre_d1").For(t)
			d1, d2 := strconv.FormatInt(e.d1.ID, 10), strconv.FormatInt(e.d2.ID, 10)
			if r := c.Get("/cadres/new?person=" + d1); r.StatusCode != 200 || !strings.Contains(r.Body, "张三") || !strings.Contains(r.Body, "FX-B1") {
				t.Fatalf("form: %d", r.StatusCode)
			}
			if r := c.Get("/cadres/new?person=" + d2); r.StatusCode != 404 {
				t.Errorf("form for a D2 person: %d", r.StatusCode)
			}
			form := url.Values{"person_id": {d1}, "org_code": {"FX-U1"}, "post": {"deputy"}, "basis": {"part_time"},
				"term_start": {"2024-05-01"}}
			if r := c.PostForm("/cadres", form); r.StatusCode != 422 || !strings.Contains(r.Body, "请从列表中选择") {
				t.Fatalf("incomplete part-time form: %d", r.StatusCode)
			}
			form.Set("concurrent_post", "团支部书记兼车间副主任")
			form.Set("relevance", "high")
			form.Set("prospects", "yes")
			form.Set("hours_per_week", "3")
			r := c.PostForm("/cadres", form)
			if r.StatusCode != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/cadres/") {
				t.Fatalf("appoint: %d %s", r.StatusCode, r.Body)
			}
			post := r.Header.Get("Location")
			if r := c.Get(post); r.StatusCode != 200 || !strings.Contains(r.Body, "data-confirm") || !strings.Contains(r.Body, "不符合") {
				t.Errorf("post page: %d", r.StatusCode)
			}
			if r := c.Get("/cadres?basis=part_time"); r.StatusCode != 200 || !strings.Contains(r.Body, "张三") {
				t.Errorf("list: %d", r.StatusCode)
			}
			if r := c.Get("/cadres?org_code=FX-D2"); r.StatusCode != 200 || strings.Contains(r.Body, "张三") {
				t.Errorf("list under an unreadable org: %d", r.StatusCode)
			}
			form.Set("hours_per_week", "6")
			if r := c.PostForm(post+"/edit", form); r.StatusCode != 303 {
				t.Errorf("edit: %d %s", r.StatusCode, r.Body)
			}
			if r := c.Get("/cadres/report"); r.StatusCode != 200 || !strings.Contains(r.Body, "团支部书记兼车间副主任") {
				t.Errorf("report: %d", r.StatusCode)
			}
			if r := c.PostForm(post+"/end", url.Values{"ended_on": {"2099-01-01"}}); r.StatusCode != 422 {
				t.Errorf("end in the future: %d", r.StatusCode)
			}
			if r := c.PostForm(post+"/end", url.Values{"end_reason": {"换届"}}); r.StatusCode != 303 {
				t.Errorf("end: %d %s", r.StatusCode, r.Body)
			}
			if r := c.Get(post); !strings.Contains(r.Body, "换届") || strings.Contains(r.Body, "data-confirm") {
				t.Errorf("ended post page: %d", r.StatusCode)
			}
			if r := c.Get("/people/" + d1); !strings.Contains(r.Body, "担任团干部") || !strings.Contains(r.Body, "团干部职务离任") {
				t.Errorf("growth record lacks the cadre entries")
			}
		})
	}
}

// TestCadreAPICrossDistrict: the API round trip for a D1 post, and a cadre
// of district D1 cannot see, list, count, report, change or end a post of
// district D2 by any route.
func TestCadreAPICrossDistrict(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := newPeopleEnv(t, name)
			root := e.Orgs["C"]
			boot := &auth.Actor{Login: "fixture", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
			theirs, err := e.App.Cadres.Create(context.Background(), boot, cadre.Input{PersonID: e.d2.ID, OrgID: e.Orgs["U2"].ID,
				Post: cadre.Secretary, Basis: cadre.PartTime, Concurrent: "工会主席", Relevance: cadre.Low, Prospects: cadre.No, TermStart: "2024-01-01"})
			if err != nil {
				t.Fatal(err)
			}
			api := e.Bearer("cadre_d1").For(t)
			in := map[string]any{"person_id": e.d1.ID, "org_id": e.Orgs["B1"].ID, "post": "secretary", "basis": "full_time", "term_start": "2024-01-01"}
			r := api.Do("POST", "/api/v1/cadres", in)
			if r.StatusCode != 201 {
				t.Fatalf("create: %d %s", r.StatusCode, r.Body)
			}
			var mine cadre.Cadre
			r.JSON(t, &mine)
			in["co_management"] = "党委协管"
			if r := api.Do("PUT", "/api/v1/cadres/"+strconv.FormatInt(mine.ID, 10), in); r.StatusCode != 200 {
				t.Errorf("update: %d %s", r.StatusCode, r.Body)
			}
			var list struct {
				cadre.Page
				Count cadre.Count `json:"count"`
			}
			api.Get("/api/v1/cadres?status=all").JSON(t, &list)
			if len(list.Cadres) != 1 || list.Cadres[0].ID != mine.ID || list.Count.N != 1 {
				t.Errorf("list = %+v", list)
			}
			var rep cadre.Report
			api.Get("/api/v1/cadres/report").JSON(t, &rep)
			if rep.Summary.PartTime != 0 || len(rep.Items) != 0 {
				t.Errorf("report shows another district: %+v", rep)
			}
			id := "/api/v1/cadres/" + strconv.FormatInt(theirs.ID, 10)
			for _, x := range []struct{ method, path string }{{"GET", id}, {"PUT", id}, {"POST", id + "/end"},
				{"GET", "/api/v1/cadres?org=" + strconv.FormatInt(e.Orgs["D2"].ID, 10)},
				{"GET", "/api/v1/cadres/report?org=" + strconv.FormatInt(e.Orgs["U2"].ID, 10)}} {
				if r := api.Do(x.method, x.path, in); r.StatusCode != 404 {
					t.Errorf("%s %s = %d, want 404", x.method, x.path, r.StatusCode)
				}
			}
			if r := e.Login("cadre_d1").Get("/cadres/" + strconv.FormatInt(theirs.ID, 10)); r.StatusCode != 404 {
				t.Errorf("page of a D2 post = %d", r.StatusCode)
			}
			end := "/api/v1/cadres/" + strconv.FormatInt(mine.ID, 10) + "/end"
			if r := api.Do("POST", end, nil); r.StatusCode != 200 {
				t.Errorf("end: %d %s", r.StatusCode, r.Body)
			}
			if r := api.Do("POST", end, nil); r.StatusCode != 409 {
				t.Errorf("end again: %d", r.StatusCode)
			}
		})
	}
}
