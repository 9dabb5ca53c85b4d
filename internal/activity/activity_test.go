package activity_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"qinggong/internal/activity"
	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/org"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fixture is root ─ D1 ─ U1 ─ B1 and root ─ D2.
type fixture struct {
	ctx                  context.Context
	d                    *db.DB
	root, d1, d2, u1, b1 *org.Org
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	f := &fixture{ctx: context.Background(), d: d}
	now := func() time.Time { return time.Date(2025, 3, 1, 4, 0, 0, 0, time.UTC) }
	orgs := org.New(d, audit.New([]byte("activity-test-key"), now), now)
	var err error
	if f.root, err = orgs.CreateRoot(f.ctx); err != nil {
		t.Fatal(err)
	}
	builder := &auth.Actor{Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: f.root.ID, Paths: []string{f.root.Path}}}}
	mk := func(parent *org.Org, code, level string) *org.Org {
		o, err := orgs.Create(f.ctx, builder, parent.ID, org.Input{Name: "Org " + code, Code: code, Level: level})
		if err != nil {
			t.Fatalf("create %s: %v", code, err)
		}
		return o
	}
	f.d1 = mk(f.root, "D1", org.LevelDistrict)
	f.d2 = mk(f.root, "D2", org.LevelDistrict)
	f.u1 = mk(f.d1, "U1", org.LevelUnit)
	f.b1 = mk(f.u1, "B1", org.LevelBranch)
	return f
}

func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	dbtest.Each(t, func(t *testing.T, d *db.DB) { fn(t, newFixture(t, d)) })
}

// add writes e in its own transaction.
func (f *fixture) add(t *testing.T, e activity.Entry) int64 {
	t.Helper()
	var id int64
	err := f.d.InTx(f.ctx, func(tx *db.Tx) error {
		var err error
		id, err = activity.Add(f.ctx, tx, e)
		return err
	})
	if err != nil {
		t.Fatalf("add %+v: %v", e, err)
	}
	return id
}

// rollup is one organization's rollup row as "count/amount/persons", "-" when absent.
func (f *fixture) rollup(t *testing.T, o *org.Org, kind, month string) string {
	t.Helper()
	var c, a, p int64
	err := f.d.R().QueryRowContext(f.ctx, `SELECT count, amount, persons FROM activity_rollup WHERE org_id = $1 AND kind = $2 AND month = $3`,
		o.ID, kind, month).Scan(&c, &a, &p)
	if err == db.ErrNoRows {
		return "-"
	}
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d/%d/%d", c, a, p)
}

// rollups is the rollup of root, D1, U1, B1 and D2 in that order.
func (f *fixture) rollups(t *testing.T, kind, month string) string {
	t.Helper()
	var out []string
	for _, o := range []*org.Org{f.root, f.d1, f.u1, f.b1, f.d2} {
		out = append(out, f.rollup(t, o, kind, month))
	}
	return fmt.Sprint(out)
}

var march = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)

func TestAdd(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			id := f.add(t, activity.Entry{OrgID: f.b1.ID, PersonID: 7, Kind: "credit", RefType: "course", RefID: 3, OccurredAt: march.In(time.FixedZone("CST", 8*3600)), Amount: 5})
			var r activity.Row
			err := f.d.R().QueryRowContext(f.ctx, `SELECT id, org_id, org_path, person_id, kind, ref_type, ref_id, occurred_at, amount FROM activity WHERE id = $1`, id).
				Scan(&r.ID, &r.OrgID, &r.OrgPath, &r.PersonID, &r.Kind, &r.RefType, &r.RefID, &r.OccurredAt, &r.Amount)
			if err != nil {
				t.Fatal(err)
			}
			if r.OrgID != f.b1.ID || r.OrgPath != f.b1.Path || r.PersonID != 7 || r.Kind != "credit" || r.RefType != "course" ||
				r.RefID != 3 || !r.OccurredAt.Equal(march) || r.Amount != 5 {
				t.Errorf("row = %+v", r)
			}
			if got := f.rollups(t, "credit", "2025-03"); got != "[1/5/1 1/5/1 1/5/1 1/5/1 -]" {
				t.Errorf("rollups = %s", got)
			}
			// An entry on a middle organization rolls up from there, not below it.
			f.add(t, activity.Entry{OrgID: f.d1.ID, PersonID: 8, Kind: "credit", OccurredAt: march, Amount: 2})
			if got := f.rollups(t, "credit", "2025-03"); got != "[2/7/2 2/7/2 1/5/1 1/5/1 -]" {
				t.Errorf("rollups = %s", got)
			}
		})
	})
	t.Run("PersonsCountedOnce", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			f.add(t, activity.Entry{OrgID: f.b1.ID, PersonID: 7, Kind: "credit", OccurredAt: march, Amount: 5})
			f.add(t, activity.Entry{OrgID: f.b1.ID, PersonID: 7, Kind: "credit", OccurredAt: march.Add(48 * time.Hour), Amount: 3})
			if got := f.rollups(t, "credit", "2025-03"); got != "[2/8/1 2/8/1 2/8/1 2/8/1 -]" {
				t.Errorf("same person twice: rollups = %s", got)
			}
			// Person 7 at U1 is not new to U1 (nor above): U1 already counted them through B1.
			f.add(t, activity.Entry{OrgID: f.u1.ID, PersonID: 7, Kind: "credit", OccurredAt: march, Amount: 1})
			f.add(t, activity.Entry{OrgID: f.u1.ID, PersonID: 9, Kind: "credit", OccurredAt: march, Amount: 1})
			f.add(t, activity.Entry{OrgID: f.d2.ID, PersonID: 7, Kind: "credit", OccurredAt: march, Amount: 1})
			if got := f.rollups(t, "credit", "2025-03"); got != "[5/11/2 4/10/2 4/10/2 2/8/1 1/1/1]" {
				t.Errorf("rollups = %s", got)
			}
			// Another kind and another month are separate counts.
			f.add(t, activity.Entry{OrgID: f.b1.ID, PersonID: 7, Kind: "post", OccurredAt: march})
			f.add(t, activity.Entry{OrgID: f.b1.ID, PersonID: 7, Kind: "credit", OccurredAt: march.AddDate(0, 1, 0), Amount: 4})
			if got := f.rollups(t, "post", "2025-03"); got != "[1/0/1 1/0/1 1/0/1 1/0/1 -]" {
				t.Errorf("post rollups = %s", got)
			}
			if got := f.rollups(t, "credit", "2025-04"); got != "[1/4/1 1/4/1 1/4/1 1/4/1 -]" {
				t.Errorf("April rollups = %s", got)
			}
			// Entries without a person count but reach no one.
			f.add(t, activity.Entry{OrgID: f.b1.ID, Kind: "event", OccurredAt: march})
			f.add(t, activity.Entry{OrgID: f.b1.ID, Kind: "event", OccurredAt: march})
			if got := f.rollup(t, f.b1, "event", "2025-03"); got != "2/0/0" {
				t.Errorf("event rollup = %s", got)
			}
		})
	})
	t.Run("MonthInShanghai", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			// 31 March 17:00 UTC is already 1 April in Shanghai.
			f.add(t, activity.Entry{OrgID: f.b1.ID, PersonID: 7, Kind: "credit", OccurredAt: time.Date(2025, 3, 31, 17, 0, 0, 0, time.UTC)})
			f.add(t, activity.Entry{OrgID: f.b1.ID, PersonID: 7, Kind: "credit", OccurredAt: time.Date(2025, 3, 31, 15, 59, 0, 0, time.UTC)})
			if a, m := f.rollup(t, f.b1, "credit", "2025-04"), f.rollup(t, f.b1, "credit", "2025-03"); a != "1/0/1" || m != "1/0/1" {
				t.Errorf("April %s, March %s; want one each", a, m)
			}
		})
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			for _, e := range []activity.Entry{
				{OrgID: f.b1.ID},
				{Kind: "credit"},
				{OrgID: 999999, Kind: "credit"},
			} {
				err := f.d.InTx(f.ctx, func(tx *db.Tx) error {
					_, err := activity.Add(f.ctx, tx, e)
					return err
				})
				if err == nil {
					t.Errorf("Add(%+v) accepted", e)
				}
			}
			var n int
			if err := f.d.R().QueryRowContext(f.ctx, `SELECT (SELECT count(*) FROM activity) + (SELECT count(*) FROM activity_rollup) + (SELECT count(*) FROM activity_reach)`).Scan(&n); err != nil || n != 0 {
				t.Errorf("%d rows left by refused entries (%v)", n, err)
			}
		})
	})
	t.Run("RolledBackWithItsTransaction", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			err := f.d.InTx(f.ctx, func(tx *db.Tx) error {
				if _, err := activity.Add(f.ctx, tx, activity.Entry{OrgID: f.b1.ID, PersonID: 7, Kind: "credit", OccurredAt: march, Amount: 5}); err != nil {
					return err
				}
				return context.Canceled
			})
			if err != context.Canceled {
				t.Fatal(err)
			}
			if got := f.rollups(t, "credit", "2025-03"); got != "[- - - - -]" {
				t.Errorf("rollups after rollback = %s", got)
			}
			// The person was not left in the reach table either: they count when they come.
			f.add(t, activity.Entry{OrgID: f.b1.ID, PersonID: 7, Kind: "credit", OccurredAt: march, Amount: 5})
			if got := f.rollup(t, f.b1, "credit", "2025-03"); got != "1/5/1" {
				t.Errorf("rollup = %s", got)
			}
		})
	})
}

func TestSum(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		for _, e := range []activity.Entry{
			{OrgID: f.b1.ID, PersonID: 1, Kind: "credit", OccurredAt: time.Date(2025, 1, 5, 0, 0, 0, 0, time.UTC), Amount: 10},
			{OrgID: f.b1.ID, PersonID: 1, Kind: "credit", OccurredAt: time.Date(2025, 2, 5, 0, 0, 0, 0, time.UTC), Amount: 20},
			{OrgID: f.u1.ID, PersonID: 2, Kind: "credit", OccurredAt: time.Date(2025, 2, 6, 0, 0, 0, 0, time.UTC), Amount: 30},
			{OrgID: f.d2.ID, PersonID: 3, Kind: "credit", OccurredAt: time.Date(2025, 2, 7, 0, 0, 0, 0, time.UTC), Amount: 40},
			{OrgID: f.b1.ID, PersonID: 1, Kind: "credit", OccurredAt: time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC), Amount: 50},
			{OrgID: f.b1.ID, PersonID: 1, Kind: "post", OccurredAt: time.Date(2025, 2, 5, 0, 0, 0, 0, time.UTC), Amount: 1},
		} {
			f.add(t, e)
		}
		for _, tc := range []struct {
			name     string
			o        *org.Org
			kind     string
			from, to string
			want     activity.Total
		}{
			{"RootAllMonths", f.root, "credit", "2025-01", "2025-03", activity.Total{Count: 5, Amount: 150, Persons: 5}},
			{"RootFebruary", f.root, "credit", "2025-02", "2025-02", activity.Total{Count: 3, Amount: 90, Persons: 3}},
			{"D1JanFeb", f.d1, "credit", "2025-01", "2025-02", activity.Total{Count: 3, Amount: 60, Persons: 3}},
			{"B1AllMonths", f.b1, "credit", "2025-01", "2025-12", activity.Total{Count: 3, Amount: 80, Persons: 3}},
			{"D2", f.d2, "credit", "2025-01", "2025-12", activity.Total{Count: 1, Amount: 40, Persons: 1}},
			{"OtherKind", f.root, "post", "2025-01", "2025-12", activity.Total{Count: 1, Amount: 1, Persons: 1}},
			{"NoKind", f.root, "loan", "2025-01", "2025-12", activity.Total{}},
			{"NoMonths", f.root, "credit", "2024-01", "2024-12", activity.Total{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := activity.Sum(f.ctx, f.d.R(), tc.o.ID, tc.kind, tc.from, tc.to)
				if err != nil {
					t.Fatal(err)
				}
				if got != tc.want {
					t.Errorf("Sum = %+v, want %+v", got, tc.want)
				}
			})
		}
	})
}

func TestForPerson(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		day := func(d int) time.Time { return time.Date(2025, 3, d, 10, 0, 0, 0, time.UTC) }
		// Recorded out of order: entries are often entered after the fact.
		ids := map[int]int64{}
		for _, d := range []int{5, 9, 1, 7, 3} {
			ids[d] = f.add(t, activity.Entry{OrgID: f.b1.ID, PersonID: 7, Kind: "credit", OccurredAt: day(d), Amount: int64(d)})
		}
		f.add(t, activity.Entry{OrgID: f.b1.ID, PersonID: 8, Kind: "credit", OccurredAt: day(4)})
		// Two on the same day: the later recorded comes first.
		ids[10] = f.add(t, activity.Entry{OrgID: f.u1.ID, PersonID: 7, Kind: "post", OccurredAt: day(9)})

		days := func(rows []activity.Row) []int {
			out := []int{}
			for _, r := range rows {
				if r.PersonID != 7 {
					t.Errorf("row of person %d", r.PersonID)
				}
				out = append(out, r.OccurredAt.UTC().Day())
			}
			return out
		}
		all, err := activity.ForPerson(f.ctx, f.d.R(), 7, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(days(all)); got != "[9 9 7 5 3 1]" {
			t.Errorf("timeline = %s", got)
		}
		if all[0].ID != ids[10] || all[0].Kind != "post" || all[0].OrgPath != f.u1.Path || all[1].ID != ids[9] || all[1].Amount != 9 {
			t.Errorf("first rows = %+v, %+v", all[0], all[1])
		}

		t.Run("Pages", func(t *testing.T) {
			for _, limit := range []int{1, 2, 4} {
				var paged []int64
				var before int64
				for range 10 {
					page, err := activity.ForPerson(f.ctx, f.d.R(), 7, before, limit)
					if err != nil {
						t.Fatal(err)
					}
					if len(page) == 0 {
						break
					}
					for _, r := range page {
						paged = append(paged, r.ID)
					}
					before = page[len(page)-1].ID
				}
				var want []int64
				for _, r := range all {
					want = append(want, r.ID)
				}
				if fmt.Sprint(paged) != fmt.Sprint(want) {
					t.Errorf("limit %d: paged IDs %v, want %v", limit, paged, want)
				}
			}
		})
		t.Run("Nobody", func(t *testing.T) {
			rows, err := activity.ForPerson(f.ctx, f.d.R(), 12345, 0, 10)
			if err != nil || len(rows) != 0 {
				t.Errorf("rows = %v, %v", rows, err)
			}
		})
	})
}
