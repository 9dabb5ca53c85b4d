package db_test

import (
	"context"
	"testing"

	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
)

// TestReadTxIsOneSnapshot: reads inside ReadTx agree with each other even
// when a write commits between them.
func TestReadTxIsOneSnapshot(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		insert := func(k string) {
			t.Helper()
			err := d.InTx(ctx, func(tx *db.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, 'v')`, k)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		insert("a")
		var first, second int
		err := d.ReadTx(ctx, func(q db.Q) error {
			if err := q.QueryRowContext(ctx, `SELECT count(*) FROM settings`).Scan(&first); err != nil {
				return err
			}
			insert("b")
			return q.QueryRowContext(ctx, `SELECT count(*) FROM settings`).Scan(&second)
		})
		if err != nil {
			t.Fatal(err)
		}
		if first != 1 || second != 1 {
			t.Errorf("counts in one ReadTx = %d, %d; want 1, 1", first, second)
		}
	})
}
