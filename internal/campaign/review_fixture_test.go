package campaign_test

import (
	"fmt"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/org"
	"qinggong/internal/person"
)

// review is a campaign in review over the fixture's tree:
//
//	n[0], n[1] nominated by D1 (d1) and passed to the city;
//	n[2], n[3] nominated by D2 (d2); n[2] was returned once by the city
//	(city acted on it), revised and passed up again.
//
// The panel: city (the organizer's own account, at the root), experts
// e1, e2, e3 at the root, rD1 at D1 (in D1's line) and rB2 at B2 (in
// D2's line), each with a load limit of 10.
type review struct {
	c                    *campaign.Campaign
	n                    []*campaign.Nomination
	d2                   *auth.Actor
	e1, e2, e3, rD1, rB2 *auth.Actor
	panel                []*auth.Actor
	conflicts            map[[2]int64]bool // (nomination, reviewer) pairs in conflict
	outsider             *auth.Actor       // an account on no panel
	crit                 campaign.RoundInput
}

// user is an account at o with no role.
func (f *fixture) user(t *testing.T, login string, o *org.Org) *auth.Actor {
	t.Helper()
	id, _, err := f.auth.CreateUser(f.ctx, f.sec, auth.NewUser{Login: login, Name: login, OrgID: o.ID, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	return f.reload(t, id)
}

func (f *fixture) review(t *testing.T) *review {
	t.Helper()
	rv := &review{d2: f.actor(t, "cmp.d2", auth.OrgAdmin, f.D2)}
	rv.c = f.open(t, campaign.Rules{}, 100)
	submit := func(by *auth.Actor, o *org.Org, name string) *campaign.Nomination {
		p := f.person(t, name, o, "19950101", 0, person.League)
		n, err := f.campaigns.Nominate(f.ctx, by, rv.c.ID, campaign.NominateInput{OrgID: o.ID, NomineeID: p.ID, Moral: moral, Summary: "技术革新能手"})
		if err != nil {
			t.Fatal(err)
		}
		if n, err = f.campaigns.Forward(f.ctx, by, n.ID, "推荐", 1); err != nil || n.Status != campaign.NomSubmitted {
			t.Fatalf("forward: %+v %v", n, err)
		}
		return n
	}
	rv.n = append(rv.n, submit(f.d1, f.D1, "甲一"), submit(f.d1, f.D1, "甲二"), submit(rv.d2, f.D2, "乙一"), submit(rv.d2, f.D2, "乙二"))
	if _, err := f.campaigns.Return(f.ctx, f.city, rv.n[2].ID, "材料不全"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.campaigns.Revise(f.ctx, rv.d2, rv.n[2].ID, moral+"已补充。", "补充材料"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.campaigns.Forward(f.ctx, rv.d2, rv.n[2].ID, "再次推荐", 1); err != nil {
		t.Fatal(err)
	}
	for _, st := range []string{campaign.StageChecking, campaign.StageReviewing} {
		if _, err := f.campaigns.Advance(f.ctx, f.city, rv.c.ID, st); err != nil {
			t.Fatal(err)
		}
	}
	rv.e1, rv.e2, rv.e3 = f.user(t, "rev.e1", f.root), f.user(t, "rev.e2", f.root), f.user(t, "rev.e3", f.root)
	rv.rD1, rv.rB2 = f.user(t, "rev.d1", f.D1), f.user(t, "rev.b2", f.B2)
	rv.outsider = f.user(t, "rev.out", f.U3)
	rv.panel = []*auth.Actor{f.city, rv.e1, rv.e2, rv.e3, rv.rD1, rv.rB2}
	for _, a := range rv.panel {
		if _, err := f.campaigns.AddReviewer(f.ctx, f.city, rv.c.ID, a.UserID, 10); err != nil {
			t.Fatal(err)
		}
	}
	rv.conflicts = map[[2]int64]bool{
		{rv.n[0].ID, rv.rD1.UserID}: true, {rv.n[1].ID, rv.rD1.UserID}: true,
		{rv.n[2].ID, rv.rB2.UserID}: true, {rv.n[3].ID, rv.rB2.UserID}: true,
		{rv.n[2].ID, f.city.UserID}: true,
	}
	rv.crit = rubric(campaign.MethodMean, 2)
	return rv
}

// rubric is a two-line rubric: 品德 (weight 40, 0–10) and 业绩 (60, 0–100).
func rubric(method string, shortlist int) campaign.RoundInput {
	return campaign.RoundInput{Name: "初评", Method: method, Shortlist: shortlist, Criteria: []campaign.Criterion{
		{Name: "思想品德", Weight: 40, Min: 0, Max: 10}, {Name: "工作业绩", Weight: 60, Min: 0, Max: 100}}}
}

// scores is a score for each of a round's two criteria.
func scores(r *campaign.Round, moral, work int) map[int64]int {
	return map[int64]int{r.Criteria[0].ID: moral, r.Criteria[1].ID: work}
}

// assignment is the reviewer's assignment of the nomination in the round.
func (f *fixture) assignment(t *testing.T, r *campaign.Round, who *auth.Actor, n *campaign.Nomination) int64 {
	t.Helper()
	q, err := f.campaigns.Queue(f.ctx, who, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range q.Items {
		if it.NominationID == n.ID {
			return it.AssignmentID
		}
	}
	t.Fatalf("%s has no assignment of nomination %d", who.Login, n.ID)
	return 0
}

// reviewRows counts the review tables' rows, to show a refused call
// wrote nothing.
func (f *fixture) reviewRows(t *testing.T) string {
	t.Helper()
	out := ""
	for _, tbl := range []string{"campaign_reviewers", "review_rounds", "review_criteria", "review_entries", "review_assignments",
		"review_scores", "review_ballots", "review_tallies", "review_results", "audit"} {
		out += fmt.Sprintf("%s=%d ", tbl, f.count(t, `SELECT count(*) FROM `+tbl))
	}
	return out
}
