package person_test

import (
	"fmt"
	"strings"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/person"
)

// refresh re-reads the fixture's organizations (paths change on a move).
func (f *fixture) refresh(t *testing.T) {
	t.Helper()
	for _, p := range []**org.Org{&f.root, &f.d1, &f.u1, &f.g1, &f.b1, &f.d2, &f.u2, &f.b2} {
		o, err := f.orgs.FindByID(f.ctx, f.admin, (*p).ID)
		if err != nil {
			t.Fatal(err)
		}
		*p = o
	}
}

func (f *fixture) move(t *testing.T, o, under *org.Org) {
	t.Helper()
	if _, err := f.orgs.Move(f.ctx, f.admin, o.ID, under.ID); err != nil {
		t.Fatalf("move %s under %s: %v", o.Code, under.Code, err)
	}
	f.refresh(t)
	bad, err := f.orgs.CheckRollups(f.ctx)
	if err != nil || len(bad) > 0 {
		t.Errorf("org rollups after move: %v, %v", bad, err)
	}
}

func TestRollups(t *testing.T) {
	t.Parallel()
	t.Run("MixedWrites", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			statuses := []string{person.Active, person.Left, person.AgedOut, ""}
			orgs := []*org.Org{f.root, f.d1, f.u1, f.g1, f.b1, f.d2, f.u2, f.b2}
			var ids []int64
			var ins []person.Input
			for i := range 16 {
				in := f.input(fmt.Sprintf("混%02d", i), orgs[i%len(orgs)])
				in.Status = statuses[i%len(statuses)]
				ids, ins = append(ids, f.create(t, f.admin, in).ID), append(ins, in)
			}
			f.wantRollupsClean(t)
			for i := range 16 {
				in := ins[i]
				in.Status = statuses[(i+1)%len(statuses)]
				if i%3 == 0 {
					in.OrgID = orgs[(i+3)%len(orgs)].ID
				}
				if _, err := f.people.Update(f.ctx, f.admin, ids[i], in); err != nil {
					t.Fatal(err)
				}
			}
			f.wantRollupsClean(t)
			f.wantPlainCounts(t, f.d1, f.u1, f.g1, f.b1)
		})
	})
	t.Run("OrgMove", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			cadre2 := f.actor(t, "d2.cadre", auth.Cadre, "org", f.d2.ID)
			p := map[string]*person.Person{}
			for name, o := range map[string]*org.Org{"甲": f.d1, "乙": f.u1, "丙": f.g1, "丁": f.b1, "戊": f.d2, "己": f.b2} {
				in := f.input(name, o)
				if name == "丁" {
					in.Status = person.Left
				}
				p[name] = f.create(t, f.admin, in)
				// A level certified once registered: one ledger entry each.
				in.SkillLevel = 1
				if _, err := f.people.Update(f.ctx, f.admin, p[name].ID, in); err != nil {
					t.Fatal(err)
				}
			}
			stale := f.cadre1
			oldU1 := f.u1.Path

			f.move(t, f.u1, f.d2) // U1, G1 and B1 with 乙, 丙, 丁 go to D2
			cadre1 := f.reload(t, f.cadre1.UserID)
			if !strings.HasPrefix(f.b1.Path, f.d2.Path) {
				t.Fatalf("B1 path %s not under D2 %s", f.b1.Path, f.d2.Path)
			}
			t.Run("PathsFollow", func(t *testing.T) {
				for name, o := range map[string]*org.Org{"乙": f.u1, "丙": f.g1, "丁": f.b1, "甲": f.d1} {
					got, err := f.people.Get(f.ctx, f.admin, p[name].ID)
					if err != nil || got.OrgPath != o.Path || got.OrgID != o.ID {
						t.Errorf("%s: %v, %v; want path %s", name, got, err, o.Path)
					}
				}
				if n := f.count(t, `SELECT count(*) FROM people WHERE org_path >= $1 AND org_path < $2`, oldU1, oldU1[:len(oldU1)-1]+"0"); n != 0 {
					t.Errorf("%d people left at the old paths", n)
				}
			})
			t.Run("CountsMove", func(t *testing.T) {
				f.wantRollupsClean(t)
				f.wantPlainCounts(t, f.d1)
				for _, tc := range []struct {
					o          *org.Org
					active, al int64
				}{{f.d1, 1, 1}, {f.d2, 4, 5}, {f.u1, 2, 3}, {f.root, 5, 6}} {
					if c := f.counted(t, f.admin, person.Filter{Under: tc.o.ID}); c.N != tc.active {
						t.Errorf("active under %s = %d, want %d", tc.o.Code, c.N, tc.active)
					}
					if c := f.counted(t, f.admin, person.Filter{Under: tc.o.ID, Status: "all"}); c.N != tc.al {
						t.Errorf("all under %s = %d, want %d", tc.o.Code, c.N, tc.al)
					}
					if c := f.counted(t, f.admin, person.Filter{Under: tc.o.ID, Status: "all", Gender: person.Male}); c.N != tc.al {
						t.Errorf("filtered under %s = %d, want %d", tc.o.Code, c.N, tc.al)
					}
				}
			})
			t.Run("ScopeFollows", func(t *testing.T) {
				for _, by := range []*auth.Actor{cadre1, stale} {
					for _, name := range []string{"乙", "丙", "丁"} {
						_, err := f.people.Get(f.ctx, by, p[name].ID)
						wantKind(t, err, errs.NotFound)
						_, err = f.people.Timeline(f.ctx, by, p[name].ID, 0, 0)
						wantKind(t, err, errs.NotFound)
					}
					if got := f.names(t, by, person.Filter{Status: "all"}); got != "[甲]" {
						t.Errorf("D1 cadre finds %s", got)
					}
					if c := f.counted(t, by, person.Filter{Status: "all"}); c.N != 1 {
						t.Errorf("D1 cadre counts %+v", c)
					}
				}
				_, err := f.people.Find(f.ctx, cadre1, person.Filter{Under: f.u1.ID})
				wantKind(t, err, errs.NotFound)
				_, err = f.people.Create(f.ctx, cadre1, f.input("庚", f.b1))
				wantFields(t, err, map[string]string{"org_id": "err.org_unknown"})
				cadre2 := f.reload(t, cadre2.UserID)
				if got := f.names(t, cadre2, person.Filter{Status: "all"}); got != "[丁 丙 乙 己 戊]" {
					t.Errorf("D2 cadre finds %s", got)
				}
				if tl, err := f.people.Timeline(f.ctx, cadre2, p["丙"].ID, 0, 0); err != nil || len(tl) != 1 || tl[0].OrgPath != f.g1.Path {
					t.Errorf("timeline after move = %+v, %v", tl, err)
				}
				f.create(t, cadre2, f.input("庚", f.b1))
				f.wantRollupsClean(t)
			})
			t.Run("MoveIntoD1", func(t *testing.T) {
				f.move(t, f.u2, f.d1) // U2 and B2 with 己 come to D1
				cadre1 := f.reload(t, f.cadre1.UserID)
				if got := f.names(t, cadre1, person.Filter{Status: "all"}); got != "[己 甲]" {
					t.Errorf("D1 cadre finds %s", got)
				}
				if c := f.counted(t, cadre1, person.Filter{}); c.N != 2 {
					t.Errorf("D1 cadre counts %+v", c)
				}
				f.wantRollupsClean(t)
				f.wantPlainCounts(t, f.d1, f.u2, f.b2)
			})
		})
	})
	t.Run("Rebuild", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			for i, o := range []*org.Org{f.d1, f.u1, f.b1, f.b1, f.d2, f.b2} {
				in := f.input(fmt.Sprintf("建%d", i), o)
				if i == 3 {
					in.Status = person.Left
				}
				f.create(t, f.admin, in)
			}
			f.exec(t, `UPDATE org_people SET people = people + 7 WHERE org_id = $1`, f.d1.ID)
			f.exec(t, `DELETE FROM org_people WHERE org_id = $1`, f.b1.ID)
			f.exec(t, `INSERT INTO org_people (org_id, status, people) VALUES ($1, 'active', 5)`, f.g1.ID+1000)
			bad, err := person.CheckRollups(f.ctx, f.d.R())
			if err != nil {
				t.Fatal(err)
			}
			want := []string{
				fmt.Sprintf("org %d: 0 active people counted, 5 stored", f.g1.ID+1000),
				fmt.Sprintf("org %d: 1 active people counted, 0 stored", f.b1.ID),
				fmt.Sprintf("org %d: 1 left people counted, 0 stored", f.b1.ID),
				fmt.Sprintf("org %d: 1 left people counted, 8 stored", f.d1.ID),
				fmt.Sprintf("org %d: 3 active people counted, 10 stored", f.d1.ID),
			}
			for _, w := range want {
				if !strings.Contains(strings.Join(bad, "\n"), w) {
					t.Errorf("CheckRollups = %q, missing %q", bad, w)
				}
			}
			if len(bad) != len(want) {
				t.Errorf("CheckRollups = %q, want %d problems", bad, len(want))
			}
			if c := f.counted(t, f.admin, person.Filter{Under: f.d1.ID}); c.N != 10 {
				t.Errorf("corrupted count = %d (the count reads the rollup)", c.N)
			}
			if err := person.RebuildRollups(f.ctx, f.d); err != nil {
				t.Fatal(err)
			}
			f.wantRollupsClean(t)
			f.wantPlainCounts(t, f.d1, f.u1, f.g1, f.b1)
			if c := f.counted(t, f.admin, person.Filter{Under: f.d1.ID}); c.N != 3 {
				t.Errorf("rebuilt count = %d, want 3", c.N)
			}
		})
	})
}
