package campaign_test

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/errs"
)

func wantMsg(t *testing.T, err error, k errs.Kind, msg string) {
	t.Helper()
	if e, ok := errs.As(err); !ok || e.Kind != k || e.Msg != msg {
		t.Fatalf("error %v, want %s (kind %v)", err, msg, k)
	}
}

// The organizer names the panel; only the organizer may, an account
// must exist, and the load limit is bounded.
func TestReviewPanel(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		rv := f.review(t)
		_, err := f.campaigns.AddReviewer(f.ctx, f.d1, rv.c.ID, rv.outsider.UserID, 5)
		wantKind(t, err, errs.NotFound)
		_, err = f.campaigns.AddReviewer(f.ctx, f.city, rv.c.ID, 999999, 0)
		wantField(t, err, "user_id", "err.reviewer_unknown")
		wantField(t, err, "load", "err.review_load")
		if ok, err := f.campaigns.IsReviewer(f.ctx, rv.outsider, rv.c.ID); ok || err != nil {
			t.Fatalf("an outsider is a reviewer: %v %v", ok, err)
		}
		if ok, err := f.campaigns.IsReviewer(f.ctx, rv.e1, rv.c.ID); !ok || err != nil {
			t.Fatalf("e1 is no reviewer: %v %v", ok, err)
		}
		got, err := f.campaigns.AddReviewer(f.ctx, f.city, rv.c.ID, rv.e1.UserID, 3) // a new load
		if err != nil || got.Load != 3 || got.OrgID != f.root.ID || got.Name != "rev.e1" {
			t.Fatalf("e1 = %+v, %v", got, err)
		}
		list, err := f.campaigns.Reviewers(f.ctx, f.city, rv.c.ID)
		if err != nil || len(list) != len(rv.panel) {
			t.Fatalf("panel = %+v, %v", list, err)
		}
		_, err = f.campaigns.Reviewers(f.ctx, rv.e1, rv.c.ID)
		wantKind(t, err, errs.NotFound)

		// In a round, the load cannot fall below what the reviewer carries;
		// removing a reviewer drops their unscored assignments.
		r, err := f.campaigns.OpenRound(f.ctx, f.city, rv.c.ID, rv.crit)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range rv.n[:2] {
			if _, err := f.campaigns.Assign(f.ctx, f.city, r.ID, n.ID, rv.e1.UserID); err != nil {
				t.Fatal(err)
			}
		}
		_, err = f.campaigns.AddReviewer(f.ctx, f.city, rv.c.ID, rv.e1.UserID, 1)
		wantField(t, err, "load", "err.review_load_below")
		if err := f.campaigns.RemoveReviewer(f.ctx, f.d1, rv.c.ID, rv.e1.UserID); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("d1 removes a reviewer: %v", err)
		}
		if err := f.campaigns.RemoveReviewer(f.ctx, f.city, rv.c.ID, rv.e1.UserID); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, `SELECT count(*) FROM review_assignments WHERE reviewer_id = $1`, rv.e1.UserID); n != 0 {
			t.Fatalf("%d assignments left to a removed reviewer", n)
		}
		_, err = f.campaigns.Queue(f.ctx, rv.e1, r.ID)
		wantKind(t, err, errs.NotFound)
		if n := f.count(t, `SELECT count(*) FROM audit WHERE action LIKE 'review.reviewer.%'`); n != len(rv.panel)+2 {
			t.Fatalf("%d panel changes audited", n)
		}
	})
}

// Rounds open only in review, one at a time, with a sound rubric; round 1
// takes the submitted nominations.
func TestReviewRoundOpen(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		rv := f.review(t)
		early := f.open(t, campaign.Rules{}, 5) // still nominating
		before := f.reviewRows(t)
		_, err := f.campaigns.OpenRound(f.ctx, f.city, early.ID, rv.crit)
		wantMsg(t, err, errs.Conflict, "err.campaign_not_reviewing")
		bad := campaign.RoundInput{Name: " ", Method: "median", Shortlist: 0, Ballot: true, Criteria: []campaign.Criterion{
			{Name: "甲", Weight: 50, Min: 5, Max: 5}, {Name: "", Weight: 30, Min: 0, Max: 10}}}
		_, err = f.campaigns.OpenRound(f.ctx, f.city, rv.c.ID, bad)
		for field, key := range map[string]string{"name": "err.required", "method": "err.choose", "shortlist": "err.review_shortlist",
			"pass_votes": "err.review_pass_votes", "criteria.0.max": "err.review_range", "criteria.1.name": "err.required",
			"criteria": "err.review_weights"} {
			wantField(t, err, field, key)
		}
		_, err = f.campaigns.OpenRound(f.ctx, f.city, rv.c.ID, campaign.RoundInput{Name: "x", Method: "mean", Shortlist: 1})
		wantField(t, err, "criteria", "err.review_criteria")
		_, err = f.campaigns.OpenRound(f.ctx, f.d1, rv.c.ID, rv.crit)
		wantKind(t, err, errs.NotFound)
		if after := f.reviewRows(t); after != before {
			t.Fatalf("refused rounds wrote: %s → %s", before, after)
		}

		r, err := f.campaigns.OpenRound(f.ctx, f.city, rv.c.ID, rv.crit)
		if err != nil {
			t.Fatal(err)
		}
		if r.Seq != 1 || r.Status != campaign.RoundOpen || r.Entries != 4 || len(r.Criteria) != 2 || r.Criteria[1].Weight != 60 {
			t.Fatalf("round = %+v", r)
		}
		_, err = f.campaigns.OpenRound(f.ctx, f.city, rv.c.ID, rv.crit)
		wantMsg(t, err, errs.Conflict, "err.round_open")
		if got, err := f.campaigns.Round(f.ctx, rv.e1, r.ID); err != nil || got.ID != r.ID {
			t.Fatalf("a reviewer reads the round: %v", err)
		}
		_, err = f.campaigns.Round(f.ctx, rv.outsider, r.ID)
		wantKind(t, err, errs.NotFound)
		// The public notice waits for the round to close.
		wantMsg(t, campaign.ReviewsSettled(f.campaigns, f.ctx, f.d.R(), rv.c), errs.Conflict, "err.round_open")
		if _, err := f.campaigns.CloseRound(f.ctx, f.city, r.ID); err != nil {
			t.Fatal(err)
		}
		if err := campaign.ReviewsSettled(f.campaigns, f.ctx, f.d.R(), rv.c); err != nil {
			t.Fatalf("settled after closing: %v", err)
		}
		rounds, err := f.campaigns.Rounds(f.ctx, rv.e2, rv.c.ID)
		if err != nil || len(rounds) != 1 || rounds[0].Status != campaign.RoundClosed || rounds[0].ClosedAt == nil {
			t.Fatalf("rounds = %+v, %v", rounds, err)
		}
		// Nothing scored, nothing passed: round 2 would take nobody.
		_, err = f.campaigns.OpenRound(f.ctx, f.city, rv.c.ID, rv.crit)
		wantMsg(t, err, errs.Conflict, "err.round_empty")
	})
}

// Conflicts of interest are kept out, by hand and automatically; load
// limits hold; a reviewer may decline a nomination.
func TestReviewAssignment(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		rv := f.review(t)
		r, err := f.campaigns.OpenRound(f.ctx, f.city, rv.c.ID, rv.crit)
		if err != nil {
			t.Fatal(err)
		}
		before := f.reviewRows(t)
		for pair := range rv.conflicts {
			_, err := f.campaigns.Assign(f.ctx, f.city, r.ID, pair[0], pair[1])
			wantField(t, err, "reviewer_id", "err.review_conflict")
		}
		_, err = f.campaigns.Assign(f.ctx, f.city, r.ID, rv.n[0].ID, rv.outsider.UserID)
		wantField(t, err, "reviewer_id", "err.reviewer_unknown")
		_, err = f.campaigns.Assign(f.ctx, f.city, r.ID, 999999, rv.e1.UserID)
		wantField(t, err, "nomination_id", "err.review_not_entry")
		_, err = f.campaigns.Assign(f.ctx, rv.e1, r.ID, rv.n[0].ID, rv.e1.UserID)
		wantKind(t, err, errs.NotFound)
		_, err = f.campaigns.AutoAssign(f.ctx, f.city, r.ID, 0)
		wantField(t, err, "per_nomination", "err.invalid")
		if after := f.reviewRows(t); after != before {
			t.Fatalf("refused assignments wrote: %s → %s", before, after)
		}

		// e3 takes one nomination at most.
		if _, err := f.campaigns.AddReviewer(f.ctx, f.city, rv.c.ID, rv.e3.UserID, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := f.campaigns.Assign(f.ctx, f.city, r.ID, rv.n[0].ID, rv.e3.UserID); err != nil {
			t.Fatal(err)
		}
		_, err = f.campaigns.Assign(f.ctx, f.city, r.ID, rv.n[1].ID, rv.e3.UserID)
		wantField(t, err, "reviewer_id", "err.review_load_full")
		_, err = f.campaigns.Assign(f.ctx, f.city, r.ID, rv.n[0].ID, rv.e3.UserID)
		wantField(t, err, "reviewer_id", "err.review_assigned")

		// n[0] has e3 already: 2 + 3 + 3 + 3 more.
		res, err := f.campaigns.AutoAssign(f.ctx, f.city, r.ID, 3)
		if err != nil || res.Short != 0 || res.Assigned != 11 {
			t.Fatalf("auto-assign 3 = %+v, %v", res, err)
		}
		f.checkAssignments(t, rv, r, 3)
		// Five each cannot be, e3 being full: n[0] has five possible
		// reviewers (e3 among them), n[1] and n[3] four, n[2] three.
		res, err = f.campaigns.AutoAssign(f.ctx, f.city, r.ID, 5)
		if err != nil || res.Assigned != 4 || res.Short != 3 || res.Missing != 4 {
			t.Fatalf("auto-assign 5 = %+v, %v", res, err)
		}
		f.checkAssignments(t, rv, r, 4)

		// e1 declines n[0]: it stops counting, and e1 can neither score
		// it nor be given it again.
		id := f.assignment(t, r, rv.e1, rv.n[0])
		_, err = f.campaigns.DeclareConflict(f.ctx, rv.e2, id, "亲属")
		wantKind(t, err, errs.NotFound)
		_, err = f.campaigns.DeclareConflict(f.ctx, rv.e1, id, " ")
		wantField(t, err, "reason", "err.required")
		a, err := f.campaigns.DeclareConflict(f.ctx, rv.e1, id, "被推荐人是本人的学生")
		if err != nil || a.Status != campaign.ReviewConflict {
			t.Fatalf("declare: %+v %v", a, err)
		}
		_, err = f.campaigns.DeclareConflict(f.ctx, rv.e1, id, "again")
		wantMsg(t, err, errs.Conflict, "err.review_locked")
		before = f.reviewRows(t)
		_, err = f.campaigns.Submit(f.ctx, rv.e1, id, scores(r, 8, 80), "")
		wantMsg(t, err, errs.Conflict, "err.review_conflict")
		_, err = f.campaigns.Assign(f.ctx, f.city, r.ID, rv.n[0].ID, rv.e1.UserID)
		wantField(t, err, "reviewer_id", "err.review_conflict")
		if after := f.reviewRows(t); after != before {
			t.Fatalf("a conflicted reviewer wrote: %s → %s", before, after)
		}
		q, err := f.campaigns.Queue(f.ctx, rv.e1, r.ID)
		if err != nil || q.Left != len(q.Items)-1 {
			t.Fatalf("e1's queue = %+v, %v", q, err)
		}
		if n := f.count(t, `SELECT count(*) FROM audit WHERE action = 'review.conflict' AND object_id = $1`, id); n != 1 {
			t.Fatalf("%d conflict declarations audited", n)
		}
	})
}

// checkAssignments holds the round's assignments to the rules: no
// conflict of interest, no reviewer twice on a nomination or beyond the
// load limit, and at least least reviewers a nomination where it can.
func (f *fixture) checkAssignments(t *testing.T, rv *review, r *campaign.Round, least int) {
	t.Helper()
	all, err := f.campaigns.Assignments(f.ctx, f.city, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	per := map[int64]int{}
	load := map[int64]int{}
	seen := map[[2]int64]bool{}
	for _, a := range all {
		pair := [2]int64{a.NominationID, a.ReviewerID}
		if rv.conflicts[pair] || seen[pair] {
			t.Fatalf("assignment %+v conflicted or twice", a)
		}
		seen[pair] = true
		per[a.NominationID]++
		load[a.ReviewerID]++
	}
	limit := map[int64]int{rv.e3.UserID: 1}
	for id, n := range load {
		if l, ok := limit[id]; ok && n > l {
			t.Fatalf("reviewer %d carries %d, limit %d", id, n, l)
		}
	}
	for _, n := range rv.n {
		if want := min(least, 3); per[n.ID] < want {
			t.Fatalf("nomination %d has %d reviewers, want %d", n.ID, per[n.ID], want)
		}
	}
}

// Scores are checked, locked once submitted (a double click is the
// same), hidden from other reviewers until the round closes, and
// correctable only in a reopened round, audited.
func TestReviewScoring(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		rv := f.review(t)
		in := rv.crit
		in.Blind = true
		r, err := f.campaigns.OpenRound(f.ctx, f.city, rv.c.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range []*auth.Actor{rv.e1, rv.e2} {
			for _, n := range rv.n {
				if _, err := f.campaigns.Assign(f.ctx, f.city, r.ID, n.ID, e.UserID); err != nil {
					t.Fatal(err)
				}
			}
		}
		q, err := f.campaigns.Queue(f.ctx, rv.e1, r.ID)
		if err != nil || len(q.Items) != 4 || q.Left != 4 {
			t.Fatalf("queue = %+v, %v", q, err)
		}
		for _, it := range q.Items {
			if !strings.HasPrefix(it.NomineeName, "#") || it.OrgID != 0 || strings.Contains(it.NomineeName, "甲") {
				t.Fatalf("a blind round shows %+v", it)
			}
		}
		_, err = f.campaigns.Queue(f.ctx, rv.outsider, r.ID)
		wantKind(t, err, errs.NotFound)

		id := f.assignment(t, r, rv.e1, rv.n[0])
		before := f.reviewRows(t)
		_, err = f.campaigns.Submit(f.ctx, rv.e1, id, map[int64]int{r.Criteria[0].ID: 11}, "")
		wantField(t, err, "scores."+idText(r.Criteria[0].ID), "err.score_range")
		wantField(t, err, "scores."+idText(r.Criteria[1].ID), "err.score_required")
		_, err = f.campaigns.Submit(f.ctx, rv.e1, id, map[int64]int{r.Criteria[0].ID: 5, r.Criteria[1].ID: 50, 999: 1}, "")
		wantField(t, err, "scores", "err.score_unknown")
		_, err = f.campaigns.Submit(f.ctx, rv.e2, id, scores(r, 5, 50), "") // e1's, not e2's
		wantKind(t, err, errs.NotFound)
		if after := f.reviewRows(t); after != before {
			t.Fatalf("refused scores wrote: %s → %s", before, after)
		}

		got, err := f.campaigns.Submit(f.ctx, rv.e1, id, scores(r, 8, 90), "事迹突出")
		if err != nil || got.Total != 86 { // 0.8×40 + 0.9×60
			t.Fatalf("submit = %+v, %v", got, err)
		}
		again, err := f.campaigns.Submit(f.ctx, rv.e1, id, scores(r, 8, 90), "事迹突出")
		if err != nil || again.Total != 86 || !again.SubmittedAt.Equal(got.SubmittedAt) {
			t.Fatalf("double click = %+v, %v", again, err)
		}
		_, err = f.campaigns.Submit(f.ctx, rv.e1, id, scores(r, 9, 90), "事迹突出")
		wantMsg(t, err, errs.Conflict, "err.review_locked")
		if n := f.count(t, `SELECT count(*) FROM audit WHERE action = 'review.submit' AND object_id = $1`, id); n != 1 {
			t.Fatalf("%d submissions audited", n)
		}
		var summary string
		if err := f.d.R().QueryRowContext(f.ctx, `SELECT summary FROM audit WHERE action = 'review.submit' AND object_id = $1`, id).Scan(&summary); err != nil ||
			!strings.Contains(summary, "total=86.00") || !strings.Contains(summary, "scores="+idText(r.Criteria[0].ID)+":8,") {
			t.Fatalf("audited %q, %v", summary, err)
		}
		id2 := f.assignment(t, r, rv.e2, rv.n[0])
		if _, err := f.campaigns.Submit(f.ctx, rv.e2, id2, scores(r, 6, 70), ""); err != nil {
			t.Fatal(err)
		}

		// While open, a reviewer sees only their own scores; the organizer all.
		mine, err := f.campaigns.RoundScores(f.ctx, rv.e1, r.ID)
		if err != nil || len(mine) != 1 || mine[0].AssignmentID != id {
			t.Fatalf("e1 sees %+v, %v", mine, err)
		}
		all, err := f.campaigns.RoundScores(f.ctx, f.city, r.ID)
		if err != nil || len(all) != 2 || all[1].ReviewerID == 0 {
			t.Fatalf("the organizer sees %+v, %v", all, err)
		}
		_, err = f.campaigns.RoundScores(f.ctx, rv.outsider, r.ID)
		wantKind(t, err, errs.NotFound)
		_, err = f.campaigns.Results(f.ctx, rv.e1, r.ID)
		wantKind(t, err, errs.NotFound)

		if _, err := f.campaigns.CloseRound(f.ctx, f.city, r.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.campaigns.CloseRound(f.ctx, f.city, r.ID)
		wantMsg(t, err, errs.Conflict, "err.round_closed")
		_, err = f.campaigns.Submit(f.ctx, rv.e1, f.assignment(t, r, rv.e1, rv.n[1]), scores(r, 5, 50), "")
		wantMsg(t, err, errs.Conflict, "err.round_closed")
		// Closed, the reviewers see everyone's scores, not who gave them.
		peers, err := f.campaigns.RoundScores(f.ctx, rv.e1, r.ID)
		if err != nil || len(peers) != 2 {
			t.Fatalf("e1 after closing sees %+v, %v", peers, err)
		}
		for _, p := range peers {
			if p.AssignmentID == id2 && p.ReviewerID != 0 {
				t.Fatalf("e2 is named to e1: %+v", p)
			}
		}
		res, err := f.campaigns.Results(f.ctx, f.city, r.ID)
		if err != nil || len(res) != 4 || res[0].NominationID != rv.n[0].ID || res[0].Score != 76 || res[0].Reviews != 2 ||
			res[0].NomineeName != "甲一" || res[0].OrgID != f.D1.ID || !res[0].Passed || res[1].Rank != 0 || res[1].Passed {
			t.Fatalf("results = %+v, %v", res, err)
		}

		// Reopened, e1 corrects the score: audited with both totals.
		_, err = f.campaigns.ReopenRound(f.ctx, rv.e1, r.ID)
		wantKind(t, err, errs.NotFound)
		if r, err = f.campaigns.ReopenRound(f.ctx, f.city, r.ID); err != nil || r.Status != campaign.RoundOpen || r.Reopened != 1 {
			t.Fatalf("reopen: %+v %v", r, err)
		}
		if res, _ := f.campaigns.Results(f.ctx, f.city, r.ID); len(res) != 0 {
			t.Fatalf("a reopened round keeps its ranking: %+v", res)
		}
		if got, err = f.campaigns.Submit(f.ctx, rv.e1, id, scores(r, 10, 100), "修正"); err != nil || got.Total != 100 {
			t.Fatalf("resubmit = %+v, %v", got, err)
		}
		if err := f.d.R().QueryRowContext(f.ctx, `SELECT summary FROM audit WHERE action = 'review.resubmit' AND object_id = $1`, id).Scan(&summary); err != nil ||
			!strings.Contains(summary, "total=100.00 was=86.00") {
			t.Fatalf("resubmission audited %q, %v", summary, err)
		}
		// The old scores stay, as a version before.
		if n := f.count(t, `SELECT count(*) FROM review_scores WHERE assignment_id = $1`, id); n != 4 {
			t.Fatalf("%d score rows, want two versions of 2", n)
		}
		if _, err := f.campaigns.CloseRound(f.ctx, f.city, r.ID); err != nil {
			t.Fatal(err)
		}
		if res, _ = f.campaigns.Results(f.ctx, f.city, r.ID); res[0].Score != 83 {
			t.Fatalf("after the correction: %+v", res[0])
		}
		if problems, err := campaign.CheckReviews(f.ctx, f.d.R()); err != nil || len(problems) != 0 {
			t.Fatalf("check = %v, %v", problems, err)
		}
	})
}

func idText(n int64) string { return strconv.FormatInt(n, 10) }

// Two submissions of one assignment at once record one set of scores:
// the same scores twice are one submission and a double click; different
// ones, one wins and the other is refused.
func TestReviewConcurrentSubmit(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		rv := f.review(t)
		r, err := f.campaigns.OpenRound(f.ctx, f.city, rv.c.ID, rv.crit)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range rv.n[:2] {
			if _, err := f.campaigns.Assign(f.ctx, f.city, r.ID, n.ID, rv.e1.UserID); err != nil {
				t.Fatal(err)
			}
		}
		race := func(id int64, work func(i int) int) []error {
			out := make([]error, 6)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range out {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, out[i] = f.campaigns.Submit(f.ctx, rv.e1, id, scores(r, 7, work(i)), "")
				}()
			}
			close(start)
			wg.Wait()
			return out
		}
		id := f.assignment(t, r, rv.e1, rv.n[0])
		for i, err := range race(id, func(int) int { return 80 }) {
			if err != nil {
				t.Fatalf("identical submission %d: %v", i, err)
			}
		}
		id2 := f.assignment(t, r, rv.e1, rv.n[1])
		won := 0
		for _, err := range race(id2, func(i int) int { return 60 + i }) {
			switch {
			case err == nil:
				won++
			case errs.KindOf(err) != errs.Conflict:
				t.Fatalf("a losing submission: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d different submissions won", won)
		}
		for _, a := range []int64{id, id2} {
			if n := f.count(t, `SELECT count(*) FROM review_scores WHERE assignment_id = $1`, a); n != 2 {
				t.Fatalf("assignment %d has %d score rows", a, n)
			}
			if n := f.count(t, `SELECT count(*) FROM audit WHERE action = 'review.submit' AND object_id = $1`, a); n != 1 {
				t.Fatalf("assignment %d: %d submissions audited", a, n)
			}
		}
	})
}

// A score edited in the table behind the service's back disagrees with
// the audit log, and CheckReviews says so.
func TestCheckReviews(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		rv := f.review(t)
		r, err := f.campaigns.OpenRound(f.ctx, f.city, rv.c.ID, rv.crit)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.campaigns.Assign(f.ctx, f.city, r.ID, rv.n[0].ID, rv.e1.UserID); err != nil {
			t.Fatal(err)
		}
		id := f.assignment(t, r, rv.e1, rv.n[0])
		if _, err := f.campaigns.Submit(f.ctx, rv.e1, id, scores(r, 6, 60), ""); err != nil {
			t.Fatal(err)
		}
		if problems, err := campaign.CheckReviews(f.ctx, f.d.R()); err != nil || len(problems) != 0 {
			t.Fatalf("check = %v, %v", problems, err)
		}
		if _, err := f.d.W().ExecContext(f.ctx, `UPDATE review_scores SET score = 100 WHERE assignment_id = $1 AND criterion_id = $2`,
			id, r.Criteria[1].ID); err != nil {
			t.Fatal(err)
		}
		problems, err := campaign.CheckReviews(f.ctx, f.d.R())
		if err != nil || len(problems) != 1 || !strings.Contains(problems[0], "review "+idText(id)+":") ||
			!strings.Contains(problems[0], idText(r.Criteria[1].ID)+":100") {
			t.Fatalf("check after the edit = %v, %v", problems, err)
		}
	})
}
