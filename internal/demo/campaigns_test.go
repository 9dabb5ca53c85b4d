package demo_test

import (
	"context"
	"testing"

	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/demo"
)

// The demo's selections stand at the stages the issue names: one taking
// nominations (some still below the city, one returned), one in review
// with scores partly in, one on notice with an objection being looked
// into, one finished with certificates and the honours in the ledger.
func TestDemoCampaigns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		res := e.load(t, demo.Options{Scale: demo.Small, Seed: 1, People: 3000})
		if res.Campaigns != 4 {
			t.Fatalf("Result.Campaigns = %d", res.Campaigns)
		}
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := d.R().QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, st := range []string{"nominating", "reviewing", "publicity", "closed"} {
			if n := count(`SELECT count(*) FROM campaigns WHERE stage = $1`, st); n != 1 {
				t.Errorf("%d campaigns in %s", n, st)
			}
		}
		checks := []struct {
			what string
			q    string
			min  int
		}{
			{"pending nominations", `SELECT count(*) FROM nominations WHERE status = 'pending'`, 5},
			{"returned nominations", `SELECT count(*) FROM nominations WHERE status = 'returned'`, 1},
			{"scores in the open round", `SELECT count(*) FROM review_assignments a JOIN review_rounds r ON r.id = a.round_id
				WHERE r.status = 'open' AND a.status = 'submitted'`, 10},
			{"assignments left in the open round", `SELECT count(*) FROM review_assignments a JOIN review_rounds r ON r.id = a.round_id
				WHERE r.status = 'open' AND a.status = 'assigned'`, 5},
			{"objections being looked into", `SELECT count(*) FROM objections WHERE status = 'investigating'`, 1},
			{"objections upheld", `SELECT count(*) FROM objections WHERE status = 'upheld'`, 1},
			{"certificates", `SELECT count(*) FROM certificates WHERE revoked_at IS NULL`, 3},
			{"honours in the ledger", `SELECT count(*) FROM activity WHERE kind = 'honour'`, 3},
		}
		for _, c := range checks {
			if n := count(c.q); n < c.min {
				t.Errorf("%s: %d, want at least %d", c.what, n, c.min)
			}
		}
	})
}
