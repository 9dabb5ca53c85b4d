package cadre_test

import (
	"testing"

	"qinggong/internal/cadre"
	"qinggong/internal/errs"
)

// TestBulk: many posts at once, each with its ledger entry and one audit
// record per batch; a bad row stops the batch before it is written.
func TestBulk(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p, q := f.person(t, "批一", f.u1), f.person(t, "批二", f.b1)
		before := f.written(t)
		bad := []cadre.Input{fullTime(p, f.u1, cadre.Secretary), fullTime(q, f.b1, "chair")}
		n, err := f.cadres.Bulk(f.ctx, f.admin, bad)
		if e, ok := errs.As(err); n != 0 || !ok || e.Msg != "row 1" || e.Fields["post"] != "err.choose" {
			t.Fatalf("bad row: n=%d err=%v", n, err)
		}
		if after := f.written(t); after != before {
			t.Errorf("refused bulk wrote: %s → %s", before, after)
		}
		good := []cadre.Input{fullTime(p, f.u1, cadre.Secretary), partTime(q, f.b1, cadre.High, cadre.Yes, 5)}
		if n, err := f.cadres.Bulk(f.ctx, f.admin, good); n != 2 || err != nil {
			t.Fatalf("bulk: n=%d err=%v", n, err)
		}
		if got := f.count(t, `SELECT count(*) FROM activity WHERE kind = 'cadre.appointed'`); got != 2 {
			t.Errorf("ledger entries = %d", got)
		}
		if got := f.count(t, `SELECT count(*) FROM audit WHERE action = 'cadre.bulk'`); got != 1 {
			t.Errorf("bulk audit records = %d", got)
		}
		// Scope holds: a D2 cadre cannot bulk-appoint into D1.
		if _, err := f.cadres.Bulk(f.ctx, f.cadre2, []cadre.Input{fullTime(p, f.u1, cadre.Member)}); err == nil {
			t.Error("bulk outside the scope succeeded")
		}
	})
}
