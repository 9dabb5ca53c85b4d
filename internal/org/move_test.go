package org_test

import (
	"fmt"
	"testing"
	"time"

	"qinggong/internal/activity"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/org"
)

// addActivity writes one ledger entry for org id and returns its ID.
func (f *fixture) addActivity(t *testing.T, orgID int64) int64 {
	t.Helper()
	var id int64
	err := f.d.InTx(f.ctx, func(tx *db.Tx) error {
		var err error
		id, err = activity.Add(f.ctx, tx, activity.Entry{OrgID: orgID, PersonID: 1, Kind: "test", OccurredAt: f.clock.Now()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *fixture) activityPath(t *testing.T, id int64) string {
	t.Helper()
	var p string
	if err := f.d.R().QueryRowContext(f.ctx, `SELECT org_path FROM activity WHERE id = $1`, id).Scan(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMove(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			// U1 ─ U1A ─ B1A below U1 as well as B1, so the subtree is three deep.
			u1a := f.mk(t, f.u1, "U1A", org.LevelUnit)
			b1a := f.mk(t, u1a, "B1A", org.LevelBranch)
			actB1, actB1A, actU2, actD1 := f.addActivity(t, f.b1.ID), f.addActivity(t, b1a.ID), f.addActivity(t, f.u2.ID), f.addActivity(t, f.d1.ID)
			f.clock.Advance(time.Hour)
			mark := f.mark(t)

			// A unit may hold units: move U1's subtree (4 organizations) under U2, one level deeper.
			moved, err := f.orgs.Move(f.ctx, f.admin, f.u1.ID, f.u2.ID)
			if err != nil {
				t.Fatal(err)
			}
			r, d2, u2 := f.root.ID, f.d2.ID, f.u2.ID
			for _, tc := range []struct {
				o      *org.Org
				path   string
				depth  int
				parent int64
			}{
				{moved, f.path(r, d2, u2, f.u1.ID), 4, u2},
				{f.get(t, f.b1.ID), f.path(r, d2, u2, f.u1.ID, f.b1.ID), 5, f.u1.ID},
				{f.get(t, u1a.ID), f.path(r, d2, u2, f.u1.ID, u1a.ID), 5, f.u1.ID},
				{f.get(t, b1a.ID), f.path(r, d2, u2, f.u1.ID, u1a.ID, b1a.ID), 6, u1a.ID},
			} {
				if tc.o.Path != tc.path || tc.o.Depth != tc.depth || tc.o.ParentID != tc.parent {
					t.Errorf("%s: path %s depth %d parent %d; want %s %d %d", tc.o.Code, tc.o.Path, tc.o.Depth, tc.o.ParentID, tc.path, tc.depth, tc.parent)
				}
			}
			if !moved.UpdatedAt.Equal(f.clock.Now()) {
				t.Errorf("updated_at = %v", moved.UpdatedAt)
			}
			f.wantRollups(t, f.d1, 0, 0)
			f.wantRollups(t, f.d2, 1, 6)
			f.wantRollups(t, f.u2, 2, 5)
			f.wantRollups(t, moved, 2, 3)
			f.wantRollups(t, f.root, 3, 11)
			f.wantRollupsConsistent(t)

			if got, want := f.activityPath(t, actB1), f.path(r, d2, u2, f.u1.ID, f.b1.ID); got != want {
				t.Errorf("B1 activity path = %s, want %s", got, want)
			}
			if got, want := f.activityPath(t, actB1A), f.path(r, d2, u2, f.u1.ID, u1a.ID, b1a.ID); got != want {
				t.Errorf("B1A activity path = %s, want %s", got, want)
			}
			if got := f.activityPath(t, actU2); got != f.u2.Path {
				t.Errorf("U2 activity path changed to %s", got)
			}
			if got := f.activityPath(t, actD1); got != f.d1.Path {
				t.Errorf("D1 activity path changed to %s", got)
			}
			f.wantAudit(t, mark, "org.move", f.u1.ID)

			// The subtree reads as one range again.
			p, err := f.orgs.Find(f.ctx, f.admin, org.Filter{Under: f.d2.ID})
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(codes(p.Orgs)); got != "[B1 B1A B2 D2 U1 U1A U2]" {
				t.Errorf("D2 subtree after move = %s", got)
			}

			// And back to a shallower place, under S1.
			if _, err := f.orgs.Move(f.ctx, f.admin, f.u1.ID, f.s1.ID); err != nil {
				t.Fatal(err)
			}
			if got := f.get(t, b1a.ID); got.Depth != 5 || got.Path != f.path(r, f.s1.ID, f.u1.ID, u1a.ID, b1a.ID) {
				t.Errorf("B1A after second move: %s depth %d", got.Path, got.Depth)
			}
			f.wantRollups(t, f.d2, 1, 2)
			f.wantRollups(t, f.s1, 2, 6)
			f.wantRollupsConsistent(t)
		})
	})
	t.Run("ArchivedSubtreeMember", func(t *testing.T) {
		// An archived branch moves along but is not counted anywhere.
		each(t, func(t *testing.T, f *fixture) {
			if _, err := f.orgs.Archive(f.ctx, f.admin, f.b1.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := f.orgs.Move(f.ctx, f.admin, f.u1.ID, f.d2.ID); err != nil {
				t.Fatal(err)
			}
			if got := f.get(t, f.b1.ID); got.Path != f.path(f.root.ID, f.d2.ID, f.u1.ID, f.b1.ID) {
				t.Errorf("archived B1 path = %s", got.Path)
			}
			f.wantRollups(t, f.d2, 2, 3)
			f.wantRollups(t, f.d1, 0, 0)
			f.wantRollupsConsistent(t)
		})
	})
	t.Run("ErrRefused", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			u4 := f.mk(t, f.s1, "U4", org.LevelUnit)
			if _, err := f.orgs.Archive(f.ctx, f.admin, u4.ID); err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				name     string
				id, to   int64
				fieldMsg string
			}{
				{"UnderOwnDescendant", f.d1.ID, f.u1.ID, "err.move_cycle"},
				{"UnderDeepDescendant", f.u1.ID, f.b1.ID, "err.move_cycle"},
				{"UnderItself", f.u1.ID, f.u1.ID, "err.move_cycle"},
				{"Root", f.root.ID, f.d1.ID, "err.move_root"},
				{"SameParent", f.u1.ID, f.d1.ID, "err.move_same"},
				{"UnknownParent", f.u1.ID, 999999, "err.org_unknown"},
				{"ArchivedParent", f.u1.ID, u4.ID, "err.parent_archived"},
				{"LevelOrder", f.u1.ID, f.b2.ID, "err.level_below"},
				{"DistrictUnderSystem", f.d1.ID, f.s1.ID, "err.level_below"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					before, mark := f.snapshot(t), f.mark(t)
					_, err := f.orgs.Move(f.ctx, f.admin, tc.id, tc.to)
					wantFields(t, err, map[string]string{"parent_id": tc.fieldMsg})
					if f.snapshot(t) != before {
						t.Error("refused move changed the tree")
					}
					f.wantNoAudit(t, mark)
				})
			}
		})
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			// A D1 org admin manages D1 but cannot take U1 out to D2, nor move what it only reads.
			d1Admin := f.actor(t, "d1.admin", f.d1.ID, "org_admin", "org", f.d1.ID)
			cadre := f.actor(t, "d1.cadre", f.d1.ID, "cadre", "org", f.d1.ID)
			before, mark := f.snapshot(t), f.mark(t)
			_, err := f.orgs.Move(f.ctx, d1Admin, f.u1.ID, f.d2.ID)
			wantFields(t, err, map[string]string{"parent_id": "err.org_unknown"})
			_, err = f.orgs.Move(f.ctx, cadre, f.b1.ID, f.d1.ID)
			wantKind(t, err, errs.Forbidden, "err.forbidden")
			_, err = f.orgs.Move(f.ctx, d1Admin, f.u2.ID, f.d1.ID)
			wantKind(t, err, errs.NotFound, "err.not_found")
			if f.snapshot(t) != before {
				t.Error("refused move changed the tree")
			}
			f.wantNoAudit(t, mark)
		})
	})
}

func TestArchive(t *testing.T) {
	t.Parallel()
	t.Run("ErrRoot", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			before, mark := f.snapshot(t), f.mark(t)
			_, err := f.orgs.Archive(f.ctx, f.admin, f.root.ID)
			wantKind(t, err, errs.Conflict, "err.archive_root")
			if f.snapshot(t) != before {
				t.Error("refused archive changed the tree")
			}
			f.wantNoAudit(t, mark)
		})
	})
	t.Run("ErrActiveChildren", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			before, mark := f.snapshot(t), f.mark(t)
			_, err := f.orgs.Archive(f.ctx, f.admin, f.u1.ID)
			wantKind(t, err, errs.Conflict, "err.archive_children")
			if f.snapshot(t) != before {
				t.Error("refused archive changed the tree")
			}
			f.wantNoAudit(t, mark)
		})
	})
	t.Run("OK", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			mark := f.mark(t)
			o, err := f.orgs.Archive(f.ctx, f.admin, f.b1.ID)
			if err != nil {
				t.Fatal(err)
			}
			if o.Status != "archived" || o.Active() {
				t.Errorf("status = %s", o.Status)
			}
			f.wantAudit(t, mark, "org.archive", f.b1.ID)
			f.wantRollups(t, f.u1, 0, 0)
			f.wantRollups(t, f.d1, 1, 1)
			f.wantRollups(t, f.root, 3, 8)
			f.wantRollupsConsistent(t)

			list := func(status string) string {
				t.Helper()
				p, err := f.orgs.Find(f.ctx, f.admin, org.Filter{Under: f.d1.ID, Status: status})
				if err != nil {
					t.Fatal(err)
				}
				return fmt.Sprint(codes(p.Orgs))
			}
			if got := list(""); got != "[D1 U1]" {
				t.Errorf("default list = %s", got)
			}
			if got := list("archived"); got != "[B1]" {
				t.Errorf("archived list = %s", got)
			}
			if got := list("all"); got != "[B1 D1 U1]" {
				t.Errorf("all list = %s", got)
			}
			// An archived organization is still found by ID (it keeps its history).
			if got := f.get(t, f.b1.ID); got.Status != "archived" {
				t.Errorf("FindByID status = %s", got.Status)
			}

			// Archiving twice is a no-op, not a second audit row.
			mark = f.mark(t)
			if _, err := f.orgs.Archive(f.ctx, f.admin, f.b1.ID); err != nil {
				t.Fatal(err)
			}
			f.wantNoAudit(t, mark)

			// With its only child archived, U1 may go too, then come back.
			if _, err := f.orgs.Archive(f.ctx, f.admin, f.u1.ID); err != nil {
				t.Fatal(err)
			}
			f.wantRollups(t, f.d1, 0, 0)
			f.wantRollups(t, f.root, 3, 7)
			f.wantRollupsConsistent(t)

			// A child cannot be restored under an archived parent.
			mark = f.mark(t)
			_, err = f.orgs.Restore(f.ctx, f.admin, f.b1.ID)
			wantKind(t, err, errs.Conflict, "err.parent_archived")
			f.wantNoAudit(t, mark)

			mark = f.mark(t)
			if o, err = f.orgs.Restore(f.ctx, f.admin, f.u1.ID); err != nil {
				t.Fatal(err)
			}
			if o.Status != "active" {
				t.Errorf("restored status = %s", o.Status)
			}
			f.wantAudit(t, mark, "org.restore", f.u1.ID)
			if _, err := f.orgs.Restore(f.ctx, f.admin, f.b1.ID); err != nil {
				t.Fatal(err)
			}
			f.wantRollups(t, f.u1, 1, 1)
			f.wantRollups(t, f.d1, 1, 2)
			f.wantRollups(t, f.root, 3, 9)
			f.wantRollupsConsistent(t)
			if got := list(""); got != "[B1 D1 U1]" {
				t.Errorf("list after restore = %s", got)
			}
		})
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			cadre := f.actor(t, "d1.cadre", f.d1.ID, "cadre", "org", f.d1.ID)
			_, err := f.orgs.Archive(f.ctx, cadre, f.b1.ID)
			wantKind(t, err, errs.Forbidden, "err.forbidden")
			_, err = f.orgs.Archive(f.ctx, cadre, f.b2.ID)
			wantKind(t, err, errs.NotFound, "err.not_found")
		})
	})
}

func TestRebuildRollups(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		if _, err := f.d.W().ExecContext(f.ctx, `UPDATE orgs SET children = 7, descendants = 42 WHERE id = $1`, f.d1.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.d.W().ExecContext(f.ctx, `UPDATE orgs SET descendants = 0 WHERE id = $1`, f.root.ID); err != nil {
			t.Fatal(err)
		}
		bad, err := f.orgs.CheckRollups(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(bad) != fmt.Sprint([]int64{f.root.ID, f.d1.ID}) {
			t.Errorf("CheckRollups = %v, want [%d %d]", bad, f.root.ID, f.d1.ID)
		}
		mark := f.mark(t)
		if err := f.orgs.RebuildRollups(f.ctx); err != nil {
			t.Fatal(err)
		}
		f.wantAudit(t, mark, "org.rollups.rebuild", 0)
		f.wantRollupsConsistent(t)
		f.wantRollups(t, f.d1, 1, 2)
		f.wantRollups(t, f.root, 3, 9)
		f.wantRollups(t, f.b1, 0, 0)
	})
}
