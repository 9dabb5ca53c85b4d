package campaign

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// Review is one reviewer's submitted scores of one nomination.
type Review struct {
	AssignmentID int64         `json:"assignment_id"`
	NominationID int64         `json:"nomination_id"`
	ReviewerID   int64         `json:"reviewer_id,omitempty"` // 0 where another reviewer is shown its peers' scores
	Scores       map[int64]int `json:"scores"`                // criterion ID → score
	Total        float64       `json:"total"`
	Comment      string        `json:"comment"`
	SubmittedAt  time.Time     `json:"submitted_at"`
}

// QueueItem is one nomination in a reviewer's queue.
type QueueItem struct {
	AssignmentID int64         `json:"assignment_id"`
	NominationID int64         `json:"nomination_id"`
	NomineeName  string        `json:"nominee_name"`     // "#<nomination ID>" in a blind round
	OrgID        int64         `json:"org_id,omitempty"` // the nominating organization; 0 in a blind round
	Moral        string        `json:"moral"`
	Summary      string        `json:"summary"`
	Status       string        `json:"status"`
	Total        float64       `json:"total"`
	Scores       map[int64]int `json:"scores,omitempty"`
	Comment      string        `json:"comment,omitempty"`
}

// ReviewQueue is what a reviewer has to do in a round.
type ReviewQueue struct {
	Round *Round      `json:"round"`
	Items []QueueItem `json:"items"`
	Left  int         `json:"left"` // assignments not yet scored or declined
}

// Queue returns the actor's assignments in a round, in the order given,
// with their own scores; to a member of the campaign's panel (others get
// NotFound). A blind round hides the nominee's name and organization; the
// material (moral assessment, achievements) is shown as written.
func (s *Service) Queue(ctx context.Context, by *auth.Actor, roundID int64) (*ReviewQueue, error) {
	if _, _, _, err := s.panelRound(ctx, s.db.R(), by, roundID); err != nil {
		return nil, err
	}
	r, err := s.withEntries(ctx, s.db.R(), roundID)
	if err != nil {
		return nil, err
	}
	out := &ReviewQueue{Round: r, Items: []QueueItem{}}
	rows, err := s.db.R().QueryContext(ctx, `SELECT a.id, a.nomination_id, n.nominee_name, n.origin_id, n.moral, n.summary, a.status,
		a.total, a.comment FROM review_assignments a JOIN nominations n ON n.id = a.nomination_id
		WHERE a.round_id = $1 AND a.reviewer_id = $2 ORDER BY a.id`, roundID, by.UserID)
	idx := map[int64]int{}
	if err := eachRow(rows, err, func(sc *sql.Rows) error {
		var x QueueItem
		if err := sc.Scan(&x.AssignmentID, &x.NominationID, &x.NomineeName, &x.OrgID, &x.Moral, &x.Summary, &x.Status, &x.Total,
			&x.Comment); err != nil {
			return err
		}
		if r.Blind {
			x.NomineeName, x.OrgID = "#"+strconv.FormatInt(x.NominationID, 10), 0
		}
		if x.Status == ReviewAssigned {
			out.Left++
		}
		idx[x.AssignmentID] = len(out.Items)
		out.Items = append(out.Items, x)
		return nil
	}); err != nil {
		return nil, err
	}
	rows, err = s.db.R().QueryContext(ctx, `SELECT s.assignment_id, s.criterion_id, s.score FROM review_assignments a
		JOIN review_scores s ON s.assignment_id = a.id AND s.version = a.version
		WHERE a.round_id = $1 AND a.reviewer_id = $2 AND a.status = $3`, roundID, by.UserID, ReviewSubmitted)
	err = eachRow(rows, err, func(sc *sql.Rows) error {
		var id, crit int64
		var score int
		if err := sc.Scan(&id, &crit, &score); err != nil {
			return err
		}
		x := &out.Items[idx[id]]
		if x.Scores == nil {
			x.Scores = map[int64]int{}
		}
		x.Scores[crit] = score
		return nil
	})
	return out, err
}

// checkScores names each criterion left unscored or scored out of its
// range (scores.<criterion ID>), and a score of no criterion of the round.
func checkScores(cs []Criterion, scores map[int64]int, comment string) errs.Fields {
	var f errs.Fields
	known := map[int64]bool{}
	for _, c := range cs {
		known[c.ID] = true
		at := "scores." + strconv.FormatInt(c.ID, 10)
		if v, ok := scores[c.ID]; !ok {
			f.Add(at, "err.score_required")
		} else if v < c.Min || v > c.Max {
			f.Add(at, "err.score_range")
		}
	}
	for id := range scores {
		if !known[id] {
			f.Add("scores", "err.score_unknown")
		}
	}
	if utf8.RuneCountInString(comment) > 2000 {
		f.Add("comment", "err.too_long")
	}
	return f
}

// scoreText is scores as the audit records them: "12:80,13:90", by criterion.
func scoreText(scores map[int64]int) string {
	ids := slices.Sorted(maps.Keys(scores))
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10) + ":" + strconv.Itoa(scores[id])
	}
	return strings.Join(parts, ",")
}

// currentScores loads an assignment's current scores.
func currentScores(ctx context.Context, q db.Q, a *Assignment) (*Review, error) {
	out := &Review{AssignmentID: a.ID, NominationID: a.NominationID, ReviewerID: a.ReviewerID, Scores: map[int64]int{},
		Total: a.Total, Comment: a.Comment}
	if a.SubmittedAt != nil {
		out.SubmittedAt = *a.SubmittedAt
	}
	rows, err := q.QueryContext(ctx, `SELECT criterion_id, score FROM review_scores WHERE assignment_id = $1 AND version = $2`,
		a.ID, a.Version)
	err = eachRow(rows, err, func(sc *sql.Rows) error {
		var id int64
		var v int
		err := sc.Scan(&id, &v)
		out.Scores[id] = v
		return err
	})
	return out, err
}

// Submit records the actor's scores of an assignment of theirs (others
// get NotFound) in an open round: every criterion scored within its
// range. Submitted scores are locked: the same scores and comment again
// (a double click) change nothing and return what was recorded; others
// are refused, unless the organizer has reopened the round, when they
// replace the old, audited with the old and new totals. Scores are never
// overwritten: each submission adds a version. Of two submissions at once
// one wins; the other is the double click or refused.
func (s *Service) Submit(ctx context.Context, by *auth.Actor, assignmentID int64, scores map[int64]int, comment string) (*Review, error) {
	comment = strings.TrimSpace(comment)
	var out *Review
	err := s.inTx(ctx, func(tx *db.Tx) error {
		a, r, c, err := s.mine(ctx, tx, by, assignmentID)
		if err != nil {
			return err
		}
		if r.Status != RoundOpen {
			return errs.E(errs.Conflict, "err.round_closed")
		}
		if a.Status == ReviewConflict {
			return errs.E(errs.Conflict, "err.review_conflict")
		}
		if err := checkScores(r.Criteria, scores, comment).Err(); err != nil {
			return err
		}
		total := WeightedTotal(r.Criteria, scores)
		// same settles a submission that finds scores recorded: the same
		// again is the double click; different ones need a reopened round.
		same := func(a *Assignment) (bool, error) {
			old, err := currentScores(ctx, tx, a)
			if err != nil {
				return false, err
			}
			out = old
			return maps.Equal(old.Scores, scores) && old.Comment == comment, nil
		}
		action, was := "review.submit", 0.0
		if a.Status == ReviewSubmitted {
			if ok, err := same(a); err != nil || ok {
				return err
			}
			if r.Reopened == 0 {
				return errs.E(errs.Conflict, "err.review_locked")
			}
			action, was = "review.resubmit", a.Total
		}
		now := s.now().UTC()
		res, err := tx.ExecContext(ctx, `UPDATE review_assignments SET status = $1, version = version + 1, total = $2, comment = $3,
			submitted_at = $4 WHERE id = $5 AND status = $6 AND version = $7`, ReviewSubmitted, total, comment, now, a.ID, a.Status, a.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			// Another submission committed first: read what it recorded.
			cur, err := assignmentByID(ctx, tx, a.ID)
			if err != nil {
				return err
			}
			if ok, err := same(cur); err != nil || ok {
				return err
			}
			out = nil
			if cur.Status != ReviewSubmitted || r.Reopened == 0 {
				return errs.E(errs.Conflict, "err.review_locked")
			}
			return errs.E(errs.Conflict, "err.review_changed")
		}
		rows := make([][]any, 0, len(scores))
		for _, cr := range r.Criteria {
			rows = append(rows, []any{a.ID, a.Version + 1, cr.ID, scores[cr.ID]})
		}
		if err := db.InsertRows(ctx, tx, `INSERT INTO review_scores (assignment_id, version, criterion_id, score) VALUES`,
			rows, "", nil); err != nil {
			return err
		}
		out = &Review{AssignmentID: a.ID, NominationID: a.NominationID, ReviewerID: a.ReviewerID, Scores: maps.Clone(scores),
			Total: total, Comment: comment, SubmittedAt: now}
		summary := fmt.Sprintf("round=%d nomination=%d scores=%s total=%.2f", r.ID, a.NominationID, scoreText(scores), total)
		if action == "review.resubmit" {
			summary += fmt.Sprintf(" was=%.2f", was)
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: action, ObjectType: "review", ObjectID: a.ID, OrgID: c.OrgID, Summary: summary})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RoundScores returns a round's submitted reviews: all of them, with
// their reviewers, to the campaign's organizer; to a member of its panel
// only their own while the round is open, and once it has closed everyone's,
// the other reviewers unnamed (ReviewerID 0). Others get NotFound.
func (s *Service) RoundScores(ctx context.Context, by *auth.Actor, roundID int64) ([]Review, error) {
	q := s.db.R()
	r, _, err := s.managedRound(ctx, q, by, roundID)
	organizer := err == nil
	if !organizer {
		if r, _, _, err = s.panelRound(ctx, q, by, roundID); err != nil {
			return nil, err
		}
	}
	a := &db.Args{}
	where := `a.round_id = ` + a.Add(roundID) + ` AND a.status = ` + a.Add(ReviewSubmitted)
	if !organizer && r.Status == RoundOpen {
		where += ` AND a.reviewer_id = ` + a.Add(by.UserID)
	}
	out := []Review{}
	idx := map[int64]int{}
	rows, err := q.QueryContext(ctx, `SELECT a.id, a.nomination_id, a.reviewer_id, a.total, a.comment, a.submitted_at, s.criterion_id, s.score
		FROM review_assignments a JOIN review_scores s ON s.assignment_id = a.id AND s.version = a.version
		WHERE `+where+` ORDER BY a.nomination_id, a.id`, a.List()...)
	err = eachRow(rows, err, func(sc *sql.Rows) error {
		var x Review
		var crit int64
		var score int
		if err := sc.Scan(&x.AssignmentID, &x.NominationID, &x.ReviewerID, &x.Total, &x.Comment, &x.SubmittedAt, &crit, &score); err != nil {
			return err
		}
		i, ok := idx[x.AssignmentID]
		if !ok {
			if !organizer && x.ReviewerID != by.UserID {
				x.ReviewerID = 0
			}
			x.Scores = map[int64]int{}
			i = len(out)
			idx[x.AssignmentID] = i
			out = append(out, x)
		}
		out[i].Scores[crit] = score
		return nil
	})
	return out, err
}

// CheckReviews compares every submitted assignment's recorded scores
// with those of its latest submission in the audit log (which cannot be
// edited), and lists each disagreement: scores changed in the table
// behind the service's back. An empty list means they all agree.
func CheckReviews(ctx context.Context, q db.Q) ([]string, error) {
	logged := map[int64]string{}
	rows, err := q.QueryContext(ctx, `SELECT object_id, summary FROM audit WHERE object_type = 'review'
		AND action IN ('review.submit', 'review.resubmit') ORDER BY seq`)
	if err := eachRow(rows, err, func(sc *sql.Rows) error {
		var id int64
		var summary string
		if err := sc.Scan(&id, &summary); err != nil {
			return err
		}
		for _, f := range strings.Fields(summary) {
			if v, ok := strings.CutPrefix(f, "scores="); ok {
				logged[id] = v
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	stored := map[int64]map[int64]int{}
	var ids []int64
	rows, err = q.QueryContext(ctx, `SELECT a.id, s.criterion_id, s.score FROM review_assignments a
		LEFT JOIN review_scores s ON s.assignment_id = a.id AND s.version = a.version WHERE a.status = $1 ORDER BY a.id`, ReviewSubmitted)
	if err := eachRow(rows, err, func(sc *sql.Rows) error {
		var id int64
		var crit, score sql.NullInt64
		if err := sc.Scan(&id, &crit, &score); err != nil {
			return err
		}
		m, ok := stored[id]
		if !ok {
			m = map[int64]int{}
			stored[id] = m
			ids = append(ids, id)
		}
		if crit.Valid {
			m[crit.Int64] = int(score.Int64)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	var out []string
	for _, id := range ids {
		got := scoreText(stored[id])
		switch want, ok := logged[id]; {
		case !ok:
			out = append(out, fmt.Sprintf("review %d: scores %s have no audit record", id, got))
		case got != want:
			out = append(out, fmt.Sprintf("review %d: scores %s, the audit log says %s", id, got, want))
		}
	}
	// A secret ballot's tally cannot be checked vote by vote, only its
	// size: as many votes counted as members recorded voting.
	rows, err = q.QueryContext(ctx, `SELECT t.round_id, t.nomination_id, t.yes_votes + t.no_votes,
		(SELECT count(*) FROM review_ballots b WHERE b.round_id = t.round_id AND b.nomination_id = t.nomination_id)
		FROM review_tallies t ORDER BY t.round_id, t.nomination_id`)
	if err := eachRow(rows, err, func(sc *sql.Rows) error {
		var round, nom, counted, cast int64
		if err := sc.Scan(&round, &nom, &counted, &cast); err != nil {
			return err
		}
		if counted != cast {
			out = append(out, fmt.Sprintf("round %d, nomination %d: %d votes counted, %d ballots cast", round, nom, counted, cast))
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}
