package audit_test

import (
	"context"
	"fmt"
	"qinggong/internal/clocktest"
	"strings"
	"sync"
	"testing"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var testKey = []byte("audit-test-key-0123456789abcdef")

// record writes one entry in its own transaction as the user login.
func record(t *testing.T, d *db.DB, l *audit.Log, login string, e audit.Entry) {
	t.Helper()
	ctx := audit.WithMeta(context.Background(), audit.Meta{ActorID: 7, Login: login, Role: "cadre", OrgID: 3, IP: "10.0.0.1", RequestID: "req-" + login})
	if err := d.InTx(ctx, func(tx *db.Tx) error { return l.Record(ctx, tx, e) }); err != nil {
		t.Fatalf("record %s: %v", e.Action, err)
	}
}

// seed writes n entries "test.N" with summaries "entry N".
func seed(t *testing.T, d *db.DB, l *audit.Log, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		record(t, d, l, "alice", audit.Entry{Action: fmt.Sprintf("test.%d", i), ObjectType: "thing", ObjectID: int64(i), Summary: fmt.Sprintf("entry %d", i)})
	}
}

func verify(t *testing.T, d *db.DB, l *audit.Log) (int64, *audit.Problem) {
	t.Helper()
	n, p, err := l.Verify(context.Background(), d.R())
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return n, p
}

func exec(t *testing.T, d *db.DB, query string, args ...any) {
	t.Helper()
	if _, err := d.W().ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func TestRecord(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		dbtest.Each(t, func(t *testing.T, d *db.DB) {
			ctx := context.Background()
			c := clocktest.New()
			l := audit.New(testKey, c.Now)
			record(t, d, l, "alice", audit.Entry{Action: "org.create", ObjectType: "org", ObjectID: 42, Summary: "name=x"})
			c.Advance(time.Second + 1500*time.Microsecond)
			record(t, d, l, "bob", audit.Entry{Action: "org.move", ObjectType: "org", ObjectID: 42, OrgID: 99, Result: "fail"})

			rs, err := l.Find(ctx, d.R(), audit.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 2 {
				t.Fatalf("got %d rows, want 2", len(rs))
			}
			first, second := rs[1], rs[0]
			if first.Seq != 1 || first.Action != "org.create" || first.ActorID != 7 || first.ActorLogin != "alice" ||
				first.Role != "cadre" || first.OrgID != 3 || first.IP != "10.0.0.1" || first.RequestID != "req-alice" ||
				first.ObjectType != "org" || first.ObjectID != 42 || first.Summary != "name=x" || first.Result != "ok" {
				t.Errorf("first row = %+v", first)
			}
			if !first.At.Equal(time.Date(2025, 3, 1, 4, 0, 0, 0, time.UTC)) {
				t.Errorf("first.At = %v", first.At)
			}
			// Entry.OrgID overrides the actor's org; times are kept to the millisecond.
			if second.Seq != 2 || second.OrgID != 99 || second.Result != "fail" || second.ActorLogin != "bob" {
				t.Errorf("second row = %+v", second)
			}
			if want := time.Date(2025, 3, 1, 4, 0, 1, 1e6, time.UTC); !second.At.Equal(want) {
				t.Errorf("second.At = %v, want %v", second.At, want)
			}
			if first.MAC == "" || first.MAC == second.MAC {
				t.Errorf("MACs %q, %q", first.MAC, second.MAC)
			}
			var headSeq int64
			var headMAC string
			if err := d.R().QueryRowContext(ctx, `SELECT seq, mac FROM audit_head WHERE id = 1`).Scan(&headSeq, &headMAC); err != nil {
				t.Fatal(err)
			}
			if headSeq != 2 || headMAC != second.MAC {
				t.Errorf("head = %d %q, want 2 %q", headSeq, headMAC, second.MAC)
			}
		})
	})
	t.Run("RolledBackWithItsTransaction", func(t *testing.T) {
		dbtest.Each(t, func(t *testing.T, d *db.DB) {
			ctx := context.Background()
			l := audit.New(testKey, nil)
			seed(t, d, l, 2)
			err := d.InTx(ctx, func(tx *db.Tx) error {
				if err := l.Record(ctx, tx, audit.Entry{Action: "test.lost"}); err != nil {
					return err
				}
				return context.Canceled
			})
			if err != context.Canceled {
				t.Fatalf("InTx = %v", err)
			}
			seed(t, d, l, 1)
			n, p := verify(t, d, l)
			if p != nil || n != 3 {
				t.Fatalf("verify = %d, %v; want 3, nil", n, p)
			}
		})
	})
}

func TestFind(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := clocktest.New()
		l := audit.New(testKey, c.Now)
		// seq: 1 alice auth.login, 2 bob auth.login, 3 alice org.create,
		// 4 alice org.create.x (prefix trap), 5 bob auth.logout, 6 alice org.move; one minute apart.
		for _, e := range []struct{ login, action string }{
			{"alice", "auth.login"}, {"bob", "auth.login"}, {"alice", "org.create"},
			{"alice", "org.createx"}, {"bob", "auth.logout"}, {"alice", "org.move"},
		} {
			record(t, d, l, e.login, audit.Entry{Action: e.action, ObjectType: "org", ObjectID: int64(len(e.login))})
			c.Advance(time.Minute)
		}
		seqs := func(f audit.Filter) []int64 {
			t.Helper()
			rs, err := l.Find(ctx, d.R(), f)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, r := range rs {
				out = append(out, r.Seq)
			}
			return out
		}
		start := time.Date(2025, 3, 1, 4, 0, 0, 0, time.UTC)
		for _, tc := range []struct {
			name string
			f    audit.Filter
			want []int64
		}{
			{"All", audit.Filter{}, []int64{6, 5, 4, 3, 2, 1}},
			{"Actor", audit.Filter{Actor: "alice"}, []int64{6, 4, 3, 1}},
			{"ActionPrefix", audit.Filter{Action: "auth."}, []int64{5, 2, 1}},
			{"ActionExactPrefix", audit.Filter{Action: "org.create"}, []int64{4, 3}},
			{"ActorAndAction", audit.Filter{Actor: "bob", Action: "auth.login"}, []int64{2}},
			{"NoMatch", audit.Filter{Actor: "carol"}, nil},
			{"TimeRange", audit.Filter{From: start.Add(time.Minute), To: start.Add(3 * time.Minute)}, []int64{3, 2}},
			{"Before", audit.Filter{Before: 4}, []int64{3, 2, 1}},
			{"Limit", audit.Filter{Limit: 2}, []int64{6, 5}},
			// Words resolved to codes and objects: any of them, newest first, each row once.
			{"Actions", audit.Filter{Actions: []string{"auth.logout", "org.create"}}, []int64{5, 3}},
			{"Objects", audit.Filter{Objects: []audit.Object{{Type: "org", ID: 3}}}, []int64{5, 2}}, // bob's
			{"ActionsOrObjects", audit.Filter{Actions: []string{"auth.login"}, Objects: []audit.Object{{Type: "org", ID: 3}}}, []int64{5, 2, 1}},
			{"TermsAndActor", audit.Filter{Actor: "alice", Actions: []string{"auth.login", "org.move"}}, []int64{6, 1}},
			{"TermsBefore", audit.Filter{Actions: []string{"auth.login", "org.move"}, Before: 6, Limit: 1}, []int64{2}},
			{"TermsNoMatch", audit.Filter{Actions: []string{"no.such"}}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := seqs(tc.f); fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Errorf("seqs = %v, want %v", got, tc.want)
				}
			})
		}
		t.Run("Pages", func(t *testing.T) {
			var all []int64
			f := audit.Filter{Actor: "alice", Limit: 3}
			for range 10 {
				page := seqs(f)
				if len(page) == 0 {
					break
				}
				all = append(all, page...)
				f.Before = page[len(page)-1]
			}
			if fmt.Sprint(all) != "[6 4 3 1]" {
				t.Errorf("paged seqs = %v", all)
			}
		})
	})
}

func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		const writers, each = 20, 3
		l := audit.New(testKey, clocktest.New().Now)
		var wg sync.WaitGroup
		errc := make(chan error, writers)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx := audit.WithMeta(context.Background(), audit.Meta{Login: fmt.Sprintf("w%02d", w)})
				errc <- d.InTx(ctx, func(tx *db.Tx) error {
					for i := range each {
						if err := l.Record(ctx, tx, audit.Entry{Action: "test.concurrent", ObjectID: int64(i)}); err != nil {
							return err
						}
					}
					return nil
				})
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		n, p := verify(t, d, l)
		if p != nil || n != writers*each {
			t.Fatalf("verify = %d, %v; want %d, nil", n, p, writers*each)
		}
		// Each transaction's records are consecutive: the head lock is held to commit.
		rs, err := l.Find(context.Background(), d.R(), audit.Filter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(rs); i += each {
			for j := 1; j < each; j++ {
				if rs[i+j].ActorLogin != rs[i].ActorLogin {
					t.Fatalf("records of one transaction interleaved at seq %d", rs[i+j].Seq)
				}
			}
		}
	})
}

func TestClean(t *testing.T) {
	t.Parallel()
	if got := audit.Clean("a\nb\r\tc\x7fd"); got != "a b  c d" {
		t.Errorf("Clean control chars = %q", got)
	}
	long := strings.Repeat("团", 250)
	if got := audit.Clean(long); got != strings.Repeat("团", 200)+"…" {
		t.Errorf("Clean long = %d runes", len([]rune(got)))
	}
	if got := audit.Clean("普通 text"); got != "普通 text" {
		t.Errorf("Clean plain = %q", got)
	}
}
