package activity_test

import (
	"testing"
	"time"

	"qinggong/internal/activity"
	"qinggong/internal/db"
)

// AddMany must leave the ledger and rollups exactly as the same entries
// added one by one would: Check finds nothing, and the sums agree.
func TestAddManyMatchesAdd(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		at := time.Date(2025, 3, 10, 2, 0, 0, 0, time.UTC)
		var entries []activity.Entry
		for i := range 450 { // more than two statements' worth
			o := f.b1.ID
			if i%3 == 0 {
				o = f.d2.ID
			}
			entries = append(entries, activity.Entry{OrgID: o, PersonID: int64(i%40 + 1), Kind: "person.skill",
				RefType: "x", RefID: int64(i), OccurredAt: at.AddDate(0, i%2, 0), Amount: 2})
		}
		// One entry added first singly, so that the batch meets existing reach rows.
		f.add(t, activity.Entry{OrgID: f.b1.ID, PersonID: 2, Kind: "person.skill", OccurredAt: at, Amount: 2})
		paths := map[int64]string{f.b1.ID: f.b1.Path, f.d2.ID: f.d2.Path}
		if err := f.d.InTx(f.ctx, func(tx *db.Tx) error { return activity.AddMany(f.ctx, tx, entries, paths) }); err != nil {
			t.Fatal(err)
		}
		if bad, err := activity.Check(f.ctx, f.d.R()); err != nil || len(bad) > 0 {
			t.Fatalf("Check = %v, %v", bad, err)
		}
		tot, err := activity.Sum(f.ctx, f.d.R(), f.root.ID, "person.skill", "2025-01", "2025-12")
		if err != nil {
			t.Fatal(err)
		}
		if tot.Count != 451 || tot.Amount != 902 {
			t.Errorf("root total = %+v, want 451 entries, amount 902", tot)
		}
		if err := f.d.InTx(f.ctx, func(tx *db.Tx) error {
			return activity.AddMany(f.ctx, tx, []activity.Entry{{OrgID: 999999, Kind: "k"}}, paths)
		}); err == nil {
			t.Error("an entry of an unknown organization was accepted")
		}
	})
}
