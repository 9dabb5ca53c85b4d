package cadre_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/cadre"
	"qinggong/internal/web"
)

// TestGrowthRecord: appointing and ending write cadre.appointed and
// cadre.ended to the ledger for the person, dated on the term's start and
// end, so they show in the person's timeline; ForPerson lists the posts,
// serving first.
func TestGrowthRecord(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.person(t, "钱九", f.u1)
		old := f.appoint(t, f.cadre1, fullTime(p, f.u1, cadre.Secretary))
		if _, err := f.cadres.End(f.ctx, f.cadre1, old.ID, cadre.Ending{EndedOn: "2025-01-10", Reason: "换届"}); err != nil {
			t.Fatal(err)
		}
		cur := f.appoint(t, f.cadre1, partTime(p, f.d1, cadre.High, cadre.Yes, 6))
		rows, err := f.people.Timeline(f.ctx, f.viewer1, p.ID, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			if strings.HasPrefix(r.Kind, "cadre.") {
				got = append(got, fmt.Sprintf("%s %s ref=%s:%d org=%d", r.Kind, r.OccurredAt.In(shanghai).Format("2006-01-02"), r.RefType, r.RefID, r.OrgID))
			}
		}
		want := []string{
			fmt.Sprintf("cadre.ended 2025-01-10 ref=cadre:%d org=%d", old.ID, f.u1.ID),
			fmt.Sprintf("cadre.appointed 2024-03-01 ref=cadre:%d org=%d", cur.ID, f.d1.ID),
			fmt.Sprintf("cadre.appointed 2024-01-15 ref=cadre:%d org=%d", old.ID, f.u1.ID),
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("timeline = %q\nwant       %q", got, want)
		}
		posts, err := f.cadres.ForPerson(f.ctx, f.viewer1, p.ID)
		if err != nil || len(posts) != 2 || posts[0].ID != cur.ID || posts[1].ID != old.ID {
			t.Errorf("ForPerson = %+v, %v", posts, err)
		}
		// The person page names unknown kinds through the catalog.
		for _, k := range []string{cadre.KindAppointed, cadre.KindEnded} {
			for _, lang := range web.Languages {
				if web.Catalog(lang)["event."+k] == "" {
					t.Errorf("%s catalog lacks event.%s", lang, k)
				}
			}
		}
	})
}

// TestAudit: every write has its audit record in the same transaction,
// naming the object and, for edits, the fields; never the person (name or
// number) or the free text typed.
func TestAudit(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.person(t, "吴十", f.u1)
		mark := f.count(t, `SELECT seq FROM audit_head WHERE id = 1`)
		in := partTime(p, f.u1, cadre.High, cadre.Yes, 6)
		in.CoManagement = "由吴十所在党支部协管"
		c := f.appoint(t, f.cadre1, in)
		in.Concurrent, in.Hours = "安全员", 8
		if _, err := f.cadres.Update(f.ctx, f.cadre1, c.ID, in); err != nil {
			t.Fatal(err)
		}
		if _, err := f.cadres.End(f.ctx, f.cadre1, c.ID, cadre.Ending{Reason: "调离吴十"}); err != nil {
			t.Fatal(err)
		}
		recs, err := f.log.Find(f.ctx, f.d.R(), audit.Filter{Action: "cadre.", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range recs {
			if r.Seq <= mark || !strings.HasPrefix(r.Action, "cadre.") {
				continue
			}
			got = append(got, fmt.Sprintf("%s %s:%d %s", r.Action, r.ObjectType, r.ObjectID, r.Summary))
			for _, bad := range []string{"吴十", "安全员", "车间主任", "调离", "协管", "person"} {
				if strings.Contains(r.Summary, bad) {
					t.Errorf("audit summary %q holds %q", r.Summary, bad)
				}
			}
		}
		want := fmt.Sprintf("[cadre.end cadre:%[1]d org=%[2]d post=deputy cadre.update cadre:%[1]d fields=concurrent_post,hours_per_week cadre.create cadre:%[1]d org=%[2]d post=deputy basis=part_time]",
			c.ID, f.u1.ID)
		if fmt.Sprint(got) != want && fmt.Sprint(reverse(got)) != want {
			t.Errorf("audit = %v\nwant    %s", got, want)
		}
	})
}

var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)

func reverse(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[len(s)-1-i] = x
	}
	return out
}

// TestOrgMove: when a unit moves to another district its posts follow, in
// paths and so in scope: the old district's cadre loses them, the new
// one's gains them, and the history is intact.
func TestOrgMove(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.person(t, "郑一", f.b1)
		c := f.appoint(t, f.cadre1, partTime(p, f.b1, cadre.High, cadre.Yes, 6))
		stay := f.appoint(t, f.cadre1, fullTime(p, f.d1, cadre.Member))
		if _, err := f.orgs.Move(f.ctx, f.admin, f.u1.ID, f.d2.ID); err != nil {
			t.Fatal(err)
		}
		b1, err := f.orgs.FindByID(f.ctx, f.admin, f.b1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.count(t, `SELECT count(*) FROM cadres WHERE id = $1 AND org_path = $2`, c.ID, b1.Path); got != 1 {
			t.Errorf("post path not rewritten to %s", b1.Path)
		}
		cadre1, cadre2 := f.reload(t, f.cadre1.UserID), f.reload(t, f.cadre2.UserID)
		if _, err := f.cadres.Get(f.ctx, cadre1, c.ID); err == nil {
			t.Error("old district still sees the moved post")
		}
		if _, err := f.cadres.Get(f.ctx, cadre1, stay.ID); err != nil {
			t.Errorf("old district lost its own post: %v", err)
		}
		r, err := f.cadres.Report(f.ctx, cadre2, cadre.ReportFilter{Under: f.d2.ID})
		if err != nil || len(r.Items) != 1 || r.Items[0].Cadre.ID != c.ID {
			t.Errorf("new district report = %+v, %v", r, err)
		}
		if n, _ := f.cadres.Count(f.ctx, cadre2, cadre.Filter{}); n.N != 1 {
			t.Errorf("new district counts %d posts", n.N)
		}
		if _, err := f.cadres.End(f.ctx, cadre2, c.ID, cadre.Ending{}); err != nil {
			t.Errorf("new district cannot end the moved post: %v", err)
		}
	})
}
