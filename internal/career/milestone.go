package career

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/activity"
	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

func scanMilestone(sc interface{ Scan(...any) error }) (Milestone, error) {
	var m Milestone
	var met nullTime
	if err := sc.Scan(&m.ID, &m.PlanID, &m.Title, &m.Due, &met, &m.Note); err != nil {
		return m, err
	}
	if met.Valid {
		m.MetAt = &met.Time
	}
	return m, nil
}

// AddMilestone adds a milestone to a plan its person or a cadre may edit.
func (s *Service) AddMilestone(ctx context.Context, by *auth.Actor, planID int64, in MilestoneInput) (*Plan, error) {
	p, err := s.Get(ctx, by, planID)
	if err != nil {
		return nil, err
	}
	if !s.AccessTo(ctx, by, p).CanEdit() {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	var f errs.Fields
	checkMilestone(&f, "", &in, p.Starts, p.Ends)
	if p.Milestones >= MaxMilestones {
		f.Add("title", "err.too_many")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO career_milestones (plan_id, title, due) VALUES ($1, $2, $3) RETURNING id`,
			p.ID, in.Title, in.Due).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE career_plans SET milestones = milestones + 1, updated_at = $1 WHERE id = $2`,
			s.now().UTC(), p.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "career.milestone.add", ObjectType: "career_plan", ObjectID: p.ID,
			OrgID: p.OrgID, Summary: fmt.Sprintf("milestone=%d", id)})
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.db.R(), p.ID)
}

// MeetMilestone records a milestone as met (by the person, their mentor or
// a cadre) with an optional note; it enters the growth record.
func (s *Service) MeetMilestone(ctx context.Context, by *auth.Actor, id int64, note string) (*Plan, error) {
	var planID int64
	err := s.db.R().QueryRowContext(ctx, `SELECT plan_id FROM career_milestones WHERE id = $1`, id).Scan(&planID)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	p, err := s.Get(ctx, by, planID)
	if err != nil {
		return nil, err
	}
	acc := s.AccessTo(ctx, by, p)
	if !acc.CanEdit() && !acc.Mentor {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 500 {
		return nil, (errs.Fields{"note": "err.too_long"}).Err()
	}
	now := s.now().UTC()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE career_milestones SET met_at = $1, note = $2 WHERE id = $3 AND met_at IS NULL`, now, note, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "err.career_milestone_met")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE career_plans SET met = met + 1, updated_at = $1 WHERE id = $2`, now, p.ID); err != nil {
			return err
		}
		if _, err := activity.Add(ctx, tx, activity.Entry{OrgID: p.OrgID, PersonID: p.PersonID, Kind: KindMilestone,
			RefType: "career_milestone", RefID: id, OccurredAt: now}); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "career.milestone.meet", ObjectType: "career_plan", ObjectID: p.ID,
			OrgID: p.OrgID, Summary: fmt.Sprintf("milestone=%d", id)})
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.db.R(), p.ID)
}

// ReviewInput is a review as written.
type ReviewInput struct {
	Progress int    `json:"progress"`
	Comment  string `json:"comment"`
}

// AddReview records a periodic review by the plan's mentor or a cadre, and
// moves the plan's "last reviewed" month in the rollups.
func (s *Service) AddReview(ctx context.Context, by *auth.Actor, planID int64, in ReviewInput) (*Plan, error) {
	p, err := s.Get(ctx, by, planID)
	if err != nil {
		return nil, err
	}
	acc := s.AccessTo(ctx, by, p)
	if !acc.CanReview() {
		return nil, errs.E(errs.Forbidden, "err.career_review_who")
	}
	in.Comment = strings.TrimSpace(in.Comment)
	var f errs.Fields
	runes(&f, "comment", in.Comment, 2000, true)
	if in.Progress < 0 || in.Progress > 100 {
		f.Add("progress", "err.career_progress")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	role := ByCadre
	if acc.Mentor {
		role = ByMentor
	}
	now := s.now().UTC()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var last nullTime
		if err := tx.QueryRowContext(ctx, `SELECT last_review FROM career_plans WHERE id = $1`, p.ID).Scan(&last); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO career_reviews (plan_id, by_user, by_name, role, progress, comment, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, p.ID, by.UserID, by.Name, role, in.Progress, in.Comment, now).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE career_plans SET reviews = reviews + 1, last_review = $1, updated_at = $1 WHERE id = $2`,
			now, p.ID); err != nil {
			return err
		}
		if last.Valid {
			if err := bumpMonth(ctx, tx, p.OrgPath, month(last.Time), -1); err != nil {
				return err
			}
		}
		if err := bumpMonth(ctx, tx, p.OrgPath, month(now), 1); err != nil {
			return err
		}
		if _, err := activity.Add(ctx, tx, activity.Entry{OrgID: p.OrgID, PersonID: p.PersonID, Kind: KindReviewed,
			RefType: "career_review", RefID: id, OccurredAt: now}); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "career.review", ObjectType: "career_plan", ObjectID: p.ID,
			OrgID: p.OrgID, Summary: fmt.Sprintf("role=%s progress=%d", role, in.Progress)})
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.db.R(), p.ID)
}

// month is the Shanghai month of t, as the review rollup keys it.
func month(t time.Time) string { return t.In(shanghai).Format("2006-01") }
