package org_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"qinggong/internal/errs"
	"qinggong/internal/org"
)

func TestFixtureTree(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		if f.root.Path != f.path(f.root.ID) || f.root.Depth != 1 || f.root.ParentID != 0 || f.root.Level != org.LevelCity {
			t.Errorf("root = %+v", f.root)
		}
		if want := f.path(f.root.ID, f.d1.ID, f.u1.ID, f.b1.ID); f.b1.Path != want || f.b1.Depth != 4 {
			t.Errorf("B1 path %s depth %d, want %s 4", f.b1.Path, f.b1.Depth, want)
		}
		f.wantRollups(t, f.root, 3, 9)
		f.wantRollups(t, f.d1, 1, 2)
		f.wantRollups(t, f.u1, 1, 1)
		f.wantRollups(t, f.b1, 0, 0)
		f.wantRollupsConsistent(t)
	})
}

func TestCreate(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			mark := f.mark(t)
			in := org.Input{Name: "  Sub Unit ", ShortName: "Sub", Code: "U1A", Level: org.LevelUnit, UnitType: "soe",
				District: "xuhui", Address: "1 Road", Contact: "021-1234", Established: "2020-05-04"}
			o, err := f.orgs.Create(f.ctx, f.admin, f.u1.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			if want := f.path(f.root.ID, f.d1.ID, f.u1.ID, o.ID); o.Path != want {
				t.Errorf("path = %s, want %s", o.Path, want)
			}
			if o.Depth != 4 || o.ParentID != f.u1.ID || o.Name != "Sub Unit" || o.Code != "U1A" || o.Level != org.LevelUnit ||
				o.UnitType != "soe" || o.District != "xuhui" || o.Established != "2020-05-04" || o.Status != "active" ||
				o.Children != 0 || o.Descendants != 0 || !o.CreatedAt.Equal(f.clock.Now()) {
				t.Errorf("created = %+v", o)
			}
			f.wantRollups(t, f.u1, 2, 2)
			f.wantRollups(t, f.d1, 1, 3)
			f.wantRollups(t, f.root, 3, 10)
			f.wantRollups(t, f.d2, 1, 2)
			f.wantRollupsConsistent(t)
			f.wantAudit(t, mark, "org.create", o.ID)

			// One level deeper still bumps every ancestor.
			b, err := f.orgs.Create(f.ctx, f.admin, o.ID, org.Input{Name: "Sub Branch", Code: "B1A", Level: org.LevelBranch})
			if err != nil {
				t.Fatal(err)
			}
			if b.Depth != 5 || b.Path != o.Path+fmt.Sprint(b.ID)+"/" {
				t.Errorf("branch path %s depth %d", b.Path, b.Depth)
			}
			f.wantRollups(t, o, 1, 1)
			f.wantRollups(t, f.u1, 2, 3)
			f.wantRollups(t, f.root, 3, 11)
			f.wantRollupsConsistent(t)
		})
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			long := strings.Repeat("团", 101)
			for _, tc := range []struct {
				name string
				in   org.Input
				want map[string]string
			}{
				{"NameRequired", org.Input{Name: "  ", Code: "X1", Level: org.LevelUnit}, map[string]string{"name": "err.required"}},
				{"NameTooLong", org.Input{Name: long, Code: "X1", Level: org.LevelUnit}, map[string]string{"name": "err.too_long"}},
				{"CodeShort", org.Input{Name: "X", Code: "X", Level: org.LevelUnit}, map[string]string{"code": "err.code_format"}},
				{"CodeChars", org.Input{Name: "X", Code: "X 1/", Level: org.LevelUnit}, map[string]string{"code": "err.code_format"}},
				{"LevelUnknown", org.Input{Name: "X", Code: "X1", Level: "planet"}, map[string]string{"level": "err.choose"}},
				{"LevelEmpty", org.Input{Name: "X", Code: "X1"}, map[string]string{"level": "err.choose"}},
				{"UnitType", org.Input{Name: "X", Code: "X1", Level: org.LevelUnit, UnitType: "pirate"}, map[string]string{"unit_type": "err.choose"}},
				{"District", org.Input{Name: "X", Code: "X1", Level: org.LevelUnit, District: "atlantis"}, map[string]string{"district": "err.choose"}},
				{"EstablishedFormat", org.Input{Name: "X", Code: "X1", Level: org.LevelUnit, Established: "2020-13-01"}, map[string]string{"established": "err.date_format"}},
				{"EstablishedFuture", org.Input{Name: "X", Code: "X1", Level: org.LevelUnit, Established: "2025-03-02"}, map[string]string{"established": "err.date_future"}},
				{"Several", org.Input{Name: "", Code: "!", Level: "x", Established: "yesterday"},
					map[string]string{"name": "err.required", "code": "err.code_format", "level": "err.choose", "established": "err.date_format"}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					before, mark := f.snapshot(t), f.mark(t)
					_, err := f.orgs.Create(f.ctx, f.admin, f.u1.ID, tc.in)
					wantFields(t, err, tc.want)
					if f.snapshot(t) != before {
						t.Error("refused create changed the tree")
					}
					f.wantNoAudit(t, mark)
				})
			}
		})
	})
	t.Run("ErrCodeTaken", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			before, mark := f.snapshot(t), f.mark(t)
			_, err := f.orgs.Create(f.ctx, f.admin, f.d2.ID, org.Input{Name: "Again", Code: " U1 ", Level: org.LevelUnit})
			wantFields(t, err, map[string]string{"code": "err.code_taken"})
			if f.snapshot(t) != before {
				t.Error("refused create changed the tree")
			}
			f.wantNoAudit(t, mark)
			// The failed insert left nothing behind that blocks the next one.
			o := f.mk(t, f.d2, "U2B", org.LevelUnit)
			f.wantRollups(t, f.d2, 2, 3)
			if o.Path != f.path(f.root.ID, f.d2.ID, o.ID) {
				t.Errorf("path after a failed insert = %s", o.Path)
			}
		})
	})
	t.Run("LevelOrder", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			for _, tc := range []struct {
				name   string
				parent *org.Org
				level  string
				ok     bool
			}{
				{"BranchHoldsUnit", f.b1, org.LevelUnit, false},
				{"BranchHoldsBranch", f.b1, org.LevelBranch, false},
				{"UnitHoldsDistrict", f.u1, org.LevelDistrict, false},
				{"RootHoldsCity", f.root, org.LevelCity, false},
				{"DistrictHoldsSystem", f.d1, org.LevelSystem, false},
				{"UnitHoldsUnit", f.u1, org.LevelUnit, true},
				{"UnitHoldsGeneralBranch", f.u2, org.LevelGeneralBranch, true},
				{"DistrictHoldsBranch", f.d2, org.LevelBranch, true},
			} {
				t.Run(tc.name, func(t *testing.T) {
					_, err := f.orgs.Create(f.ctx, f.admin, tc.parent.ID, org.Input{Name: tc.name, Code: tc.name, Level: tc.level})
					if tc.ok {
						if err != nil {
							t.Fatalf("create %s under %s: %v", tc.level, tc.parent.Level, err)
						}
						return
					}
					wantFields(t, err, map[string]string{"level": "err.level_below"})
				})
			}
		})
	})
	t.Run("ErrParentArchived", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			u4 := f.mk(t, f.s1, "U4", org.LevelUnit)
			if _, err := f.orgs.Archive(f.ctx, f.admin, u4.ID); err != nil {
				t.Fatal(err)
			}
			before, mark := f.snapshot(t), f.mark(t)
			_, err := f.orgs.Create(f.ctx, f.admin, u4.ID, org.Input{Name: "Late", Code: "B4", Level: org.LevelBranch})
			wantFields(t, err, map[string]string{"parent_id": "err.parent_archived"})
			if f.snapshot(t) != before {
				t.Error("refused create changed the tree")
			}
			f.wantNoAudit(t, mark)
		})
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			_, err := f.orgs.Create(f.ctx, f.admin, 999999, org.Input{Name: "X", Code: "X1", Level: org.LevelUnit})
			wantKind(t, err, errs.NotFound, "err.not_found")
		})
	})
	t.Run("RootOnce", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			mark := f.mark(t)
			r, err := f.orgs.CreateRoot(f.ctx)
			if err != nil || r.ID != f.root.ID {
				t.Fatalf("second CreateRoot = %v, %v; want the existing root", r, err)
			}
			f.wantNoAudit(t, mark)
			var n int
			if err := f.d.R().QueryRowContext(f.ctx, `SELECT count(*) FROM audit WHERE action = 'org.create' AND object_id = $1`, f.root.ID).Scan(&n); err != nil || n != 1 {
				t.Errorf("root creation audited %d times (%v), want once", n, err)
			}
		})
	})
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			f.clock.Advance(time.Hour)
			mark := f.mark(t)
			o, err := f.orgs.Update(f.ctx, f.admin, f.u1.ID, org.Input{Name: "Renamed", Code: "U1X", Level: org.LevelUnit, District: "pudong"})
			if err != nil {
				t.Fatal(err)
			}
			if o.Name != "Renamed" || o.Code != "U1X" || o.District != "pudong" || o.Path != f.u1.Path || !o.UpdatedAt.Equal(f.clock.Now()) {
				t.Errorf("updated = %+v", o)
			}
			f.wantAudit(t, mark, "org.update", f.u1.ID)
			var summary string
			if err := f.d.R().QueryRowContext(f.ctx, `SELECT summary FROM audit WHERE seq = $1`, mark+1).Scan(&summary); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(summary, `name: "Org U1"→"Renamed"`) || !strings.Contains(summary, `code: "U1"→"U1X"`) {
				t.Errorf("summary = %s", summary)
			}
		})
	})
	t.Run("ErrCodeTaken", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			mark := f.mark(t)
			_, err := f.orgs.Update(f.ctx, f.admin, f.u1.ID, org.Input{Name: "X", Code: "U2", Level: org.LevelUnit})
			wantFields(t, err, map[string]string{"code": "err.code_taken"})
			f.wantNoAudit(t, mark)
			if got := f.get(t, f.u1.ID); got.Code != "U1" {
				t.Errorf("code = %s after refused update", got.Code)
			}
		})
	})
	t.Run("ErrLevelWithChildren", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			_, err := f.orgs.Update(f.ctx, f.admin, f.u1.ID, org.Input{Name: "X", Code: "U1", Level: org.LevelGeneralBranch})
			wantFields(t, err, map[string]string{"level": "err.level_has_children"})
		})
	})
}

func TestFind(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		find := func(t *testing.T, fl org.Filter) org.Page {
			t.Helper()
			p, err := f.orgs.Find(f.ctx, f.admin, fl)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		for _, tc := range []struct {
			name string
			f    org.Filter
			want string
		}{
			{"All", org.Filter{}, "[B1 B2 B3 D1 D2 S1 SH U1 U2 U3]"},
			{"Under", org.Filter{Under: f.d1.ID}, "[B1 D1 U1]"},
			{"Parent", org.Filter{Parent: f.root.ID}, "[D1 D2 S1]"},
			{"Level", org.Filter{Level: org.LevelUnit}, "[U1 U2 U3]"},
			{"NamePrefix", org.Filter{Query: "Org U"}, "[U1 U2 U3]"},
			{"Code", org.Filter{Query: "B2"}, "[B2]"},
			{"District", org.Filter{District: "huangpu"}, "[SH]"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := fmt.Sprint(codes(find(t, tc.f).Orgs)); got != tc.want {
					t.Errorf("codes = %s, want %s", got, tc.want)
				}
			})
		}
		t.Run("Pages", func(t *testing.T) {
			var all []string
			fl := org.Filter{Limit: 4}
			for range 10 {
				p := find(t, fl)
				all = append(all, codes(p.Orgs)...)
				if p.Next == "" {
					break
				}
				fl.After = p.Next
			}
			if fmt.Sprint(all) != "[B1 B2 B3 D1 D2 S1 SH U1 U2 U3]" {
				t.Errorf("paged = %v", all)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := f.orgs.Find(f.ctx, f.admin, org.Filter{Under: 999999})
			wantKind(t, err, errs.NotFound, "")
		})
	})
}
