package campaign_test

import (
	"math/rand/v2"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/errs"
	"qinggong/internal/person"
)

// A campaign is announced in draft and moves forward one stage at a
// time, each move audited; bad settings are refused field by field.
func TestCampaignStages(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		_, err := f.campaigns.Create(f.ctx, f.city, campaign.Input{OrgID: f.root.ID, NomineeKind: "team", Winners: 0,
			Rules: campaign.Rules{SkillLevel: 9, AgeOn: "2025-13-01"}})
		for field, key := range map[string]string{"title": "err.required", "nominee_kind": "err.choose", "winners": "err.campaign_winners",
			"rules.skill_level": "err.invalid", "rules.age_on": "err.date"} {
			wantField(t, err, field, key)
		}
		_, err = f.campaigns.Create(f.ctx, f.d1, campaign.Input{Title: "x", OrgID: f.root.ID, NomineeKind: campaign.NomineePerson, Winners: 1})
		wantField(t, err, "org_id", "err.org_unknown") // D1 does not organize for the city

		c := f.open(t, campaign.Rules{}, 6)
		if c.Stage != campaign.StageNominating || c.Total != 6 || c.ScopeKind != "org" || c.ScopeID != f.root.ID {
			t.Fatalf("campaign = %+v", c)
		}
		_, err = f.campaigns.Advance(f.ctx, f.city, c.ID, campaign.StageNaming)
		wantKind(t, err, errs.Conflict)
		_, err = f.campaigns.Advance(f.ctx, f.city, c.ID, campaign.StageDraft)
		wantKind(t, err, errs.Conflict)
		_, err = f.campaigns.Advance(f.ctx, f.d1, c.ID, campaign.StageChecking)
		wantKind(t, err, errs.NotFound)
		for _, st := range []string{campaign.StageChecking, campaign.StageReviewing} {
			if c, err = f.campaigns.Advance(f.ctx, f.city, c.ID, st); err != nil || c.Stage != st {
				t.Fatalf("advance to %s: %v", st, err)
			}
		}
		// The notice needs its list first; naming comes from naming the winners.
		_, err = f.campaigns.Advance(f.ctx, f.city, c.ID, campaign.StagePublicity)
		wantKind(t, err, errs.Conflict)
		if n := f.count(t, `SELECT count(*) FROM audit WHERE action = 'campaign.stage' AND object_id = $1`, c.ID); n != 3 {
			t.Fatalf("%d stage moves audited", n)
		}
		// D1's cadre can see it (it may nominate in the scope); nobody outside can.
		if _, err := f.campaigns.Get(f.ctx, f.b1, c.ID); err != nil {
			t.Fatalf("a nominator cannot see the campaign: %v", err)
		}
	})
}

// Quotas go down the tree: the city gives districts parts of its total,
// a district gives its units parts of its quota; no level hands out more
// than it has, and only the level above may set a quota.
func TestQuotaAllocation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.open(t, campaign.Rules{}, 5)
		set := func(by string, o int64, n int) error {
			_, err := f.campaigns.SetQuota(f.ctx, f.actorNamed(by), c.ID, o, n)
			return err
		}
		if err := set("city", f.D1.ID, 3); err != nil {
			t.Fatal(err)
		}
		if err := set("city", f.D2.ID, 2); err != nil {
			t.Fatal(err)
		}
		wantField(t, set("city", f.D1.ID, 4), "quota", "err.quota_exceeds_parent")
		wantKind(t, set("d1", f.D1.ID, 1), errs.NotFound) // D1 cannot set its own quota
		if err := set("d1", f.U1.ID, 2); err != nil {
			t.Fatal(err)
		}
		wantField(t, set("d1", f.U3.ID, 2), "quota", "err.quota_exceeds_parent")
		wantField(t, set("city", f.D1.ID, 1), "quota", "err.quota_below_allocated")
		wantKind(t, set("b2", f.U1.ID, 1), errs.NotFound)
		q, err := f.campaigns.QuotaOf(f.ctx, f.d1, c.ID, f.D1.ID)
		if err != nil || q.Quota != 3 || q.Allocated != 2 || q.Used != 0 {
			t.Fatalf("D1's quota = %+v, %v", q, err)
		}
	})
}

func (f *fixture) actorNamed(name string) *auth.Actor {
	return map[string]*auth.Actor{"city": f.city, "d1": f.d1, "u1": f.u1, "b1": f.b1, "b2": f.b2}[name]
}

// Nominations go bottom-up: B1 nominates its own people, U1 passes up
// within its quota, D1 on to the city; eligibility, the moral assessment
// and the nominee's place are checked, and a return frees quota.
func TestNominationFlow(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		rules := campaign.Rules{AgeMax: 35, SkillLevel: 2, Political: []string{person.League, person.Party}}
		c := f.open(t, rules, 10)
		if _, err := f.campaigns.SetQuota(f.ctx, f.city, c.ID, f.D1.ID, 4); err != nil {
			t.Fatal(err)
		}
		if _, err := f.campaigns.SetQuota(f.ctx, f.d1, c.ID, f.U1.ID, 1); err != nil {
			t.Fatal(err)
		}
		good := f.person(t, "技师甲", f.B1, "19950101", 2, person.League)
		good2 := f.person(t, "技师乙", f.B1, "19960101", 1, person.Party)
		old := f.person(t, "年长", f.B1, "19800101", 1, person.Party)
		low := f.person(t, "中级工", f.B1, "19990101", 4, person.League)
		masses := f.person(t, "群众", f.B1, "19990101", 2, person.None)
		far := f.person(t, "外区", f.B2, "19990101", 2, person.League)

		nominate := func(p *person.Person, moralText string) (*campaign.Nomination, error) {
			return f.campaigns.Nominate(f.ctx, f.b1, c.ID, campaign.NominateInput{OrgID: f.B1.ID, NomineeID: p.ID, Moral: moralText, Summary: "技术能手"})
		}
		_, err := nominate(old, moral)
		wantField(t, err, "nominee", "err.nominee_age")
		_, err = nominate(low, moral)
		wantField(t, err, "nominee", "err.nominee_skill")
		_, err = nominate(masses, moral)
		wantField(t, err, "nominee", "err.nominee_political")
		_, err = nominate(good, "")
		wantField(t, err, "moral", "err.moral_required")
		_, err = nominate(far, moral) // not B1's, and not visible to B1
		wantField(t, err, "nominee_id", "err.nominee_unknown")
		if n := f.count(t, `SELECT count(*) FROM nominations`); n != 0 {
			t.Fatalf("%d nominations written by refused calls", n)
		}

		n1, err := nominate(good, moral)
		if err != nil {
			t.Fatal(err)
		}
		if n1.Status != campaign.NomPending || n1.HolderID != f.B1.ID {
			t.Fatalf("nomination = %+v", n1)
		}
		_, err = nominate(good, moral)
		wantKind(t, err, errs.Conflict)
		n2, err := nominate(good2, moral)
		if err != nil {
			t.Fatal(err)
		}
		// B1 has no quota of its own: both go up to U1.
		for _, n := range []*campaign.Nomination{n1, n2} {
			if n, err = f.campaigns.Forward(f.ctx, f.b1, n.ID, "推荐", 1); err != nil || n.HolderID != f.U1.ID {
				t.Fatalf("B1 forwards: %+v %v", n, err)
			}
		}
		_, err = f.campaigns.Forward(f.ctx, f.b1, n1.ID, "again", 1) // held by U1 now
		wantKind(t, err, errs.NotFound)
		_, err = f.campaigns.Forward(f.ctx, f.u1, n1.ID, "", 1)
		wantField(t, err, "opinion", "err.required")
		if _, err = f.campaigns.Forward(f.ctx, f.u1, n1.ID, "同意推荐", 1); err != nil {
			t.Fatal(err)
		}
		_, err = f.campaigns.Forward(f.ctx, f.u1, n2.ID, "同意推荐", 2) // U1's quota is 1
		if e, ok := errs.As(err); !ok || e.Msg != "err.quota_full" {
			t.Fatalf("beyond quota: %v", err)
		}
		q, _ := f.campaigns.QuotaOf(f.ctx, f.d1, c.ID, f.U1.ID)
		if q.Used != 1 {
			t.Fatalf("U1 used %d", q.Used)
		}
		// D1 passes n1 to the city: submitted. Then the city returns it:
		// back at B1, and U1's quota is free again.
		if n1, err = f.campaigns.Forward(f.ctx, f.d1, n1.ID, "区团委推荐", 1); err != nil || n1.Status != campaign.NomSubmitted || n1.HolderID != f.root.ID {
			t.Fatalf("to the city: %+v %v", n1, err)
		}
		if n1, err = f.campaigns.Return(f.ctx, f.city, n1.ID, "事迹材料不完整"); err != nil || n1.Status != campaign.NomReturned || n1.HolderID != f.B1.ID {
			t.Fatalf("return: %+v %v", n1, err)
		}
		if q, _ := f.campaigns.QuotaOf(f.ctx, f.d1, c.ID, f.U1.ID); q.Used != 0 {
			t.Fatalf("U1 used %d after the return", q.Used)
		}
		if _, err = f.campaigns.Forward(f.ctx, f.u1, n2.ID, "同意推荐", 1); err != nil {
			t.Fatalf("U1 forwards n2 with its quota freed: %v", err)
		}
		if _, err = f.campaigns.Revise(f.ctx, f.b1, n1.ID, moral+"补充。", "补充事迹"); err != nil {
			t.Fatal(err)
		}
		if _, err = f.campaigns.Withdraw(f.ctx, f.b1, n1.ID, "本人放弃"); err != nil {
			t.Fatal(err)
		}
		_, steps, err := f.campaigns.Nomination(f.ctx, f.d1, n1.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, s := range steps {
			actions = append(actions, s.Action)
		}
		if want := "nominate forward forward forward return revise withdraw"; join(actions) != want {
			t.Fatalf("history = %q, want %q", join(actions), want)
		}
		// Withdrawn, the nominee may be nominated again.
		if _, err := nominate(good, moral); err != nil {
			t.Fatalf("renominate after withdrawal: %v", err)
		}
		// Nominating ends: no more nominations or forwards.
		if _, err := f.campaigns.Advance(f.ctx, f.city, c.ID, campaign.StageChecking); err != nil {
			t.Fatal(err)
		}
		_, err = nominate(good2, moral)
		wantKind(t, err, errs.Conflict)
	})
}

// The property of quotas: whatever allocations are asked, in any order by
// anyone, the quotas an organization hands out never add up to more than
// its own, and whatever is passed upward never exceeds a quota.
func TestQuotaProperty(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		rng := rand.New(rand.NewPCG(11, 2026))
		c := f.open(t, campaign.Rules{}, 6)
		actors := []string{"city", "d1", "u1", "b1", "b2"}
		orgs := []int64{f.D1.ID, f.D2.ID, f.U1.ID, f.U2.ID, f.U3.ID, f.B1.ID, f.B2.ID}
		var people []*person.Person
		for i := range 8 {
			people = append(people, f.person(t, "候选"+string(rune('A'+i)), f.B1, "19980101", 0, person.League))
		}
		var noms []int64
		for range 80 {
			switch rng.IntN(3) {
			case 0:
				_, _ = f.campaigns.SetQuota(f.ctx, f.actorNamed(actors[rng.IntN(len(actors))]), c.ID, orgs[rng.IntN(len(orgs))], rng.IntN(4)+rng.IntN(2))
			case 1:
				p := people[rng.IntN(len(people))]
				if n, err := f.campaigns.Nominate(f.ctx, f.b1, c.ID, campaign.NominateInput{OrgID: f.B1.ID, NomineeID: p.ID, Moral: moral}); err == nil {
					noms = append(noms, n.ID)
				}
			case 2:
				if len(noms) > 0 {
					_, _ = f.campaigns.Forward(f.ctx, f.actorNamed(actors[rng.IntN(len(actors))]), noms[rng.IntN(len(noms))], "推荐", 1)
				}
			}
			f.checkQuotas(t, c)
		}
		if n := f.count(t, `SELECT count(*) FROM nominations WHERE holder_id <> origin_id`); n == 0 {
			t.Fatal("no nomination was passed upward: the property was not exercised")
		}
	})
}

// checkQuotas recomputes every quota's allocation and use from the tables.
func (f *fixture) checkQuotas(t *testing.T, c *campaign.Campaign) {
	t.Helper()
	for _, o := range []int64{f.root.ID, f.D1.ID, f.D2.ID, f.U1.ID, f.U2.ID, f.U3.ID, f.B1.ID, f.B2.ID} {
		q, err := f.campaigns.QuotaOf(f.ctx, f.city, c.ID, o)
		if err != nil {
			t.Fatal(err)
		}
		if q.Allocated > q.Quota || q.Used > q.Quota {
			t.Fatalf("org %d: quota %+v overdrawn", o, q)
		}
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}
