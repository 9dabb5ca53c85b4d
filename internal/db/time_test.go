package db_test

import (
	"context"
	"testing"
	"time"

	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
)

// TestTimesCompareAsInstants: a time given in another zone (a form filled in
// Shanghai time) must compare by the instant it names, also on SQLite, where
// timestamps are compared as text.
func TestTimesCompareAsInstants(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		shanghai := time.FixedZone("CST", 8*3600)
		now := time.Date(2025, 3, 1, 4, 0, 0, 0, time.UTC)
		// The column types the migrations use for instants.
		typ := "TIMESTAMP"
		if d.Dialect == db.Postgres {
			typ = "TIMESTAMPTZ"
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, `CREATE TABLE moments (name TEXT NOT NULL, at `+typ+` NOT NULL)`); err != nil {
				return err
			}
			// 11:00 in Shanghai is 03:00 UTC: before now, though "11" > "04" as text.
			_, err := tx.ExecContext(ctx, `INSERT INTO moments (name, at) VALUES ('past', $1), ('future', $2)`,
				now.Add(-time.Hour).In(shanghai), now.Add(time.Hour).In(shanghai))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var name string
		var at time.Time
		if err := d.R().QueryRowContext(ctx, `SELECT name, at FROM moments WHERE at > $1`, now).Scan(&name, &at); err != nil {
			t.Fatal(err)
		}
		if name != "future" || !at.Equal(now.Add(time.Hour)) {
			t.Errorf("later than now: %s at %v", name, at)
		}
	})
}
