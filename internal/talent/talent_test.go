package talent_test

import (
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/errs"
	"qinggong/internal/person"
	"qinggong/internal/svctest"
	"qinggong/internal/talent"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

type fixture struct {
	*svctest.Fixture
	talent    *talent.Service
	campaigns *campaign.Service
}

func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		sf := svctest.New(t, d)
		c := campaign.New(d, sf.Audit, sf.Orgs, sf.Clock.Now)
		c.Register(campaign.PersonKind{People: sf.People})
		svc := talent.New(d, sf.Audit, sf.Orgs, sf.People, c, sf.Clock.Now)
		sf.Orgs.OnMove(svc.OrgMoved)
		fn(t, &fixture{Fixture: sf, talent: svc, campaigns: c})
	})
}

const moral = "思想政治素质好，爱岗敬业，遵纪守法，群众公认。"

func (f *fixture) recommend(t *testing.T, by *auth.Actor, p *person.Person, kind string, to int64) *talent.Recommendation {
	t.Helper()
	r, err := f.talent.Recommend(f.Ctx, by, talent.Input{PersonID: p.ID, Kind: kind, ToOrgID: to,
		Evidence: "主持技术革新三项，获市职工技能竞赛一等奖。", Moral: moral})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRecommendVetAndPool(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.Person(t, "陈技", f.B1)
		// U1's cadre recommends to its parent, D1 (the default).
		r := f.recommend(t, f.U1, p, "technical_skill", 0)
		if r.ToOrgID != f.D1.ID || r.ToLevel != "district" || r.Status != talent.Submitted || r.FromOrgID != f.U1Org.ID {
			t.Fatalf("recommendation = %+v", r)
		}
		// The same person, kind and committee again: refused.
		_, err := f.talent.Recommend(f.Ctx, f.U1, talent.Input{PersonID: p.ID, Kind: "technical_skill", ToOrgID: f.D1.ID,
			Evidence: "同上", Moral: moral})
		svctest.WantMsg(t, err, errs.Conflict, "err.talent_twice")
		// A cadre cannot vet (no talent.vet); the other district's sees nothing.
		_, err = f.talent.Vet(f.Ctx, f.U1, r.ID, talent.VetInput{Accept: true})
		svctest.WantKind(t, err, errs.Forbidden)
		_, err = f.talent.Vet(f.Ctx, f.B2, r.ID, talent.VetInput{Accept: true})
		svctest.WantKind(t, err, errs.NotFound)
		_, err = f.talent.Get(f.Ctx, f.B2, r.ID)
		svctest.WantKind(t, err, errs.NotFound)
		// Returning needs a reason.
		_, err = f.talent.Vet(f.Ctx, f.D1Admin, r.ID, talent.VetInput{})
		svctest.WantField(t, err, "note", "err.talent_return_reason")
		got, err := f.talent.Vet(f.Ctx, f.D1Admin, r.ID, talent.VetInput{Accept: true, Note: "同意入库"})
		if err != nil || got.Status != talent.Accepted || got.VettedAt == nil {
			t.Fatalf("vet: %+v %v", got, err)
		}
		_, err = f.talent.Vet(f.Ctx, f.D1Admin, r.ID, talent.VetInput{Accept: true})
		svctest.WantMsg(t, err, errs.Conflict, "err.talent_vetted")
		// A second recommendation, returned: not in the pool.
		q := f.Person(t, "刘管", f.U1Org)
		r2 := f.recommend(t, f.U1, q, "management", 0)
		if _, err := f.talent.Vet(f.Ctx, f.D1Admin, r2.ID, talent.VetInput{Note: "材料不全，请补充"}); err != nil {
			t.Fatal(err)
		}
		// The pool by kind, level and organization.
		pool := func(by *auth.Actor, flt talent.Filter) int {
			t.Helper()
			pg, err := f.talent.Pool(f.Ctx, by, flt)
			if err != nil {
				t.Fatal(err)
			}
			return len(pg.Items)
		}
		if n := pool(f.D1Admin, talent.Filter{}); n != 1 {
			t.Fatalf("D1's pool has %d, want 1", n)
		}
		if n := pool(f.City, talent.Filter{Kind: "technical_skill", Level: "district", OrgID: f.U1Org.ID}); n != 1 {
			t.Fatalf("filtered pool has %d, want 1", n)
		}
		if n := pool(f.City, talent.Filter{Kind: "science"}); n != 0 {
			t.Fatalf("science pool has %d, want 0", n)
		}
		if n := pool(f.U1, talent.Filter{Status: "all", Side: "sent"}); n != 2 {
			t.Fatalf("U1 sent %d, want 2", n)
		}
		if n := pool(f.B2, talent.Filter{Status: "all"}); n != 0 {
			t.Fatalf("B2 sees %d, want 0", n)
		}
		_, err = f.talent.Pool(f.Ctx, f.City, talent.Filter{Kind: "nope"})
		svctest.WantField(t, err, "kind", "err.choose")
		// After a return the person may be recommended again.
		f.recommend(t, f.U1, q, "management", 0)
		// Growth record: two recommendations of q, one of p and p's acceptance.
		if n := f.Count(t, `SELECT count(*) FROM activity WHERE kind LIKE 'talent.%'`); n != 4 {
			t.Fatalf("%d talent ledger entries, want 4", n)
		}
	})
}

func TestRecommendRefusals(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.Person(t, "陈技", f.B1)
		other := f.Person(t, "王外", f.U2)
		audits := f.Count(t, `SELECT count(*) FROM audit`)
		base := talent.Input{PersonID: p.ID, Kind: "science", Evidence: "发明专利两项", Moral: moral}
		cases := []struct {
			edit       func(*talent.Input)
			by         *auth.Actor
			field, key string
		}{
			{func(in *talent.Input) { in.Moral = "" }, f.U1, "moral", "err.moral_required"},
			{func(in *talent.Input) { in.Moral = "表现好" }, f.U1, "moral", "err.moral_required"},
			{func(in *talent.Input) { in.Evidence = " " }, f.U1, "evidence", "err.required"},
			{func(in *talent.Input) { in.Kind = "artist" }, f.U1, "kind", "err.choose"},
			{func(in *talent.Input) { in.PersonID = other.ID }, f.U1, "person_id", "err.talent_person"},
			{func(in *talent.Input) { in.ToOrgID = f.B1.ID }, f.U1, "to_org_id", "err.talent_to"},
			{func(in *talent.Input) { in.ToOrgID = f.D2.ID }, f.U1, "to_org_id", "err.talent_to"},
			{func(in *talent.Input) { in.FromOrgID = f.D1.ID }, f.U1, "from_org_id", "err.org_unknown"},
			{func(in *talent.Input) {}, f.V1, "from_org_id", "err.org_unknown"},
		}
		for i, c := range cases {
			in := base
			c.edit(&in)
			_, err := f.talent.Recommend(f.Ctx, c.by, in)
			e, ok := errs.As(err)
			if !ok || e.Fields[c.field] != c.key {
				t.Errorf("case %d: %v, want %s: %s", i, err, c.field, c.key)
			}
		}
		if n := f.Count(t, `SELECT count(*) FROM talent_recommendations`); n != 0 {
			t.Fatalf("%d recommendations written by refused input", n)
		}
		if n := f.Count(t, `SELECT count(*) FROM audit`); n != audits {
			t.Fatalf("audit grew from %d to %d", audits, n)
		}
	})
}

func TestTypicalAndCarry(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.Person(t, "陈技", f.B1)
		r := f.recommend(t, f.U1, p, "composite_skill", f.Root.ID)
		_, err := f.talent.MarkTypical(f.Ctx, f.City, r.ID, true, "扎根一线十年的复合型技能人才。")
		svctest.WantMsg(t, err, errs.Conflict, "err.talent_not_accepted")
		if _, err := f.talent.Vet(f.Ctx, f.City, r.ID, talent.VetInput{Accept: true}); err != nil {
			t.Fatal(err)
		}
		_, err = f.talent.MarkTypical(f.Ctx, f.City, r.ID, true, "")
		svctest.WantField(t, err, "typical_text", "err.required")
		if _, err := f.talent.MarkTypical(f.Ctx, f.City, r.ID, true, "扎根一线十年的复合型技能人才。"); err != nil {
			t.Fatal(err)
		}
		cases, _, err := f.talent.Typical(f.Ctx, 0, 0)
		if err != nil || len(cases) != 1 || cases[0].PersonName != "陈技" || cases[0].Text == "" {
			t.Fatalf("typical = %+v, %v", cases, err)
		}
		// Carried into the city's campaign as the city's nomination.
		c, err := f.campaigns.Create(f.Ctx, f.City, campaign.Input{Title: "上海青年岗位能手", OrgID: f.Root.ID,
			NomineeKind: campaign.NomineePerson, Winners: 10})
		if err == nil {
			_, err = f.campaigns.Advance(f.Ctx, f.City, c.ID, campaign.StageNominating)
		}
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.talent.Carry(f.Ctx, f.D1Admin, r.ID, c.ID)
		svctest.WantKind(t, err, errs.Forbidden) // D1 sees it (sent from its subtree) but did not receive it
		n, err := f.talent.Carry(f.Ctx, f.City, r.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n.NomineeID != p.ID || n.OriginID != f.Root.ID || n.Moral != moral {
			t.Fatalf("nomination = %+v", n)
		}
		got, _ := f.talent.Get(f.Ctx, f.City, r.ID)
		if got.NominationID != n.ID {
			t.Fatalf("recommendation links nomination %d, want %d", got.NominationID, n.ID)
		}
		_, err = f.talent.Carry(f.Ctx, f.City, r.ID, c.ID)
		svctest.WantMsg(t, err, errs.Conflict, "err.talent_carried")
		// A campaign that is not nominating refuses it, and nothing links.
		q := f.Person(t, "周新", f.B1)
		r2 := f.recommend(t, f.U1, q, "science", f.Root.ID)
		if _, err := f.talent.Vet(f.Ctx, f.City, r2.ID, talent.VetInput{Accept: true}); err != nil {
			t.Fatal(err)
		}
		draft, err := f.campaigns.Create(f.Ctx, f.City, campaign.Input{Title: "草稿评选", OrgID: f.Root.ID, NomineeKind: campaign.NomineePerson, Winners: 1})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.talent.Carry(f.Ctx, f.City, r2.ID, draft.ID)
		svctest.WantMsg(t, err, errs.Conflict, "err.campaign_not_nominating")
		if got, _ := f.talent.Get(f.Ctx, f.City, r2.ID); got.NominationID != 0 {
			t.Fatal("a refused carry left a link")
		}
	})
}

func TestPathsFollowMoves(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.Person(t, "陈技", f.B1)
		r := f.recommend(t, f.U1, p, "science", f.D1.ID)
		if _, err := f.Orgs.Move(f.Ctx, f.City, f.U1Org.ID, f.D2.ID); err != nil {
			t.Fatal(err)
		}
		// U1 now lies under D2: D2's viewer sees what U1 sent.
		d2 := f.Actor(t, "svc.d2v", auth.Viewer, f.D2)
		if _, err := f.talent.Get(f.Ctx, d2, r.ID); err != nil {
			t.Fatalf("after the move: %v", err)
		}
	})
}
