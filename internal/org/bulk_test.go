package org_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/org"
)

func orgCSV(t *testing.T, rows ...[]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(append([][]string{{"组织名称", "简称", "组织编码", "层级", "上级组织"}}, rows...)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A district committee sets up a unit with its branches from one file:
// parents by code, by name, by short name, or an earlier row. The dry run
// writes nothing; confirming creates every row in one transaction, with
// an audit record each and the rollups right.
func TestBulkCreate(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		cadre := f.actor(t, "d1.admin", f.d1.ID, auth.OrgAdmin, "org", f.d1.ID)
		data := orgCSV(t,
			[]string{"上海某机械有限公司团委", "机械团委", "JX-U", "基层团委", "D1"},
			[]string{"一车间团支部", "", "JX-B1", "团支部", "JX-U"},
			[]string{"二车间团支部", "", "JX-B2", "团支部", "机械团委"},
			[]string{"质检团总支", "", "JX-G", "团总支", "上海某机械有限公司团委"},
			[]string{"质检一支部", "", "JX-G1", "branch", "质检团总支"},
			[]string{"老厂团支部", "", "JX-B3", "团支部", f.u1.Name},
		)
		before := f.snapshot(t)
		plan, err := f.orgs.PlanBulk(f.ctx, cadre, "orgs.csv", data)
		if err != nil {
			t.Fatal(err)
		}
		if plan.OK != 6 || plan.Refused != 0 {
			t.Fatalf("plan = %+v", plan)
		}
		if plan.Rows[1].ParentRow != 2 || plan.Rows[5].ParentID != f.u1.ID || plan.Rows[0].ParentID != f.d1.ID {
			t.Fatalf("parents: %+v", plan.Rows)
		}
		if f.snapshot(t) != before {
			t.Fatal("the dry run wrote")
		}
		mark := f.mark(t)
		plan, err = f.orgs.CreateBulk(f.ctx, cadre, "orgs.csv", data)
		if err != nil {
			t.Fatal(err)
		}
		unit := f.get(t, plan.Rows[0].Created)
		if unit.ParentID != f.d1.ID || unit.Level != org.LevelUnit || unit.ShortName != "机械团委" {
			t.Fatalf("unit = %+v", unit)
		}
		for _, r := range plan.Rows[1:3] {
			if o := f.get(t, r.Created); o.ParentID != unit.ID {
				t.Fatalf("row %d under %d, want %d", r.Row, o.ParentID, unit.ID)
			}
		}
		if g1 := f.get(t, plan.Rows[4].Created); g1.ParentID != plan.Rows[3].Created {
			t.Fatalf("row 6 under %d", g1.ParentID)
		}
		var want []string
		for _, r := range plan.Rows {
			want = append(want, fmt.Sprintf("org.create %d", r.Created))
		}
		want = append(want, "org.bulk_create 0")
		if got := f.auditActions(t, mark); !slices.Equal(got, want) {
			t.Fatalf("audit = %q, want %q", got, want)
		}
		f.wantRollups(t, unit, 3, 4)
		f.wantRollupsConsistent(t)

		// The same file again: every code is taken now, nothing is created.
		before = f.snapshot(t)
		plan, err = f.orgs.CreateBulk(f.ctx, cadre, "orgs.csv", data)
		if errs.KindOf(err) != errs.Invalid || plan == nil || plan.Refused != 6 {
			t.Fatalf("again: plan %+v, err %v", plan, err)
		}
		if plan.Rows[0].Reasons[0] != (org.BulkReason{Field: "code", Key: "err.code_taken"}) {
			t.Fatalf("reasons = %+v", plan.Rows[0].Reasons)
		}
		if f.snapshot(t) != before {
			t.Fatal("a refused file wrote")
		}
	})
}

// Bad rows are refused with a reason each, and one refused row refuses
// the whole file; a parent outside the scope is not found (nor named).
func TestBulkRefusals(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		cadre := f.actor(t, "d1.admin", f.d1.ID, auth.OrgAdmin, "org", f.d1.ID)
		f.mk(t, f.u1, "SAME-1", org.LevelBranch)
		if _, err := f.orgs.Create(f.ctx, f.admin, f.u1.ID, org.Input{Name: "同名", Code: "SAME-2", Level: org.LevelBranch}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.orgs.Create(f.ctx, f.admin, f.b1.ID, org.Input{Name: "同名", Code: "SAME-3", Level: org.LevelBranch}); err == nil {
			t.Fatal("a branch under a branch was accepted")
		}
		if _, err := f.orgs.Create(f.ctx, f.admin, f.u1.ID, org.Input{Name: "同名", Code: "SAME-4", Level: org.LevelGeneralBranch}); err != nil {
			t.Fatal(err)
		}
		data := orgCSV(t,
			[]string{"好的", "", "OK-1", "团支部", "U1"},
			[]string{"", "", "bad code!", "无此层级", "U1"},
			[]string{"区外", "", "OUT-1", "团支部", "U2"},
			[]string{"重复编码", "", "OK-1", "团支部", "U1"},
			[]string{"太高", "", "HIGH-1", "区团委", "U1"},
			[]string{"跟随被拒", "", "CH-1", "团支部", "bad code!"},
			[]string{"同名上级", "", "AMB-1", "团支部", "同名"},
			[]string{"无上级", "", "NP-1", "团支部", ""},
		)
		plan, err := f.orgs.PlanBulk(f.ctx, cadre, "bad.csv", data)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int][]org.BulkReason{
			3: {{Field: "name", Key: "err.required"}, {Field: "code", Key: "err.code_format"}, {Field: "level", Key: "err.choose"}},
			4: {{Field: "parent", Key: "err.bulk_parent_unknown"}},
			5: {{Field: "code", Key: "err.bulk_code_duplicate", Arg: "2"}},
			6: {{Field: "level", Key: "err.level_below"}},
			7: {{Field: "parent", Key: "err.bulk_parent_refused", Arg: "3"}},
			8: {{Field: "parent", Key: "err.org_ambiguous", Arg: "同名（SAME-2）、同名（SAME-4）"}},
			9: {{Field: "parent", Key: "err.required"}},
		}
		if plan.OK != 1 || plan.Refused != len(want) {
			t.Fatalf("plan: %d ok, %d refused", plan.OK, plan.Refused)
		}
		for _, r := range plan.Rows {
			if w := want[r.Row]; !equalReasons(r.Reasons, w) {
				t.Errorf("row %d: reasons %+v, want %+v", r.Row, r.Reasons, w)
			}
		}
		before := f.snapshot(t)
		if _, err := f.orgs.CreateBulk(f.ctx, cadre, "bad.csv", data); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("create: %v", err)
		}
		if f.snapshot(t) != before {
			t.Fatal("a refused file wrote")
		}
		// Missing columns are named; a viewer may not create.
		_, err = f.orgs.PlanBulk(f.ctx, cadre, "x.csv", []byte("组织名称,层级\nA,团支部\n"))
		if e, ok := errs.As(err); !ok || e.Fields["column.code"] == "" || e.Fields["column.parent"] == "" || e.Fields["column.name"] != "" {
			t.Fatalf("missing columns: %v", err)
		}
		viewer := f.actor(t, "d1.viewer", f.d1.ID, auth.Viewer, "org", f.d1.ID)
		if _, err := f.orgs.PlanBulk(f.ctx, viewer, "orgs.csv", data); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("viewer: %v", err)
		}
	})
}

// auditActions lists "action object" of the audit rows after mark.
func (f *fixture) auditActions(t *testing.T, mark int64) []string {
	t.Helper()
	rows, err := f.d.R().QueryContext(f.ctx, `SELECT action, object_id FROM audit WHERE seq > $1 ORDER BY seq`, mark)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var act string
		var obj int64
		if err := rows.Scan(&act, &obj); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %d", act, obj))
	}
	return out
}

func equalReasons(a, b []org.BulkReason) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
