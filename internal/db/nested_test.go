package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
)

func put(ctx context.Context, tx *db.Tx, key string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, 'v')`, key)
	return err
}

// has reports whether key is in settings as committed (read pool).
func has(t *testing.T, d *db.DB, key string) bool {
	t.Helper()
	var n int
	if err := d.R().QueryRowContext(context.Background(), `SELECT count(*) FROM settings WHERE key = $1`, key).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// within fails the test if f has not returned after 5 s: a nested InTx that
// took the writer again would wait forever.
func within(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("nested InTx hung")
	}
}

func TestNestedInTxJoinsOuter(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		within(t, func() {
			err := d.InTx(ctx, func(tx *db.Tx) error {
				if err := put(ctx, tx, "outer"); err != nil {
					return err
				}
				inner := tx.Context(ctx)
				err := d.InTx(inner, func(itx *db.Tx) error {
					if itx != tx {
						t.Error("inner InTx got a transaction of its own")
					}
					// Twice nested, through a derived context.
					return d.InTx(context.WithoutCancel(inner), func(itx *db.Tx) error { return put(ctx, itx, "inner") })
				})
				if err != nil {
					return err
				}
				if has(t, d, "inner") {
					t.Error("inner InTx committed before the outer returned")
				}
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
		if !has(t, d, "outer") || !has(t, d, "inner") {
			t.Error("outer and inner writes not both committed")
		}
	})
}

func TestNestedInTxErrorRollsBackOuter(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		for _, swallow := range []bool{false, true} {
			err := d.InTx(ctx, func(tx *db.Tx) error {
				if err := put(ctx, tx, "outer"); err != nil {
					return err
				}
				err := d.InTx(tx.Context(ctx), func(tx *db.Tx) error {
					if err := put(ctx, tx, "inner"); err != nil {
						return err
					}
					return boom
				})
				if swallow {
					return nil // the failure dooms the transaction all the same
				}
				return err
			})
			if !errors.Is(err, boom) {
				t.Errorf("swallow=%v: InTx = %v, want the inner error", swallow, err)
			}
			if has(t, d, "outer") || has(t, d, "inner") {
				t.Errorf("swallow=%v: writes committed after the inner InTx failed", swallow)
			}
		}
	})
}

func TestNestedInTxPanicRollsBack(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		func() {
			defer func() {
				if recover() == nil {
					t.Error("the inner panic did not reach the caller")
				}
			}()
			d.InTx(ctx, func(tx *db.Tx) error {
				if err := put(ctx, tx, "outer"); err != nil {
					return err
				}
				return d.InTx(tx.Context(ctx), func(tx *db.Tx) error {
					if err := put(ctx, tx, "inner"); err != nil {
						return err
					}
					panic("boom")
				})
			})
		}()
		if has(t, d, "outer") || has(t, d, "inner") {
			t.Error("writes committed after the inner InTx panicked")
		}
		// The writer and this goroutine's mark were given back.
		within(t, func() {
			if err := d.InTx(ctx, func(tx *db.Tx) error { return put(ctx, tx, "after") }); err != nil {
				t.Error(err)
			}
		})
	})
}

func TestNestedOnCommitRunsOnceAtOuterCommit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		people := func() (v string) {
			t.Helper()
			if err := d.R().QueryRowContext(ctx, `SELECT `+db.PeopleVersionSQL).Scan(&v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		runs := 0
		for _, fail := range []bool{true, false} {
			err := d.InTx(ctx, func(tx *db.Tx) error {
				db.BumpPeopleVersion(tx)
				err := d.InTx(tx.Context(ctx), func(tx *db.Tx) error {
					db.BumpPeopleVersion(tx)
					tx.OnCommit(func() {
						runs++
						// A hook may write in a transaction of its own.
						if err := d.InTx(ctx, func(tx *db.Tx) error { return put(ctx, tx, "hook") }); err != nil {
							t.Error(err)
						}
					})
					return nil
				})
				if runs != 0 {
					t.Error("the inner OnCommit ran before the outer committed")
				}
				if fail {
					return errors.New("outer fails")
				}
				return err
			})
			if fail {
				if err == nil || runs != 0 || people() != "0" {
					t.Errorf("rolled back: err %v, hook runs %d, people version %s; want an error, 0, 0", err, runs, people())
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if runs != 1 || people() != "1" || !has(t, d, "hook") {
			t.Errorf("committed: hook runs %d, people version %s, hook write %v; want 1, 1, true", runs, people(), has(t, d, "hook"))
		}
	})
}

func TestInTxRefusesContextsItCannotJoin(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var committed, rolledBack context.Context
		if err := d.InTx(ctx, func(tx *db.Tx) error { committed = tx.Context(ctx); return nil }); err != nil {
			t.Fatal(err)
		}
		d.InTx(ctx, func(tx *db.Tx) error { rolledBack = tx.Context(ctx); return errors.New("no") })
		for name, stale := range map[string]context.Context{"committed": committed, "rolled back": rolledBack} {
			if err := d.InTx(stale, func(tx *db.Tx) error { return put(ctx, tx, "stale") }); !errors.Is(err, db.ErrTxFinished) {
				t.Errorf("%s: InTx = %v, want ErrTxFinished", name, err)
			}
		}

		other := dbtest.Open(t, "sqlite")
		within(t, func() {
			err := d.InTx(ctx, func(tx *db.Tx) error {
				if err := other.InTx(tx.Context(ctx), func(*db.Tx) error { return nil }); !errors.Is(err, db.ErrTxOtherDB) {
					t.Errorf("another database's tx: InTx = %v, want ErrTxOtherDB", err)
				}
				// Without the tx in the context: refused at once, not a wait for the writer.
				if err := d.InTx(ctx, func(*db.Tx) error { return nil }); !errors.Is(err, db.ErrTxNotCarried) {
					t.Errorf("nested without the tx: InTx = %v, want ErrTxNotCarried", err)
				}
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
		if has(t, d, "stale") {
			t.Error("a stale context's write committed")
		}
	})
}
