package cadre_test

import (
	"testing"
	"time"

	"qinggong/internal/cadre"
	"qinggong/internal/errs"
)

// TestEnd: ending a term keeps the post (history) with its end date and
// reason; the date defaults to today, may not precede the start nor lie in
// the future; an ended post cannot end again.
func TestEnd(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.person(t, "赵六", f.u1)
		c := f.appoint(t, f.cadre1, fullTime(p, f.u1, cadre.Secretary))
		before := f.written(t)
		for _, tc := range []struct {
			e    cadre.Ending
			want map[string]string
		}{
			{cadre.Ending{EndedOn: "2024-01-14"}, map[string]string{"ended_on": "err.cadre_ended_before"}},
			{cadre.Ending{EndedOn: "2025-03-02"}, map[string]string{"ended_on": "err.date_future"}},
			{cadre.Ending{EndedOn: "2025/01/01"}, map[string]string{"ended_on": "err.date_format"}},
			{cadre.Ending{Reason: "换届\x00"}, map[string]string{"end_reason": "err.invalid"}},
		} {
			_, err := f.cadres.End(f.ctx, f.cadre1, c.ID, tc.e)
			wantFields(t, err, tc.want)
		}
		if after := f.written(t); after != before {
			t.Errorf("refused endings wrote: %s → %s", before, after)
		}
		ended, err := f.cadres.End(f.ctx, f.cadre1, c.ID, cadre.Ending{Reason: " 换届 "})
		if err != nil {
			t.Fatal(err)
		}
		if ended.Status != cadre.Ended || ended.EndedOn != "2025-03-01" || ended.EndReason != "换届" || ended.TermStart != c.TermStart {
			t.Errorf("ended = %+v", ended)
		}
		_, err = f.cadres.End(f.ctx, f.cadre1, c.ID, cadre.Ending{})
		wantKind(t, err, errs.Conflict)
		// History: the ended post is listed under "ended" and "all", not by default.
		for status, want := range map[string]int{"": 0, cadre.Ended: 1, "all": 1} {
			pg, err := f.cadres.Find(f.ctx, f.cadre1, cadre.Filter{Status: status})
			if err != nil {
				t.Fatal(err)
			}
			if len(pg.Cadres) != want {
				t.Errorf("status %q: %d posts, want %d", status, len(pg.Cadres), want)
			}
		}
		// An ended post may be corrected and stays ended; its term may not
		// start after it ended.
		in := fullTime(p, f.u1, cadre.Secretary)
		in.CoManagement = "党委组织部协管"
		up, err := f.cadres.Update(f.ctx, f.cadre1, c.ID, in)
		if err != nil || up.Status != cadre.Ended || up.CoManagement != "党委组织部协管" {
			t.Fatalf("update ended: %+v, %v", up, err)
		}
		in.TermStart, in.TermEnd = "2025-03-02", ""
		f.clock.Advance(24 * time.Hour)
		_, err = f.cadres.Update(f.ctx, f.cadre1, c.ID, in)
		wantFields(t, err, map[string]string{"term_start": "err.cadre_ended_before"})
	})
}

// TestUpdate: details change; person and organization are fixed; a change
// into a serving duplicate is refused; the edit is audited by field names.
func TestUpdate(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p, q := f.person(t, "孙七", f.u1), f.person(t, "周八", f.u1)
		sec := f.appoint(t, f.cadre1, fullTime(p, f.u1, cadre.Secretary))
		dep := f.appoint(t, f.cadre1, fullTime(p, f.u1, cadre.Deputy))
		in := partTime(p, f.u1, cadre.Medium, cadre.Yes, 6)
		in.Post = cadre.Secretary
		up, err := f.cadres.Update(f.ctx, f.cadre1, sec.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if up.Basis != cadre.PartTime || up.Concurrent != "车间主任" || up.Hours != 6 || up.TermStart != "2024-03-01" || up.TermEnd != "" {
			t.Errorf("updated = %+v", up)
		}
		t.Run("PersonAndOrgFixed", func(t *testing.T) {
			bad := in
			bad.PersonID, bad.OrgID = q.ID, f.b1.ID
			_, err := f.cadres.Update(f.ctx, f.cadre1, sec.ID, bad)
			wantFields(t, err, map[string]string{"person_id": "err.cadre_fixed", "org_id": "err.cadre_fixed"})
			// Omitted, they stay.
			same := in
			same.PersonID, same.OrgID = 0, 0
			if got, err := f.cadres.Update(f.ctx, f.cadre1, sec.ID, same); err != nil || got.PersonID != p.ID || got.OrgID != f.u1.ID {
				t.Errorf("update without ids: %+v, %v", got, err)
			}
		})
		t.Run("Duplicate", func(t *testing.T) {
			dup := fullTime(p, f.u1, cadre.Secretary)
			_, err := f.cadres.Update(f.ctx, f.cadre1, dep.ID, dup)
			wantFields(t, err, map[string]string{"post": "err.cadre_duplicate"})
		})
		t.Run("Overdue", func(t *testing.T) {
			c := fullTime(q, f.u1, cadre.Member)
			c.TermStart, c.TermEnd = "2020-01-01", "2025-02-28"
			got := f.appoint(t, f.cadre1, c)
			if !got.Overdue(f.clock.Now()) {
				t.Error("a serving post whose term ended yesterday is not overdue")
			}
		})
	})
}
