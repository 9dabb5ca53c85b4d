package cadre_test

import (
	"fmt"
	"testing"

	"qinggong/internal/cadre"
	"qinggong/internal/errs"
	"qinggong/internal/org"
)

// TestScopeIsolation: a cadre-role user of district D1 cannot see, list,
// count, report, edit or end a post of D2: every answer is NotFound or
// leaves it out, exactly as for a post that does not exist.
func TestScopeIsolation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p1, p2 := f.person(t, "甲", f.u1), f.person(t, "乙", f.u2)
		mine := f.appoint(t, f.cadre1, partTime(p1, f.u1, cadre.Low, cadre.Yes, 8))
		theirs := f.appoint(t, f.cadre2, partTime(p2, f.u2, cadre.Low, cadre.Yes, 8))

		t.Run("Get", func(t *testing.T) {
			_, err := f.cadres.Get(f.ctx, f.cadre1, theirs.ID)
			wantKind(t, err, errs.NotFound)
			_, err = f.cadres.Get(f.ctx, f.cadre1, 999999)
			wantKind(t, err, errs.NotFound)
			if _, err := f.cadres.Get(f.ctx, f.cadre1, mine.ID); err != nil {
				t.Errorf("own post: %v", err)
			}
		})
		t.Run("ListAndCount", func(t *testing.T) {
			for _, fl := range []cadre.Filter{{}, {Status: "all"}, {Basis: cadre.PartTime}, {Relevance: cadre.Low}} {
				pg, err := f.cadres.Find(f.ctx, f.cadre1, fl)
				if err != nil {
					t.Fatal(err)
				}
				if len(pg.Cadres) != 1 || pg.Cadres[0].ID != mine.ID {
					t.Errorf("%+v: listed %+v", fl, pg.Cadres)
				}
				n, err := f.cadres.Count(f.ctx, f.cadre1, fl)
				if err != nil || n.N != 1 {
					t.Errorf("%+v: count %+v, %v", fl, n, err)
				}
			}
			_, err := f.cadres.Find(f.ctx, f.cadre1, cadre.Filter{Under: f.d2.ID})
			wantKind(t, err, errs.NotFound)
			_, err = f.cadres.Count(f.ctx, f.cadre1, cadre.Filter{Under: f.u2.ID})
			wantKind(t, err, errs.NotFound)
			// The root admin sees both; narrowed to D2, only theirs.
			if n, _ := f.cadres.Count(f.ctx, f.admin, cadre.Filter{}); n.N != 2 {
				t.Errorf("admin count = %d", n.N)
			}
			if pg, _ := f.cadres.Find(f.ctx, f.admin, cadre.Filter{Under: f.d2.ID}); len(pg.Cadres) != 1 || pg.Cadres[0].ID != theirs.ID {
				t.Errorf("admin under D2: %+v", pg.Cadres)
			}
		})
		t.Run("Report", func(t *testing.T) {
			r, err := f.cadres.Report(f.ctx, f.cadre1, cadre.ReportFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Summary.PartTime != 1 || len(r.Items) != 1 || r.Items[0].Cadre.ID != mine.ID {
				t.Errorf("report = %+v", r)
			}
			_, err = f.cadres.Report(f.ctx, f.cadre1, cadre.ReportFilter{Under: f.d2.ID})
			wantKind(t, err, errs.NotFound)
		})
		t.Run("Write", func(t *testing.T) {
			before := f.written(t)
			_, err := f.cadres.Update(f.ctx, f.cadre1, theirs.ID, partTime(p2, f.u2, cadre.High, cadre.Yes, 8))
			wantKind(t, err, errs.NotFound)
			_, err = f.cadres.End(f.ctx, f.cadre1, theirs.ID, cadre.Ending{})
			wantKind(t, err, errs.NotFound)
			// A viewer reads but does not write, even in its own district.
			if _, err := f.cadres.Get(f.ctx, f.viewer1, mine.ID); err != nil {
				t.Errorf("viewer get: %v", err)
			}
			_, err = f.cadres.End(f.ctx, f.viewer1, mine.ID, cadre.Ending{})
			wantKind(t, err, errs.NotFound)
			if after := f.written(t); after != before {
				t.Errorf("refused writes wrote: %s → %s", before, after)
			}
		})
		t.Run("ForPerson", func(t *testing.T) {
			_, err := f.cadres.ForPerson(f.ctx, f.cadre1, p2.ID)
			wantKind(t, err, errs.NotFound)
			got, err := f.cadres.ForPerson(f.ctx, f.cadre1, p1.ID)
			if err != nil || len(got) != 1 || got[0].ID != mine.ID {
				t.Errorf("ForPerson own: %+v, %v", got, err)
			}
		})
	})
}

// TestFindPages: keyset pages cross every post exactly once, in
// organization order, and a bad cursor is a field error.
func TestFindPages(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		orgs := []*org.Org{f.u1, f.b1, f.d1, f.u1, f.b1}
		for i, o := range orgs {
			p := f.person(t, "页"+string(rune('A'+i)), f.u1)
			f.appoint(t, f.cadre1, fullTime(p, o, cadre.Member))
		}
		var paths []string
		seen := map[int64]bool{}
		fl := cadre.Filter{Limit: 2}
		for range 10 {
			pg, err := f.cadres.Find(f.ctx, f.cadre1, fl)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range pg.Cadres {
				paths = append(paths, c.OrgName)
				if seen[c.ID] {
					t.Errorf("post %d listed twice", c.ID)
				}
				seen[c.ID] = true
			}
			if pg.Next == "" {
				break
			}
			fl.After = pg.Next
		}
		if len(seen) != len(orgs) {
			t.Errorf("paged through %d posts, want %d", len(seen), len(orgs))
		}
		// Organization order: D1 before its unit U1 before its branch B1.
		if fmt.Sprint(paths) != "[Org D1 Org U1 Org U1 Org B1 Org B1]" {
			t.Errorf("order = %v", paths)
		}
		_, err := f.cadres.Find(f.ctx, f.cadre1, cadre.Filter{After: "!!"})
		wantFields(t, err, map[string]string{"after": "err.cursor"})
		_, err = f.cadres.Find(f.ctx, f.cadre1, cadre.Filter{Post: "chair", Status: "gone"})
		wantFields(t, err, map[string]string{"post": "err.invalid", "status": "err.invalid"})
	})
}
