package campaign_test

import (
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/errs"
)

// In a round with a committee ballot every panel member votes once per
// nomination while the round is open, conflicts excluded; the counts
// appear only when it closes, and a nomination then passes only with
// enough yes votes.
func TestBallot(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		rv := f.review(t)
		in := rubric(campaign.MethodMean, 4) // the scores alone would pass all four
		in.Ballot, in.PassVotes = true, 2
		r, err := f.campaigns.OpenRound(f.ctx, f.city, rv.c.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range rv.n {
			if _, err := f.campaigns.Assign(f.ctx, f.city, r.ID, n.ID, rv.e1.UserID); err != nil {
				t.Fatal(err)
			}
			if _, err := f.campaigns.Submit(f.ctx, rv.e1, f.assignment(t, r, rv.e1, n), scores(r, 8, 80), ""); err != nil {
				t.Fatal(err)
			}
		}
		vote := func(who *auth.Actor, n int, yes bool) error {
			return f.campaigns.Vote(f.ctx, who, r.ID, rv.n[n].ID, yes)
		}
		for _, v := range []struct {
			who *auth.Actor
			n   int
			yes bool
		}{{f.city, 0, true}, {rv.e1, 0, true}, {rv.e2, 0, true}, {rv.e1, 1, true}, {rv.e2, 1, false}, {rv.rD1, 2, true}, {rv.e1, 2, true},
			{rv.e3, 3, false}} {
			if err := vote(v.who, v.n, v.yes); err != nil {
				t.Fatalf("%s votes on n[%d]: %v", v.who.Login, v.n, err)
			}
		}
		before := f.reviewRows(t)
		wantMsg(t, vote(rv.e1, 0, false), errs.Conflict, "err.ballot_twice")
		wantKind(t, vote(rv.outsider, 0, true), errs.NotFound)
		wantField(t, vote(f.city, 2, true), "nomination_id", "err.review_conflict") // the city returned n[2]
		wantField(t, vote(rv.rD1, 0, true), "nomination_id", "err.review_conflict") // D1's own
		wantField(t, f.campaigns.Vote(f.ctx, rv.e2, r.ID, 999999, true), "nomination_id", "err.review_not_entry")
		if after := f.reviewRows(t); after != before {
			t.Fatalf("refused ballots wrote: %s → %s", before, after)
		}
		mine, err := f.campaigns.Voted(f.ctx, rv.e2, r.ID)
		if err != nil || len(mine) != 2 || !mine[rv.n[0].ID] || !mine[rv.n[1].ID] {
			t.Fatalf("e2 voted on %v, %v", mine, err)
		}
		// Secret: nothing written says how a member voted. The ballots
		// keep who voted on what; the tallies only the counts; the audit
		// neither a vote nor a count.
		if n := f.count(t, `SELECT count(*) FROM audit WHERE action = 'review.ballot' AND (summary LIKE '%yes%' OR summary LIKE '%no%')`); n != 0 {
			t.Errorf("%d audit records tell a vote", n)
		}
		if n := f.count(t, `SELECT count(*) FROM review_tallies WHERE round_id = `+strconv.FormatInt(r.ID, 10)+` AND yes_votes + no_votes > 0`); n != 4 {
			t.Errorf("%d tallies, want 4", n)
		}
		if problems, err := campaign.CheckReviews(f.ctx, f.d.R()); err != nil || len(problems) != 0 {
			t.Fatalf("check = %v, %v", problems, err)
		}
		// A vote added behind the service's back is more votes than ballots.
		if _, err := f.d.W().ExecContext(f.ctx, `UPDATE review_tallies SET yes_votes = yes_votes + 1 WHERE round_id = $1 AND nomination_id = $2`,
			r.ID, rv.n[3].ID); err != nil {
			t.Fatal(err)
		}
		if problems, _ := campaign.CheckReviews(f.ctx, f.d.R()); len(problems) != 1 || !strings.Contains(problems[0], "2 votes counted, 1 ballots cast") {
			t.Fatalf("check after the edit = %v", problems)
		}
		if _, err := f.d.W().ExecContext(f.ctx, `UPDATE review_tallies SET yes_votes = yes_votes - 1 WHERE round_id = $1 AND nomination_id = $2`,
			r.ID, rv.n[3].ID); err != nil {
			t.Fatal(err)
		}
		// No count before the close.
		if res, err := f.campaigns.Results(f.ctx, f.city, r.ID); err != nil || len(res) != 0 {
			t.Fatalf("results before closing = %+v, %v", res, err)
		}

		if _, err := f.campaigns.CloseRound(f.ctx, f.city, r.ID); err != nil {
			t.Fatal(err)
		}
		wantMsg(t, vote(rv.e3, 0, true), errs.Conflict, "err.ballot_closed")
		res, err := f.campaigns.Results(f.ctx, f.city, r.ID)
		if err != nil || len(res) != 4 {
			t.Fatalf("results = %+v, %v", res, err)
		}
		want := map[int64][3]int{rv.n[0].ID: {3, 0, 1}, rv.n[1].ID: {1, 1, 0}, rv.n[2].ID: {2, 0, 1}, rv.n[3].ID: {0, 1, 0}}
		for _, x := range res {
			w := want[x.NominationID]
			if x.Yes != w[0] || x.No != w[1] || x.Passed != (w[2] == 1) || x.Rank != 1 {
				t.Fatalf("result %+v, want yes/no/passed %v", x, w)
			}
		}
		if n := f.count(t, `SELECT count(*) FROM audit WHERE action = 'review.ballot'`); n != 8 {
			t.Fatalf("%d ballots audited", n)
		}

		// Round 2 takes the two that passed, and holds no ballot.
		r2, err := f.campaigns.OpenRound(f.ctx, f.city, rv.c.ID, rubric(campaign.MethodTrimmed, 1))
		if err != nil || r2.Seq != 2 || r2.Entries != 2 {
			t.Fatalf("round 2 = %+v, %v", r2, err)
		}
		wantMsg(t, f.campaigns.Vote(f.ctx, rv.e1, r2.ID, rv.n[0].ID, true), errs.Conflict, "err.ballot_none")
		_, err = f.campaigns.ReopenRound(f.ctx, f.city, r.ID)
		wantMsg(t, err, errs.Conflict, "err.round_later")
	})
}

// Closing ranks with shared ranks, and those tied at the cutoff all pass.
func TestReviewRanking(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		rv := f.review(t)
		r, err := f.campaigns.OpenRound(f.ctx, f.city, rv.c.ID, rubric(campaign.MethodMean, 2))
		if err != nil {
			t.Fatal(err)
		}
		work := []int{90, 80, 80, 50} // totals, the moral score being work/10
		for _, e := range []*auth.Actor{rv.e1, rv.e2, rv.e3} {
			for i, n := range rv.n {
				if _, err := f.campaigns.Assign(f.ctx, f.city, r.ID, n.ID, e.UserID); err != nil {
					t.Fatal(err)
				}
				if _, err := f.campaigns.Submit(f.ctx, e, f.assignment(t, r, e, n), scores(r, work[i]/10, work[i]), ""); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := f.campaigns.CloseRound(f.ctx, f.city, r.ID); err != nil {
			t.Fatal(err)
		}
		res, err := f.campaigns.Results(f.ctx, f.city, r.ID)
		if err != nil || len(res) != 4 {
			t.Fatal(res, err)
		}
		for i, want := range []struct {
			n      int
			rank   int
			passed bool
		}{{0, 1, true}, {1, 2, true}, {2, 2, true}, {3, 4, false}} {
			x := res[i]
			if x.NominationID != rv.n[want.n].ID || x.Rank != want.rank || x.Passed != want.passed || x.Reviews != 3 ||
				x.Score != float64(work[want.n]) {
				t.Fatalf("place %d = %+v, want %+v", i, x, want)
			}
		}
		r2, err := f.campaigns.OpenRound(f.ctx, f.city, rv.c.ID, rubric(campaign.MethodZScore, 1))
		if err != nil || r2.Entries != 3 {
			t.Fatalf("round 2 takes %+v, %v", r2, err)
		}
	})
}
