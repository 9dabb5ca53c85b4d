package event

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// The feedback survey: an attendee (checked in at any session) answers
// once, two ratings from 1 to 5 and a comment. Organizers see the count,
// the averages and the comments, never who wrote which: honest answers
// matter more than names, and a survey is not a record of the person.

// FeedbackInput is one attendee's answer.
type FeedbackInput struct {
	Overall int    `json:"overall"` // 1–5: the event as a whole
	Useful  int    `json:"useful"`  // 1–5: useful for one's work and growth
	Comment string `json:"comment"`
}

// Feedback is the organizer's summary of an event's answers.
type Feedback struct {
	Answers  int       `json:"answers"`
	Overall  float64   `json:"overall"` // averages; 0 with no answer
	Useful   float64   `json:"useful"`
	Comments []Comment `json:"comments"` // the latest 100, newest first
}

// Comment is one answer's comment with its ratings, without its author.
type Comment struct {
	Overall int       `json:"overall"`
	Useful  int       `json:"useful"`
	Text    string    `json:"text"`
	At      time.Time `json:"at"`
}

// GiveFeedback records the actor's own answer about an event they attended.
func (s *Service) GiveFeedback(ctx context.Context, by *auth.Actor, eventID int64, in FeedbackInput) error {
	e, err := s.Get(ctx, by, eventID)
	if err != nil {
		return err
	}
	p, err := s.people.Self(ctx, by)
	if err != nil {
		return err
	}
	in.Comment = strings.TrimSpace(in.Comment)
	var f errs.Fields
	if in.Overall < 1 || in.Overall > 5 {
		f.Add("overall", "err.event_rating")
	}
	if in.Useful < 1 || in.Useful > 5 {
		f.Add("useful", "err.event_rating")
	}
	if utf8.RuneCountInString(in.Comment) > 1000 {
		f.Add("comment", "err.too_long")
	}
	if err := f.Err(); err != nil {
		return err
	}
	if !s.attended(ctx, e.ID, p.ID) {
		return errs.E(errs.Conflict, "err.event_feedback_attend")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO event_feedback (event_id, person_id, overall, useful, comment, at)
			VALUES ($1, $2, $3, $4, $5, $6)`, e.ID, p.ID, in.Overall, in.Useful, in.Comment, s.now().UTC())
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "err.event_feedback_twice")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE events SET feedback = feedback + 1, overall_sum = overall_sum + $1,
			useful_sum = useful_sum + $2 WHERE id = $3`, in.Overall, in.Useful, e.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "event.feedback", ObjectType: "event", ObjectID: e.ID, OrgID: e.OrgID,
			Summary: fmt.Sprintf("overall=%d useful=%d comment=%t", in.Overall, in.Useful, in.Comment != "")})
	})
}

// attended reports whether the person checked in at a session of the event.
func (s *Service) attended(ctx context.Context, eventID, personID int64) bool {
	var n int
	err := s.db.R().QueryRowContext(ctx, `SELECT count(*) FROM checkins c JOIN event_sessions x ON x.id = c.session_id
		WHERE x.event_id = $1 AND c.person_id = $2`, eventID, personID).Scan(&n)
	return err == nil && n > 0
}

// GaveFeedback reports whether the actor's own record answered about the event.
func (s *Service) GaveFeedback(ctx context.Context, by *auth.Actor, eventID int64) bool {
	p, err := s.people.Self(ctx, by)
	if err != nil {
		return false
	}
	var n int
	err = s.db.R().QueryRowContext(ctx, `SELECT count(*) FROM event_feedback WHERE event_id = $1 AND person_id = $2`, eventID, p.ID).Scan(&n)
	return err == nil && n > 0
}

// FeedbackOf is the summary of an event's answers, for its organizers and
// the readers of its organizer.
func (s *Service) FeedbackOf(ctx context.Context, by *auth.Actor, eventID int64) (*Feedback, error) {
	e, err := byID(ctx, s.db.R(), eventID)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.EventManage, e.OrgPath) && !by.Can(auth.OrgRead, e.OrgPath) {
		return nil, errs.ErrNotFound
	}
	var out Feedback
	var overall, useful int
	err = s.db.R().QueryRowContext(ctx, `SELECT feedback, overall_sum, useful_sum FROM events WHERE id = $1`, eventID).Scan(&out.Answers, &overall, &useful)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if out.Answers > 0 {
		out.Overall, out.Useful = float64(overall)/float64(out.Answers), float64(useful)/float64(out.Answers)
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT overall, useful, comment, at FROM event_feedback WHERE event_id = $1 AND comment <> ''
		ORDER BY at DESC LIMIT 100`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out.Comments = []Comment{}
	for rows.Next() {
		var c Comment
		if err := rows.Scan(&c.Overall, &c.Useful, &c.Text, &c.At); err != nil {
			return nil, err
		}
		out.Comments = append(out.Comments, c)
	}
	return &out, rows.Err()
}
