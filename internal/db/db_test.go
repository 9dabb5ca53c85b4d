package db_test

import (
	"context"
	"path/filepath"
	"testing"

	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestMigrateTwiceAndUnique(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)`, "k", "v")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)`, "k", "w")
			return err
		})
		if !db.IsUniqueViolation(err) {
			t.Fatalf("want unique violation, got %v", err)
		}
	})
}

func TestInTxRollsBackOnError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		_ = d.InTx(ctx, func(tx *db.Tx) error {
			tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('a', 'b')`)
			return context.Canceled
		})
		var n int
		d.R().QueryRowContext(ctx, `SELECT count(*) FROM settings`).Scan(&n)
		if n != 0 {
			t.Fatalf("rolled-back row is visible: %d rows", n)
		}
	})
}

func TestPathRangeIsBinary(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		// The subtree range must not depend on the collation: "/1/17/" must
		// not take in "/1/170/" nor "/1/18/".
		ctx := context.Background()
		if got := db.PathUpper("/1/17/"); got != "/1/170" {
			t.Fatalf("PathUpper = %q", got)
		}
		var n int
		err := d.R().QueryRowContext(ctx, `SELECT count(*) FROM (SELECT '/1/17/' AS p UNION ALL SELECT '/1/17/5/' UNION ALL SELECT '/1/170/' UNION ALL SELECT '/1/18/') x
			WHERE p >= $1 AND p < $2`, "/1/17/", db.PathUpper("/1/17/")).Scan(&n)
		if err != nil || n != 2 {
			t.Fatalf("range count = %d, %v; want 2", n, err)
		}
	})
}

func TestBackupSQLite(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t, "sqlite")
	out := filepath.Join(t.TempDir(), "copy.db")
	if err := d.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	c, err := db.Open(ctx, "sqlite:"+out)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var n int
	if err := c.R().QueryRowContext(ctx, `SELECT count(*) FROM audit_head`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("backup lacks schema: %d %v", n, err)
	}
	if err := d.Backup(ctx, out); err == nil {
		t.Fatal("backup over an existing file must fail")
	}
}

// SQLite keeps averages, not samples, after Analyze and after opening a
// database analysed with samples: sampled statistics make every prepared
// statement with a bound range re-plan on each run.
func TestAnalyzeKeepsNoSamplesSQLite(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "stats.db")
	d, err := db.Open(ctx, "sqlite:"+file)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := d.W().ExecContext(ctx, `CREATE TABLE t (k TEXT); CREATE INDEX t_k ON t(k);
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) INSERT INTO t SELECT 'k' || (i % 7) FROM n`); err != nil {
		t.Fatal(err)
	}
	count := func(d *db.DB, table string) int {
		var n int
		if err := d.R().QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := d.Analyze(ctx); err != nil {
		t.Fatal(err)
	}
	if count(d, "sqlite_stat1") == 0 || count(d, "sqlite_stat4") != 0 {
		t.Errorf("after Analyze: stat1 %d rows, stat4 %d; want some and none", count(d, "sqlite_stat1"), count(d, "sqlite_stat4"))
	}
	// A database analysed by an older build, with samples: opening it drops them.
	if _, err := d.W().ExecContext(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	if count(d, "sqlite_stat4") == 0 {
		t.Skip("this SQLite keeps no samples at all")
	}
	d.Close()
	if d, err = db.Open(ctx, "sqlite:"+file); err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if n := count(d, "sqlite_stat4"); n != 0 {
		t.Errorf("after reopening: stat4 %d rows, want none", n)
	}
}
