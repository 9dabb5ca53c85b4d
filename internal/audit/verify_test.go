package audit_test

import (
	"context"
	"qinggong/internal/clocktest"
	"strings"
	"testing"

	"qinggong/internal/audit"
	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
)

// dropGuards removes the append-only triggers, as an attacker with direct
// database access would, so that tampering can be simulated.
func dropGuards(t *testing.T, d *db.DB) {
	t.Helper()
	if d.Dialect == db.Postgres {
		exec(t, d, `ALTER TABLE audit DISABLE TRIGGER USER`)
		return
	}
	exec(t, d, `DROP TRIGGER audit_no_update`)
	exec(t, d, `DROP TRIGGER audit_no_delete`)
}

func TestVerify(t *testing.T) {
	t.Parallel()
	t.Run("Intact", func(t *testing.T) {
		dbtest.Each(t, func(t *testing.T, d *db.DB) {
			l := audit.New(testKey, clocktest.New().Now)
			if n, p := verify(t, d, l); n != 0 || p != nil {
				t.Fatalf("empty log: %d, %v", n, p)
			}
			seed(t, d, l, 6)
			if n, p := verify(t, d, l); n != 6 || p != nil {
				t.Fatalf("verify = %d, %v; want 6, nil", n, p)
			}
		})
	})
	t.Run("WrongKey", func(t *testing.T) {
		dbtest.Each(t, func(t *testing.T, d *db.DB) {
			seed(t, d, audit.New(testKey, nil), 3)
			if _, p := verify(t, d, audit.New([]byte("another key"), nil)); p == nil || p.Seq != 1 {
				t.Fatalf("problem = %v, want row 1", p)
			}
		})
	})
	t.Run("EditedRow", func(t *testing.T) {
		dbtest.Each(t, func(t *testing.T, d *db.DB) {
			l := audit.New(testKey, nil)
			seed(t, d, l, 5)
			dropGuards(t, d)
			exec(t, d, `UPDATE audit SET summary = 'nothing happened' WHERE seq = 3`)
			_, p := verify(t, d, l)
			if p == nil || p.Seq != 3 || !strings.Contains(p.Reason, "MAC") {
				t.Fatalf("problem = %v, want row 3 MAC mismatch", p)
			}
		})
	})
	t.Run("EditedRowAndMAC", func(t *testing.T) {
		// Copying a MAC from elsewhere does not help: the next row chains on it.
		dbtest.Each(t, func(t *testing.T, d *db.DB) {
			l := audit.New(testKey, nil)
			seed(t, d, l, 5)
			dropGuards(t, d)
			exec(t, d, `UPDATE audit SET actor_login = 'mallory', mac = (SELECT mac FROM audit WHERE seq = 1) WHERE seq = 2`)
			if _, p := verify(t, d, l); p == nil || p.Seq != 2 {
				t.Fatalf("problem = %v, want row 2", p)
			}
		})
	})
	t.Run("DeletedMiddleRow", func(t *testing.T) {
		dbtest.Each(t, func(t *testing.T, d *db.DB) {
			l := audit.New(testKey, nil)
			seed(t, d, l, 5)
			dropGuards(t, d)
			exec(t, d, `DELETE FROM audit WHERE seq = 3`)
			_, p := verify(t, d, l)
			if p == nil || p.Seq != 3 || !strings.Contains(p.Reason, "missing") {
				t.Fatalf("problem = %v, want row 3 missing", p)
			}
		})
	})
	t.Run("DeletedFirstRow", func(t *testing.T) {
		dbtest.Each(t, func(t *testing.T, d *db.DB) {
			l := audit.New(testKey, nil)
			seed(t, d, l, 3)
			dropGuards(t, d)
			exec(t, d, `DELETE FROM audit WHERE seq = 1`)
			if _, p := verify(t, d, l); p == nil || p.Seq != 1 {
				t.Fatalf("problem = %v, want row 1", p)
			}
		})
	})
	t.Run("RowPastHead", func(t *testing.T) {
		// Inserting is not blocked by the triggers; a forged row is still found.
		dbtest.Each(t, func(t *testing.T, d *db.DB) {
			l := audit.New(testKey, nil)
			seed(t, d, l, 3)
			exec(t, d, `INSERT INTO audit (seq, at, action, mac) SELECT 4, at, 'auth.login', mac FROM audit WHERE seq = 3`)
			_, p := verify(t, d, l)
			if p == nil || p.Seq != 4 || !strings.Contains(p.Reason, "past the head") {
				t.Fatalf("problem = %v, want row 4 past the head", p)
			}
		})
	})
	t.Run("DeletedLastRow", func(t *testing.T) {
		dbtest.Each(t, func(t *testing.T, d *db.DB) {
			l := audit.New(testKey, nil)
			seed(t, d, l, 5)
			dropGuards(t, d)
			exec(t, d, `DELETE FROM audit WHERE seq = 5`)
			_, p := verify(t, d, l)
			if p == nil || p.Seq != 5 || !strings.Contains(p.Reason, "head") {
				t.Fatalf("problem = %v, want row 5 head mismatch", p)
			}
		})
	})
}

func TestAppendOnly(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := audit.New(testKey, nil)
		seed(t, d, l, 3)
		for _, q := range []string{
			`UPDATE audit SET summary = 'x' WHERE seq = 2`,
			`UPDATE audit SET result = 'fail'`,
			`DELETE FROM audit WHERE seq = 3`,
			`DELETE FROM audit`,
		} {
			if _, err := d.W().ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", q, err)
			}
		}
		if d.Dialect == db.Postgres {
			if _, err := d.W().ExecContext(ctx, `TRUNCATE audit`); err == nil {
				t.Error("TRUNCATE audit succeeded")
			}
		}
		if n, p := verify(t, d, l); n != 3 || p != nil {
			t.Fatalf("verify after refused changes = %d, %v", n, p)
		}
	})
}

// TestVerifyWhileWriting: a check of the live log must not report rows
// written while it runs as tampering.
func TestVerifyWhileWriting(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := audit.New(testKey, nil)
		seed(t, d, l, 20)
		stop := make(chan struct{})
		done := make(chan error)
		go func() {
			for {
				select {
				case <-stop:
					done <- nil
					return
				default:
				}
				if err := d.InTx(ctx, func(tx *db.Tx) error { return l.Record(ctx, tx, audit.Entry{Action: "test.live"}) }); err != nil {
					done <- err
					return
				}
			}
		}()
		for i := range 30 {
			n, p, err := l.Verify(ctx, d.R())
			if err != nil || p != nil || n < 20 {
				close(stop)
				<-done
				t.Fatalf("verify %d while writing = %d, %v, %v", i, n, p, err)
			}
		}
		close(stop)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}
