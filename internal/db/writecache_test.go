package db_test

import (
	"context"
	"fmt"
	"testing"

	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
)

// TestWriterKeepsStatements: statements of write transactions are kept
// prepared on SQLite, and a kept statement gives the same answers as a
// fresh one: run again while its own rows are open, after the schema
// changed, failing on a constraint.
func TestWriterKeepsStatements(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, `CREATE TABLE wc (k TEXT PRIMARY KEY)`); err != nil {
				return err
			}
			for i := range 3 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO wc (k) VALUES ($1)`, fmt.Sprint(i)); err != nil {
					return err
				}
			}
			// The same query inside the loop over its own rows (SQLite:
			// pgx runs one query at a time on a connection).
			const q = `SELECT k FROM wc ORDER BY k`
			rows, err := tx.QueryContext(ctx, q)
			if err != nil {
				return err
			}
			nested := d.Dialect == db.SQLite
			var outer []string
			for rows.Next() {
				var k string
				if err := rows.Scan(&k); err != nil {
					return err
				}
				outer = append(outer, k)
				if !nested {
					continue
				}
				inner, err := tx.QueryContext(ctx, q)
				if err != nil {
					return err
				}
				n := 0
				for inner.Next() {
					n++
				}
				if err := inner.Close(); err != nil || n != 3 {
					t.Errorf("inner query: %d rows, %v", n, err)
				}
			}
			if err := rows.Close(); err != nil || fmt.Sprint(outer) != "[0 1 2]" {
				t.Errorf("outer query: %v %v", outer, err)
			}
			if !nested {
				return nil
			}
			// A kept statement after the schema changed (SQLite: pgx's own
			// cache refuses a plan whose result changed, inside a
			// transaction).
			var k string
			var v any
			if err := tx.QueryRowContext(ctx, `SELECT * FROM wc ORDER BY k LIMIT 1`).Scan(&k); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `ALTER TABLE wc ADD COLUMN v TEXT DEFAULT 'x'`); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `SELECT * FROM wc ORDER BY k LIMIT 1`).Scan(&k, &v); err != nil {
				t.Errorf("after the schema changed: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// A kept statement failing on a constraint, then succeeding.
		for i, want := range []bool{true, false} {
			err := d.InTx(ctx, func(tx *db.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO wc (k) VALUES ($1)`, fmt.Sprint(2+i))
				return err
			})
			if db.IsUniqueViolation(err) != want {
				t.Fatalf("insert %d: %v", i, err)
			}
		}
		n, err := d.KeptWriteStmts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case d.Dialect == db.SQLite && n < 3:
			t.Fatalf("%d statements kept", n)
		case d.Dialect == db.Postgres && n != -1:
			t.Fatalf("%d statements kept on PostgreSQL", n)
		}
	})
}
