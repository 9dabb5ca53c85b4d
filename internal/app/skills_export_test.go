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
