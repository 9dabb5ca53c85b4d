package db_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"qinggong/internal/db"
)

// The writer leaves checkpoints to the background checkpointer (SQLite
// only: PostgreSQL checkpoints by itself). Under writes one after another,
// as an import makes them, the log would only ever be appended to; past
// walRestartFrames (lowered here to a few transactions' worth) the
// checkpointer restarts it, so it stays bounded instead of growing with
// everything written. Every commit's data is in the database after
// reopening, and the log is gone once the last connection has closed.
func TestCheckpointerBoundsTheLogSQLite(t *testing.T) {
	restore := db.SetWALRestartFrames(100)
	defer restore()
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "ckpt.db")
	d, err := db.Open(ctx, "sqlite:"+file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.W().ExecContext(ctx, `CREATE TABLE blobs (id INTEGER PRIMARY KEY, b BLOB)`); err != nil {
		t.Fatal(err)
	}
	const txs, perTx = 30, 60 // 30 transactions of some 60 pages: 1,800 pages of log
	var maxWAL int64
	for i := range txs {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for j := range perTx {
				if _, err := tx.ExecContext(ctx, `INSERT INTO blobs (id, b) VALUES ($1, randomblob(3000))`, i*perTx+j+1); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(file + "-wal"); err == nil && fi.Size() > maxWAL {
			maxWAL = fi.Size()
		}
	}
	if d.Checkpoints() == 0 {
		t.Error("no checkpoint ran")
	}
	const page = 4096 + 24 // a log frame
	if maxWAL == 0 || maxWAL > (100+4*perTx)*page {
		t.Errorf("the log reached %d bytes (%d pages) for a restart past 100 pages: it is not being restarted", maxWAL, maxWAL/page)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file + "-wal"); !os.IsNotExist(err) {
		t.Errorf("the log outlived the last connection: %v", err)
	}
	d, err = db.Open(ctx, "sqlite:"+file)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int
	if err := d.R().QueryRowContext(ctx, `SELECT count(*) FROM blobs`).Scan(&n); err != nil || n != txs*perTx {
		t.Fatalf("after reopening: %d rows, %v; want %d", n, err, txs*perTx)
	}
}
