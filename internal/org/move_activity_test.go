package org_test

import (
	"testing"
	"time"

	"qinggong/internal/activity"
	"qinggong/internal/db"
)

// TestMoveKeepsActivityRollups: after a move, the rollups of every
// organization (the old and new ancestors included) equal a recount of the
// ledger, distinct persons too.
func TestMoveKeepsActivityRollups(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		add := func(orgID, person int64, kind string, at time.Time, amount int64) {
			t.Helper()
			err := f.d.InTx(f.ctx, func(tx *db.Tx) error {
				_, err := activity.Add(f.ctx, tx, activity.Entry{OrgID: orgID, PersonID: person, Kind: kind, OccurredAt: at, Amount: amount})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		jan := time.Date(2026, 1, 10, 2, 0, 0, 0, time.UTC)
		feb := time.Date(2026, 2, 10, 2, 0, 0, 0, time.UTC)
		// Person 7 is active in the subtree that moves (B1), in D1 itself
		// (which stays) and in U2 (the destination side).
		add(f.b1.ID, 7, "credit", jan, 5)
		add(f.u1.ID, 8, "credit", jan, 3)
		add(f.d1.ID, 7, "credit", jan, 1)
		add(f.b1.ID, 9, "post", feb, 0)
		add(f.u2.ID, 7, "credit", jan, 2)
		if bad, err := activity.Check(f.ctx, f.d.R()); err != nil || len(bad) > 0 {
			t.Fatalf("before the move: %v %v", bad, err)
		}
		if _, err := f.orgs.Move(f.ctx, f.admin, f.u1.ID, f.d2.ID); err != nil {
			t.Fatal(err)
		}
		if bad, err := activity.Check(f.ctx, f.d.R()); err != nil || len(bad) > 0 {
			t.Fatalf("after the move: %v %v", bad, err)
		}
		d1, err := activity.Sum(f.ctx, f.d.R(), f.d1.ID, "credit", "2026-01", "2026-01")
		if err != nil || d1 != (activity.Total{Count: 1, Amount: 1, Persons: 1}) {
			t.Fatalf("D1 after losing U1: %+v %v", d1, err)
		}
		d2, err := activity.Sum(f.ctx, f.d.R(), f.d2.ID, "credit", "2026-01", "2026-01")
		// D2 now holds U2 (person 7) and U1's subtree (persons 7 and 8): 2 distinct.
		if err != nil || d2 != (activity.Total{Count: 3, Amount: 10, Persons: 2}) {
			t.Fatalf("D2 after gaining U1: %+v %v", d2, err)
		}
	})
}
