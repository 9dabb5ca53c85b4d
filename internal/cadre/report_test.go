package cadre_test

import (
	"fmt"
	"testing"

	"qinggong/internal/cadre"
)

// TestReport: the three checks of the work plan for serving part-time
// cadres (relevance high or medium, prospects yes, hours at least the
// threshold), the summary, the flagged filter, the threshold and the
// organization filter; full-time and ended posts are not in it.
func TestReport(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		type spec struct {
			name      string
			relevance string
			prospects string
			hours     int
		}
		specs := []spec{
			{"全符合", cadre.High, cadre.Yes, 4},
			{"中关联", cadre.Medium, cadre.Yes, 10},
			{"低关联", cadre.Low, cadre.Yes, 8},
			{"无前景", cadre.High, cadre.No, 8},
			{"时间少", cadre.Medium, cadre.Yes, 3},
			{"全不符", cadre.Low, cadre.No, 0},
		}
		byName := map[string]int64{}
		for i, s := range specs {
			o := f.u1
			if i%2 == 1 {
				o = f.b1
			}
			p := f.person(t, s.name, o)
			byName[s.name] = f.appoint(t, f.cadre1, partTime(p, o, s.relevance, s.prospects, s.hours)).ID
		}
		// Not in the report: a full-time post, an ended part-time post.
		ft := f.person(t, "专职", f.u1)
		f.appoint(t, f.cadre1, fullTime(ft, f.u1, cadre.Secretary))
		ended := f.appoint(t, f.cadre1, partTime(ft, f.u1, cadre.Low, cadre.No, 0))
		if _, err := f.cadres.End(f.ctx, f.cadre1, ended.ID, cadre.Ending{}); err != nil {
			t.Fatal(err)
		}

		r, err := f.cadres.Report(f.ctx, f.cadre1, cadre.ReportFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if r.MinHours != cadre.DefaultMinHours {
			t.Errorf("min hours = %d", r.MinHours)
		}
		want := cadre.Summary{PartTime: 6, Passing: 2, LowRelevance: 2, NoProspects: 2, ShortHours: 2}
		if r.Summary != want {
			t.Errorf("summary = %+v, want %+v", r.Summary, want)
		}
		got := map[string]string{}
		for _, row := range r.Items {
			got[row.Cadre.PersonName] = fmt.Sprintf("%t %t %t %t", row.Checks.Relevance, row.Checks.Prospects, row.Checks.Hours, row.OK)
		}
		for name, w := range map[string]string{"全符合": "true true true true", "中关联": "true true true true",
			"低关联": "false true true false", "无前景": "true false true false", "时间少": "true true false false",
			"全不符": "false false false false"} {
			if got[name] != w {
				t.Errorf("%s: checks %q, want %q", name, got[name], w)
			}
		}
		if len(got) != 6 {
			t.Errorf("report rows = %v", got)
		}

		t.Run("Flagged", func(t *testing.T) {
			n, fl := 0, cadre.ReportFilter{Flagged: true, Limit: 2}
			var r cadre.Report
			for range 10 {
				var err error
				if r, err = f.cadres.Report(f.ctx, f.cadre1, fl); err != nil {
					t.Fatal(err)
				}
				for _, row := range r.Items {
					n++
					if row.OK {
						t.Errorf("flagged report lists %s, which passes", row.Cadre.PersonName)
					}
				}
				if fl.After = r.Next; r.Next == "" {
					break
				}
			}
			if n != 4 || r.Summary.PartTime != 6 {
				t.Errorf("flagged rows = %d, summary %+v", n, r.Summary)
			}
		})
		t.Run("Threshold", func(t *testing.T) {
			r, err := f.cadres.Report(f.ctx, f.cadre1, cadre.ReportFilter{MinHours: 9})
			if err != nil {
				t.Fatal(err)
			}
			if r.MinHours != 9 || r.Summary.ShortHours != 5 || r.Summary.Passing != 1 {
				t.Errorf("at 9 h: %+v", r.Summary)
			}
			_, err = f.cadres.Report(f.ctx, f.cadre1, cadre.ReportFilter{MinHours: cadre.MaxHours + 1})
			wantFields(t, err, map[string]string{"min_hours": "err.cadre_hours"})
		})
		t.Run("UnderOrg", func(t *testing.T) {
			r, err := f.cadres.Report(f.ctx, f.cadre1, cadre.ReportFilter{Under: f.b1.ID})
			if err != nil {
				t.Fatal(err)
			}
			// b1 holds the odd rows: 中关联, 无前景, 全不符.
			if r.Summary.PartTime != 3 || r.Summary.Passing != 1 || len(r.Items) != 3 {
				t.Errorf("under B1: %+v", r)
			}
		})
		t.Run("Evaluate", func(t *testing.T) {
			c := &cadre.Cadre{Relevance: cadre.Medium, Prospects: cadre.Yes, Hours: 4}
			if !cadre.Evaluate(c, 4).OK() || cadre.Evaluate(c, 5).OK() {
				t.Error("hours threshold is not inclusive")
			}
		})
	})
}
