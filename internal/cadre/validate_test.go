package cadre_test

import (
	"strings"
	"testing"

	"qinggong/internal/cadre"
)

// TestCreateValidation: every bad field is named with its catalog key at
// once, and a refused appointment writes nothing (no post, ledger entry or
// audit record).
func TestCreateValidation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.person(t, "张三", f.u1)
		before := f.written(t)
		for _, tc := range []struct {
			name string
			in   func(cadre.Input) cadre.Input
			want map[string]string
		}{
			{"Empty", func(cadre.Input) cadre.Input { return cadre.Input{} }, map[string]string{"person_id": "err.required",
				"org_id": "err.required", "post": "err.choose", "basis": "err.choose", "term_start": "err.required"}},
			{"UnknownValues", func(in cadre.Input) cadre.Input { in.Post, in.Basis = "chair", "sometimes"; return in },
				map[string]string{"post": "err.choose", "basis": "err.choose"}},
			{"PartTimeWithoutChecks", func(in cadre.Input) cadre.Input {
				in.Basis, in.Concurrent, in.Relevance, in.Prospects, in.Hours = cadre.PartTime, " ", "very", "", -1
				return in
			}, map[string]string{"concurrent_post": "err.required", "relevance": "err.choose", "prospects": "err.choose",
				"hours_per_week": "err.cadre_hours"}},
			{"TooManyHours", func(in cadre.Input) cadre.Input {
				in = partTime(p, f.u1, cadre.High, cadre.Yes, cadre.MaxHours+1)
				return in
			}, map[string]string{"hours_per_week": "err.cadre_hours"}},
			{"TermEndBeforeStart", func(in cadre.Input) cadre.Input { in.TermEnd = in.TermStart; return in },
				map[string]string{"term_end": "err.cadre_term_end"}},
			{"TermStartFuture", func(in cadre.Input) cadre.Input { in.TermStart, in.TermEnd = "2025-03-02", ""; return in },
				map[string]string{"term_start": "err.date_future"}},
			{"BadDates", func(in cadre.Input) cadre.Input { in.TermStart, in.TermEnd = "2024-02-30", "soon"; return in },
				map[string]string{"term_start": "err.date_format", "term_end": "err.date_format"}},
			{"TooLong", func(in cadre.Input) cadre.Input {
				in = partTime(p, f.u1, cadre.High, cadre.Yes, 4)
				in.Concurrent, in.ProspectsNote, in.CoManagement = strings.Repeat("长", 101), "a\x07b", strings.Repeat("协", 1001)
				return in
			}, map[string]string{"concurrent_post": "err.too_long", "prospects_note": "err.invalid", "co_management": "err.too_long"}},
			{"PersonMissing", func(in cadre.Input) cadre.Input { in.PersonID = 999999; return in },
				map[string]string{"person_id": "err.cadre_person_unknown"}},
			{"OrgMissing", func(in cadre.Input) cadre.Input { in.OrgID = 999999; return in },
				map[string]string{"org_id": "err.org_unknown"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.cadres.Create(f.ctx, f.admin, tc.in(fullTime(p, f.u1, cadre.Secretary)))
				wantFields(t, err, tc.want)
			})
		}
		if after := f.written(t); after != before {
			t.Errorf("refused appointments wrote: %s → %s", before, after)
		}
	})
}

// TestCreateRules: the organization must be active and in the write scope,
// the person readable, and a serving post of a kind unique per person and
// organization; a full-time post keeps no part-time fields.
func TestCreateRules(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p1, p2 := f.person(t, "李四", f.u1), f.person(t, "王五", f.u2)
		t.Run("OrgOutsideWriteScope", func(t *testing.T) {
			_, err := f.cadres.Create(f.ctx, f.cadre1, fullTime(p1, f.u2, cadre.Secretary))
			wantFields(t, err, map[string]string{"org_id": "err.org_unknown"})
			_, err = f.cadres.Create(f.ctx, f.viewer1, fullTime(p1, f.u1, cadre.Secretary))
			wantFields(t, err, map[string]string{"org_id": "err.org_unknown"})
		})
		t.Run("PersonOutsideReadScope", func(t *testing.T) {
			_, err := f.cadres.Create(f.ctx, f.cadre1, fullTime(p2, f.u1, cadre.Secretary))
			wantFields(t, err, map[string]string{"person_id": "err.cadre_person_unknown"})
		})
		t.Run("ArchivedOrg", func(t *testing.T) {
			b := f.mk(t, f.u1, "B9", "branch")
			if _, err := f.orgs.Archive(f.ctx, f.admin, b.ID); err != nil {
				t.Fatal(err)
			}
			_, err := f.cadres.Create(f.ctx, f.admin, fullTime(p1, b, cadre.Secretary))
			wantFields(t, err, map[string]string{"org_id": "err.org_unknown"})
		})
		t.Run("FullTimeClearsPartTimeFields", func(t *testing.T) {
			in := partTime(p1, f.u1, cadre.Low, cadre.No, 2)
			in.Basis, in.Post = cadre.FullTime, cadre.Member
			c := f.appoint(t, f.cadre1, in)
			if c.Concurrent != "" || c.Relevance != "" || c.Prospects != "" || c.ProspectsNote != "" || c.Hours != 0 {
				t.Errorf("full-time post kept part-time fields: %+v", c)
			}
			if c.Status != cadre.Serving || c.PersonName != "李四" || c.OrgName != "Org U1" || c.OrgID != f.u1.ID {
				t.Errorf("post = %+v", c)
			}
		})
		t.Run("OneServingPostOfAKind", func(t *testing.T) {
			first := f.appoint(t, f.cadre1, fullTime(p1, f.u1, cadre.Secretary))
			_, err := f.cadres.Create(f.ctx, f.cadre1, fullTime(p1, f.u1, cadre.Secretary))
			wantFields(t, err, map[string]string{"post": "err.cadre_duplicate"})
			// Another kind, or the same kind elsewhere, is fine.
			f.appoint(t, f.cadre1, fullTime(p1, f.u1, cadre.Deputy))
			f.appoint(t, f.cadre1, fullTime(p1, f.b1, cadre.Secretary))
			// Once the term ended, the post may be held again.
			if _, err := f.cadres.End(f.ctx, f.cadre1, first.ID, cadre.Ending{}); err != nil {
				t.Fatal(err)
			}
			f.appoint(t, f.cadre1, fullTime(p1, f.u1, cadre.Secretary))
		})
	})
}
