package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/app/apptest"
	"qinggong/internal/auth"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/person"
	"qinggong/internal/skills"
)

// The skills overview and the double-climb list export to .xlsx with the
// page's figures, within the reader's subtree only.
func TestSkillsExports(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := apptest.New(t, name)
			ctx := context.Background()
			root := e.Orgs["C"]
			boot := &auth.Actor{Login: "fixture", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
			p, err := e.App.People.Create(ctx, boot, person.Input{Name: "创新者", IDNumber: apptest.IDNumber(71), OrgID: e.Orgs["B1"].ID, Trade: "钳工", SkillLevel: 3})
			if err != nil {
				t.Fatal(err)
			}
			x, err := e.App.Skills.FileInnovation(ctx, boot, skills.InnovationInput{OrgID: e.Orgs["U1"].ID, Kind: "design", Title: "工装设计",
				Description: "一次装夹完成三道工序。", Submitters: []int64{p.ID}})
			if err == nil {
				_, err = e.App.Skills.Evaluate(ctx, boot, x.ID, "industry", true, "")
			}
			if err != nil {
				t.Fatal(err)
			}
			web := e.Login("admin").For(t)
			res := web.Get("/skills/export.xlsx?org=" + strconv.FormatInt(e.Orgs["D1"].ID, 10))
			if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
				t.Fatalf("overview export = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			items := strings.Join(xlsxColumn(t, res.Body, 1), ",")
			if !strings.Contains(items, "钳工") || !strings.Contains(items, "创新成果") {
				t.Errorf("overview export items = %s", items)
			}
			res = web.Get("/skills/double-climb?format=xlsx&org=" + strconv.FormatInt(e.Orgs["D1"].ID, 10))
			if names := xlsxColumn(t, res.Body, 0); res.StatusCode != 200 || strings.Join(names, ",") != "创新者" {
				t.Fatalf("double-climb export = %d %v", res.StatusCode, names)
			}
			// U1's cadre exports nothing of D1's (its parent) beyond U1.
			other := e.Login("cadre_u1").For(t)
			if res := other.Get("/skills/double-climb?format=xlsx&org=" + strconv.FormatInt(e.Orgs["D1"].ID, 10)); res.StatusCode != 404 {
				t.Errorf("U1 cadre's double-climb export of D1 = %d, want 404", res.StatusCode)
			}
			if res := other.Get("/skills/export.xlsx?org=" + strconv.FormatInt(e.Orgs["D1"].ID, 10)); res.StatusCode != 404 {
				t.Errorf("U1 cadre's overview export of D1 = %d, want 404", res.StatusCode)
			}
		})
	}
}

// The overview and the transcript are kept under the credits version read
// with the session: a posting or a correction made anywhere is seen by the
// next read, through a session and through a token.
func TestSkillsFiguresFollowWrites(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			e := apptest.New(t, name)
			ctx := context.Background()
			root := e.Orgs["C"]
			boot := &auth.Actor{Login: "fixture", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
			p, err := e.App.People.Create(ctx, boot, person.Input{Name: "学分人", IDNumber: apptest.IDNumber(72), OrgID: e.Orgs["B1"].ID, Trade: "钳工"})
			if err != nil {
				t.Fatal(err)
			}
			d1 := strconv.FormatInt(e.Orgs["D1"].ID, 10)
			pid := strconv.FormatInt(p.ID, 10)
			for _, c := range []*apptest.Client{e.Login("admin").For(t), e.Bearer("org_admin_d1").For(t)} {
				var ov struct {
					YearTotal int `json:"year_total"`
				}
				var tr struct {
					Total   int `json:"total"`
					Entries []struct {
						ID int64 `json:"id"`
					} `json:"entries"`
				}
				read := func() {
					c.Get("/api/v1/skills/overview?org="+d1).JSON(t, &ov)
					c.Get("/api/v1/people/"+pid+"/credits").JSON(t, &tr)
				}
				page := func() string { return c.Get("/people/" + pid + "/credits").Body }
				read()
				first := page()
				before := ov.YearTotal
				x, err := e.App.Skills.FileInnovation(ctx, boot, skills.InnovationInput{OrgID: e.Orgs["U1"].ID, Kind: "suggestion", Title: "合理化建议",
					Description: "改进交接班记录。", Submitters: []int64{p.ID}})
				if err == nil {
					_, err = e.App.Skills.Evaluate(ctx, boot, x.ID, "unit", false, "")
				}
				if err != nil {
					t.Fatal(err)
				}
				read() // the innovation.unit rule: 3
				if ov.YearTotal != before+3 || tr.Total == 0 || len(tr.Entries) == 0 {
					t.Fatalf("after a posting: overview %d (was %d), transcript %+v", ov.YearTotal, before, tr)
				}
				// The kept page moved too: it shows the new entry.
				if now := page(); now == first || !strings.Contains(now, "合理化建议") && !strings.Contains(now, "+3") {
					t.Fatalf("the transcript page did not change after a posting (%d bytes): %.300s", len(first), first)
				}
				total := tr.Total
				if res := c.Do("POST", "/api/v1/credits/"+strconv.FormatInt(tr.Entries[0].ID, 10)+"/reverse", map[string]string{"reason": "重复登记"}); res.StatusCode != 201 {
					t.Fatalf("reverse = %d %s", res.StatusCode, res.Body)
				}
				read()
				if !strings.Contains(page(), "重复登记") {
					t.Fatalf("the transcript page does not show the correction")
				}
				if ov.YearTotal != before || tr.Total != total-3 {
					t.Fatalf("after a correction: overview %d (want %d), transcript %d (want %d)", ov.YearTotal, before, tr.Total, total-3)
				}
			}
		})
	}
}
