package campaign

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// Expert review (评审). A campaign has a panel of reviewers: accounts the
// organizer names, each with a load limit; membership of the panel is the
// reviewer's whole right (it is not a role grant). Review runs in rounds,
// one open at a time while the campaign is reviewing: a round has a
// rubric of weighted criteria, takes the submitted nominations (round 1)
// or those that passed the round before, assigns each to reviewers free of
// conflicts of interest, collects their scores (locked once submitted),
// and on closing ranks the nominations; the best Shortlist pass, subject
// to a committee ballot when the round holds one.

// Aggregation methods of a round.
const (
	MethodMean    = "mean"    // the mean of the reviews' totals
	MethodTrimmed = "trimmed" // the mean without the highest and lowest, from three reviews
	MethodZScore  = "zscore"  // the mean of each reviewer's standardized totals
)

// Methods lists the aggregation methods.
var Methods = []string{MethodMean, MethodTrimmed, MethodZScore}

// Round states.
const (
	RoundOpen   = "open"
	RoundClosed = "closed"
)

// Assignment states. An assignment is assigned until its reviewer submits
// scores or declares a conflict of interest; a conflicted one no longer
// counts.
const (
	ReviewAssigned  = "assigned"
	ReviewSubmitted = "submitted"
	ReviewConflict  = "conflict"
)

// Reviewer is a member of a campaign's panel.
type Reviewer struct {
	UserID    int64     `json:"user_id"`
	Login     string    `json:"login"`
	Name      string    `json:"name"`
	OrgID     int64     `json:"org_id"` // the reviewer's home organization
	OrgPath   string    `json:"-"`
	Disabled  bool      `json:"disabled"`
	Load      int       `json:"load_limit"` // nominations taken in one round at most
	AddedAt   time.Time `json:"added_at"`
	Assigned  int       `json:"assigned"`  // in the open round, conflicts aside
	Submitted int       `json:"submitted"` // of those, scored
}

// Criterion is one line of a round's rubric: a score from Min to Max,
// weighing Weight of 100.
type Criterion struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Weight int    `json:"weight"`
	Min    int    `json:"min"`
	Max    int    `json:"max"`
}

// RoundInput is what the organizer sets on a round.
type RoundInput struct {
	Name      string      `json:"name"`
	Method    string      `json:"method"` // mean, trimmed or zscore
	Blind     bool        `json:"blind"`  // reviewers see no nominee's name or organization
	Shortlist int         `json:"shortlist"`
	Ballot    bool        `json:"ballot"`     // a committee ballot decides with the scores
	PassVotes int         `json:"pass_votes"` // yes votes a nomination needs, with a ballot
	Criteria  []Criterion `json:"criteria"`
}

// Round is one round of review.
type Round struct {
	ID         int64       `json:"id"`
	CampaignID int64       `json:"campaign_id"`
	Seq        int         `json:"seq"` // 1 for the first round
	Name       string      `json:"name"`
	Method     string      `json:"method"`
	Blind      bool        `json:"blind"`
	Shortlist  int         `json:"shortlist"`
	Ballot     bool        `json:"ballot"`
	PassVotes  int         `json:"pass_votes"`
	Status     string      `json:"status"`
	Reopened   int         `json:"reopened"` // times reopened after closing
	Criteria   []Criterion `json:"criteria"`
	Entries    int         `json:"entries"` // nominations the round takes
	OpenedAt   time.Time   `json:"opened_at"`
	ClosedAt   *time.Time  `json:"closed_at,omitempty"`
}

const roundColumns = `id, campaign_id, seq, name, method, blind, shortlist, ballot, pass_votes, status, reopened, opened_at, closed_at`

func scanRound(sc interface{ Scan(...any) error }, r *Round) error {
	var closed sql.NullTime
	if err := sc.Scan(&r.ID, &r.CampaignID, &r.Seq, &r.Name, &r.Method, &r.Blind, &r.Shortlist, &r.Ballot, &r.PassVotes,
		&r.Status, &r.Reopened, &r.OpenedAt, &closed); err != nil {
		return err
	}
	if closed.Valid {
		r.ClosedAt = &closed.Time
	}
	return nil
}

// roundByID loads a round with its rubric (Entries is left 0).
func roundByID(ctx context.Context, q db.Q, id int64) (*Round, error) {
	var r Round
	err := scanRound(q.QueryRowContext(ctx, `SELECT `+roundColumns+` FROM review_rounds WHERE id = $1`, id), &r)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT id, name, weight, min_score, max_score FROM review_criteria WHERE round_id = $1
		ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c Criterion
		if err := rows.Scan(&c.ID, &c.Name, &c.Weight, &c.Min, &c.Max); err != nil {
			return nil, err
		}
		r.Criteria = append(r.Criteria, c)
	}
	return &r, rows.Err()
}

// managedRound returns a round of a campaign the actor organizes, with
// the campaign; otherwise NotFound.
func (s *Service) managedRound(ctx context.Context, q db.Q, by *auth.Actor, id int64) (*Round, *Campaign, error) {
	r, err := roundByID(ctx, q, id)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.managed(ctx, q, by, r.CampaignID)
	if err != nil {
		return nil, nil, err
	}
	return r, c, nil
}

// panelRound returns a round of a campaign on whose panel the actor
// sits, with the campaign and the actor as a reviewer; otherwise NotFound.
func (s *Service) panelRound(ctx context.Context, q db.Q, by *auth.Actor, id int64) (*Round, *Campaign, *Reviewer, error) {
	r, err := roundByID(ctx, q, id)
	if err != nil {
		return nil, nil, nil, err
	}
	rv, err := panelMember(ctx, q, r.CampaignID, by.UserID)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := byID(ctx, q, r.CampaignID)
	if err != nil {
		return nil, nil, nil, err
	}
	return r, c, rv, nil
}

const reviewerColumns = `r.user_id, u.login, u.name, u.org_id, o.path, u.disabled, r.load_limit, r.added_at`

func scanReviewer(sc interface{ Scan(...any) error }, rv *Reviewer) error {
	return sc.Scan(&rv.UserID, &rv.Login, &rv.Name, &rv.OrgID, &rv.OrgPath, &rv.Disabled, &rv.Load, &rv.AddedAt)
}

// panelMember is the campaign's reviewer with that account, or NotFound.
func panelMember(ctx context.Context, q db.Q, campaignID, userID int64) (*Reviewer, error) {
	var rv Reviewer
	err := scanReviewer(q.QueryRowContext(ctx, `SELECT `+reviewerColumns+` FROM campaign_reviewers r
		JOIN users u ON u.id = r.user_id JOIN orgs o ON o.id = u.org_id WHERE r.campaign_id = $1 AND r.user_id = $2`,
		campaignID, userID), &rv)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return &rv, err
}

// panelOf lists a campaign's reviewers by account ID.
func panelOf(ctx context.Context, q db.Q, campaignID int64) ([]Reviewer, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+reviewerColumns+` FROM campaign_reviewers r JOIN users u ON u.id = r.user_id
		JOIN orgs o ON o.id = u.org_id WHERE r.campaign_id = $1 ORDER BY r.user_id`, campaignID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Reviewer
	for rows.Next() {
		var rv Reviewer
		if err := scanReviewer(rows, &rv); err != nil {
			return nil, err
		}
		out = append(out, rv)
	}
	return out, rows.Err()
}

// openLoad is how many nominations the reviewer takes in the campaign's
// open round (conflicts aside); 0 when no round is open.
func openLoad(ctx context.Context, q db.Q, campaignID, userID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM review_assignments a JOIN review_rounds r ON r.id = a.round_id
		WHERE r.campaign_id = $1 AND r.status = $2 AND a.reviewer_id = $3 AND a.status <> $4`,
		campaignID, RoundOpen, userID, ReviewConflict).Scan(&n)
	return n, err
}

// AddReviewer names an account to the panel of a campaign the actor
// organizes, taking at most load nominations a round, or changes the load
// of one named already (never below what it carries in the open round).
// Any active account may be named: experts come from anywhere, and one
// from outside the organizer's tree is the freest of conflicts. Reviewers
// are named until review ends (the campaign's reviewing stage).
func (s *Service) AddReviewer(ctx context.Context, by *auth.Actor, campaignID, userID int64, load int) (*Reviewer, error) {
	err := s.inTx(ctx, func(tx *db.Tx) error {
		c, err := s.managed(ctx, tx, by, campaignID)
		if err != nil {
			return err
		}
		if stageIndex(c.Stage) > stageIndex(StageReviewing) {
			return errs.E(errs.Conflict, "err.campaign_stage")
		}
		var f errs.Fields
		var disabled bool
		if err := tx.QueryRowContext(ctx, `SELECT disabled FROM users WHERE id = $1`, userID).Scan(&disabled); errors.Is(err, db.ErrNoRows) || disabled {
			f.Add("user_id", "err.reviewer_unknown")
		} else if err != nil {
			return err
		}
		if load < 1 || load > 10000 {
			f.Add("load", "err.review_load")
		}
		carried, err := openLoad(ctx, tx, c.ID, userID)
		if err != nil {
			return err
		}
		if load < carried {
			f.Add("load", "err.review_load_below")
		}
		if err := f.Err(); err != nil {
			return err
		}
		was := 0
		if err := tx.QueryRowContext(ctx, `SELECT load_limit FROM campaign_reviewers WHERE campaign_id = $1 AND user_id = $2`,
			c.ID, userID).Scan(&was); err != nil && !errors.Is(err, db.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO campaign_reviewers (campaign_id, user_id, load_limit, added_by, added_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (campaign_id, user_id) DO UPDATE SET load_limit = excluded.load_limit`,
			c.ID, userID, load, by.UserID, s.now().UTC()); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "review.reviewer.add", ObjectType: "campaign", ObjectID: c.ID, OrgID: c.OrgID,
			Summary: fmt.Sprintf("user=%d load=%d was=%d", userID, load, was)})
	})
	if err != nil {
		return nil, err
	}
	return panelMember(ctx, s.db.R(), campaignID, userID)
}

// RemoveReviewer takes an account off the panel of a campaign the actor
// organizes. Its assignments not yet scored go with it; what it has
// scored or voted stays and counts: the record is never erased.
func (s *Service) RemoveReviewer(ctx context.Context, by *auth.Actor, campaignID, userID int64) error {
	return s.inTx(ctx, func(tx *db.Tx) error {
		c, err := s.managed(ctx, tx, by, campaignID)
		if err != nil {
			return err
		}
		// Someone not on the panel is a bad choice in a campaign the actor
		// organizes, not a missing object.
		if _, err := panelMember(ctx, tx, c.ID, userID); errs.KindOf(err) == errs.NotFound {
			return (errs.Fields{"user_id": "err.reviewer_unknown"}).Err()
		} else if err != nil {
			return err
		}
		if stageIndex(c.Stage) > stageIndex(StageReviewing) {
			return errs.E(errs.Conflict, "err.campaign_stage")
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM review_assignments WHERE reviewer_id = $1 AND status = $2
			AND round_id IN (SELECT id FROM review_rounds WHERE campaign_id = $3)`, userID, ReviewAssigned, c.ID)
		if err != nil {
			return err
		}
		dropped, _ := res.RowsAffected()
		if _, err := tx.ExecContext(ctx, `DELETE FROM campaign_reviewers WHERE campaign_id = $1 AND user_id = $2`, c.ID, userID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "review.reviewer.remove", ObjectType: "campaign", ObjectID: c.ID, OrgID: c.OrgID,
			Summary: fmt.Sprintf("user=%d dropped=%d", userID, dropped)})
	})
}

// IsReviewer reports whether the actor sits on the campaign's panel.
func (s *Service) IsReviewer(ctx context.Context, by *auth.Actor, campaignID int64) (bool, error) {
	if by == nil {
		return false, nil
	}
	_, err := panelMember(ctx, s.db.R(), campaignID, by.UserID)
	if errs.KindOf(err) == errs.NotFound {
		return false, nil
	}
	return err == nil, err
}

// Reviewers lists the panel of a campaign the actor organizes, with what
// each carries in the open round.
func (s *Service) Reviewers(ctx context.Context, by *auth.Actor, campaignID int64) ([]Reviewer, error) {
	c, err := s.managed(ctx, s.db.R(), by, campaignID)
	if err != nil {
		return nil, err
	}
	out, err := panelOf(ctx, s.db.R(), c.ID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT a.reviewer_id, count(*), sum(CASE WHEN a.status = $1 THEN 1 ELSE 0 END)
		FROM review_assignments a JOIN review_rounds r ON r.id = a.round_id
		WHERE r.campaign_id = $2 AND r.status = $3 AND a.status <> $4 GROUP BY a.reviewer_id`,
		ReviewSubmitted, c.ID, RoundOpen, ReviewConflict)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	idx := map[int64]*Reviewer{}
	for i := range out {
		idx[out[i].UserID] = &out[i]
	}
	for rows.Next() {
		var id int64
		var n, done int
		if err := rows.Scan(&id, &n, &done); err != nil {
			return nil, err
		}
		if rv := idx[id]; rv != nil {
			rv.Assigned, rv.Submitted = n, done
		}
	}
	return out, rows.Err()
}

// reviewsSettled refuses to end review (moving a campaign on to its
// public notice) while a round is open.
func (s *Service) reviewsSettled(ctx context.Context, q db.Q, c *Campaign) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM review_rounds WHERE campaign_id = $1 AND status = $2`,
		c.ID, RoundOpen).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return errs.E(errs.Conflict, "err.round_open")
	}
	return nil
}
