package campaign_test

import (
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/errs"
	"qinggong/internal/person"
)

// A young worker applies from their own login where the campaign takes
// applications; their organization holds it, writes the moral assessment
// and only then passes it up.
func TestApplications(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.person(t, "自荐青年", f.B1, "19990101", 2, person.League)
		uid, _, err := f.auth.CreateUser(f.ctx, f.sec, auth.NewUser{Login: "cmp.self", Name: "自荐青年", OrgID: f.B1.ID, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.d.W().ExecContext(f.ctx, `UPDATE people SET user_id = $1 WHERE id = $2`, uid, p.ID); err != nil {
			t.Fatal(err)
		}
		me := f.reload(t, uid)
		open := func(title string, selfApply bool, scope int64) *campaign.Campaign {
			c, err := f.campaigns.Create(f.ctx, f.city, campaign.Input{Title: title, OrgID: f.root.ID, ScopeKind: "org", ScopeID: scope,
				NomineeKind: campaign.NomineePerson, Winners: 3, SelfApply: selfApply, Rules: campaign.Rules{AgeMax: 35}})
			if err == nil {
				c, err = f.campaigns.Advance(f.ctx, f.city, c.ID, campaign.StageNominating)
			}
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		c := open("上海青年创业明星", true, f.root.ID)
		closed := open("十大杰出青年技师", false, f.root.ID)
		elsewhere := open("D2 青年创业明星", true, f.D2.ID)
		list, err := f.campaigns.Openings(f.ctx, me)
		if err != nil || len(list) != 1 || list[0].ID != c.ID {
			t.Fatalf("openings: %v %v", list, err)
		}
		_, err = f.campaigns.Apply(f.ctx, me, c.ID, campaign.ApplyInput{})
		wantField(t, err, "summary", "err.required")
		for _, other := range []*campaign.Campaign{closed, elsewhere} {
			_, err = f.campaigns.Apply(f.ctx, me, other.ID, campaign.ApplyInput{Summary: "创办科技企业"})
			wantKind(t, err, errs.NotFound)
		}
		n, err := f.campaigns.Apply(f.ctx, me, c.ID, campaign.ApplyInput{Summary: "创办科技型小微企业，带动就业 30 余人。"})
		if err != nil {
			t.Fatal(err)
		}
		if n.HolderID != f.B1.ID || n.Status != campaign.NomPending || n.Moral != "" {
			t.Fatalf("application: %+v", n)
		}
		_, err = f.campaigns.Apply(f.ctx, me, c.ID, campaign.ApplyInput{Summary: "再报一次"})
		wantKind(t, err, errs.Conflict)
		_, err = f.campaigns.Forward(f.ctx, f.b1, n.ID, "同意推荐", 1)
		wantField(t, err, "moral", "err.moral_required")
		if _, err := f.campaigns.SetMoral(f.ctx, f.b2, n.ID, moral); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("another district's branch writes the assessment: %v", err)
		}
		if _, err := f.campaigns.SetMoral(f.ctx, f.b1, n.ID, moral); err != nil {
			t.Fatal(err)
		}
		if n, err = f.campaigns.Forward(f.ctx, f.b1, n.ID, "同意推荐", 1); err != nil || n.HolderID != f.U1.ID {
			t.Fatalf("passed up after the assessment: %+v %v", n, err)
		}
		_, steps, err := f.campaigns.Nomination(f.ctx, f.city, n.ID)
		if err != nil || len(steps) != 3 || steps[0].Action != "apply" || steps[1].Action != "moral" {
			t.Fatalf("steps: %+v %v", steps, err)
		}
		// A login linked to no record has nothing to apply with.
		_, err = f.campaigns.Openings(f.ctx, f.b1)
		wantKind(t, err, errs.Conflict)
	})
}
