package campaign_test

import (
	"fmt"
	"strings"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/errs"
	"qinggong/internal/person"
	"qinggong/internal/pii"
)

// A referrer names someone by the name and ID-card number they know; the
// nominee's organization holds the referral like an application. Every
// way of naming someone who cannot be put forward gets the same answer,
// and writes nothing; attempts are limited per account.
func TestReferrals(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		number := func(birth string) string {
			first17 := fmt.Sprintf("310115%s%03d", birth, 10+f.seq)
			return first17 + string(pii.CheckChar(first17))
		}
		p := f.person(t, "李举荐", f.B1, "20000101", 2, person.League)
		pNumber := number("20000101")
		f.person(t, "王超龄", f.B1, "19800101", 2, person.League)
		oldNumber := number("19800101")
		f.person(t, "赵外区", f.B2, "20000202", 2, person.League)
		outNumber := number("20000202")

		c, err := f.campaigns.Create(f.ctx, f.city, campaign.Input{Title: "上海青年经济人物", OrgID: f.root.ID, ScopeKind: "org", ScopeID: f.D1.ID,
			NomineeKind: campaign.NomineePerson, Winners: 3, Referral: true, Rules: campaign.Rules{AgeMax: 35}})
		if err == nil {
			c, err = f.campaigns.Advance(f.ctx, f.city, c.ID, campaign.StageNominating)
		}
		if err != nil {
			t.Fatal(err)
		}
		closed := f.open(t, campaign.Rules{}, 0)
		list, err := f.campaigns.ReferralOpenings(f.ctx)
		if err != nil || len(list) != 1 || list[0].ID != c.ID || !list[0].Referral {
			t.Fatalf("referral openings: %+v %v", list, err)
		}

		referrer := f.b2 // a cadre of another district: any login may refer
		refer := func(by *auth.Actor, id int64, name, num string) (*campaign.Nomination, error) {
			return f.campaigns.Refer(f.ctx, by, id, campaign.ReferInput{Name: name, IDNumber: num, Relation: "同事",
				Summary: "主持技术革新 3 项，年节约成本 200 万元。"})
		}
		_, err = f.campaigns.Refer(f.ctx, referrer, c.ID, campaign.ReferInput{})
		for _, field := range []string{"name", "id_number", "relation", "summary"} {
			wantField(t, err, field, "err.required")
		}
		before := f.count(t, `SELECT count(*) FROM nominations`)
		for _, x := range []struct{ what, name, num string }{
			{"a wrong name", "李某", pNumber},
			{"an unknown number", "李举荐", "310115200001019999"},
			{"someone too old", "王超龄", oldNumber},
			{"someone outside the scope", "赵外区", outNumber},
		} {
			_, err := refer(referrer, c.ID, x.name, x.num)
			e, ok := errs.As(err)
			if !ok || len(e.Fields) != 1 || e.Fields["id_number"] != "err.referral_unknown" {
				t.Errorf("%s: %v, want only id_number: err.referral_unknown", x.what, err)
			}
		}
		_, err = refer(referrer, closed.ID, "李举荐", pNumber)
		wantKind(t, err, errs.NotFound)
		if after := f.count(t, `SELECT count(*) FROM nominations`); after != before {
			t.Fatalf("refused referrals wrote %d nominations", after-before)
		}

		// The number as people type it: lower-case x, spaces.
		n, err := refer(referrer, c.ID, " 李举荐 ", strings.ToLower(pNumber[:6]+" "+pNumber[6:]))
		if err != nil {
			t.Fatal(err)
		}
		if n.NomineeID != p.ID || n.HolderID != f.B1.ID || n.Status != campaign.NomPending || n.Moral != "" {
			t.Fatalf("referral: %+v", n)
		}
		_, err = refer(f.u1, c.ID, "李举荐", pNumber)
		if e, ok := errs.As(err); !ok || e.Kind != errs.Conflict || e.Msg != "err.referred_already" {
			t.Fatalf("a second referral: %v", err)
		}
		// The holder writes the assessment and passes it up; the history
		// shows who referred and how they know the nominee.
		if _, err := f.campaigns.SetMoral(f.ctx, f.b1, n.ID, moral); err != nil {
			t.Fatal(err)
		}
		if n, err = f.campaigns.Forward(f.ctx, f.b1, n.ID, "同意推荐", 1); err != nil || n.HolderID != f.U1.ID {
			t.Fatalf("passed up: %+v %v", n, err)
		}
		_, steps, err := f.campaigns.Nomination(f.ctx, f.city, n.ID)
		if err != nil || len(steps) != 3 || steps[0].Action != "refer" || steps[0].Opinion != "同事" ||
			f.count(t, `SELECT count(*) FROM nomination_steps WHERE nomination_id = $1 AND action = 'refer' AND by_user = $2`, n.ID, referrer.UserID) != 1 {
			t.Fatalf("steps: %+v %v", steps, err)
		}

		// Oneself: apply instead.
		self := f.person(t, "孙自己", f.B1, "20010303", 2, person.League)
		selfNumber := number("20010303")
		uid, _, err := f.auth.CreateUser(f.ctx, f.sec, auth.NewUser{Login: "cmp.selfref", Name: "孙自己", OrgID: f.B1.ID, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.d.W().ExecContext(f.ctx, `UPDATE people SET user_id = $1 WHERE id = $2`, uid, self.ID); err != nil {
			t.Fatal(err)
		}
		_, err = refer(f.reload(t, uid), c.ID, "孙自己", selfNumber)
		wantField(t, err, "id_number", "err.referral_self")

		// Ten complete attempts an account, then one per few minutes.
		for i := range 10 {
			if _, err := refer(f.d1, c.ID, "李某", pNumber); errs.KindOf(err) != errs.Invalid {
				t.Fatalf("attempt %d: %v", i+1, err)
			}
		}
		_, err = refer(f.d1, c.ID, "李举荐", pNumber)
		if e, ok := errs.As(err); !ok || e.Kind != errs.TooMany || e.Msg != "err.referral_limit" {
			t.Fatalf("the eleventh attempt: %v", err)
		}
	})
}
