package skills

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/person"
)

// Mentor and apprentice (导师带徒): an agreement for a term, monthly logs
// by both sides, a final evaluation that credits both by rule.

// Mentorship statuses.
const (
	MentorshipActive    = "active"
	MentorshipCompleted = "completed"
)

// MentorCorpsTag marks a person of the high-skill mentor corps
// (青年高技能人才导师团) on their record.
const MentorCorpsTag = "导师团"

// Mentorship is one agreement.
type Mentorship struct {
	ID             int64      `json:"id"`
	MentorID       int64      `json:"mentor_id"`
	MentorName     string     `json:"mentor_name"`
	ApprenticeID   int64      `json:"apprentice_id"`
	ApprenticeName string     `json:"apprentice_name"`
	OrgID          int64      `json:"org_id"`
	OrgPath        string     `json:"-"`
	Trade          string     `json:"trade"`
	Goals          string     `json:"goals"`
	Starts         string     `json:"starts"`
	Ends           string     `json:"ends"`
	Status         string     `json:"status"`
	Logs           int        `json:"logs"`
	Evaluation     string     `json:"evaluation,omitempty"`
	Rating         int        `json:"rating,omitempty"`
	CompletedAt    *time.Time `json:"completed_at,omitempty"`
	LogList        []Log      `json:"log_list,omitempty"`
}

// Log is one side's monthly log.
type Log struct {
	Role  string    `json:"role"` // mentor or apprentice
	Month string    `json:"month"`
	Body  string    `json:"body"`
	At    time.Time `json:"at"`
}

// MentorshipInput is a new agreement.
type MentorshipInput struct {
	MentorID     int64  `json:"mentor_id"`
	ApprenticeID int64  `json:"apprentice_id"`
	Trade        string `json:"trade"`
	Goals        string `json:"goals"`
	Starts       string `json:"starts"`
	Ends         string `json:"ends"`
}

const mentorshipColumns = `m.id, m.mentor_id, mp.name, m.apprentice_id, ap.name, m.org_id, m.org_path, m.trade, m.goals, m.starts, m.ends,
	m.status, m.logs, m.evaluation, m.rating, m.completed_at`

const mentorshipFrom = ` FROM mentorships m JOIN people mp ON mp.id = m.mentor_id JOIN people ap ON ap.id = m.apprentice_id`

func scanMentorship(sc interface{ Scan(...any) error }, m *Mentorship) error {
	var done sql.NullTime
	if err := sc.Scan(&m.ID, &m.MentorID, &m.MentorName, &m.ApprenticeID, &m.ApprenticeName, &m.OrgID, &m.OrgPath, &m.Trade, &m.Goals,
		&m.Starts, &m.Ends, &m.Status, &m.Logs, &m.Evaluation, &m.Rating, &done); err != nil {
		return err
	}
	if done.Valid {
		m.CompletedAt = &done.Time
	}
	return nil
}

// Qualified reports whether a person may mentor: of the mentor corps, or
// at skill level 2 (技师) or above.
func Qualified(p *person.Person) bool {
	return slices.Contains(p.Tags, MentorCorpsTag) || (p.SkillLevel >= 1 && p.SkillLevel <= 2)
}

// CreateMentorship writes an agreement for an apprentice in the actor's
// skills.manage scope with a qualified mentor the actor can read.
func (s *Service) CreateMentorship(ctx context.Context, by *auth.Actor, in MentorshipInput) (*Mentorship, error) {
	var f errs.Fields
	ap, err := s.people.Get(ctx, by, in.ApprenticeID)
	if err != nil || !by.Can(auth.SkillsManage, ap.OrgPath) {
		f.Add("apprentice_id", "err.mentorship_apprentice")
	}
	mentor, err := s.people.Get(ctx, by, in.MentorID)
	switch {
	case err != nil:
		f.Add("mentor_id", "err.career_mentor_unknown")
	case in.MentorID == in.ApprenticeID:
		f.Add("mentor_id", "err.career_mentor_self")
	case !Qualified(mentor):
		f.Add("mentor_id", "err.mentorship_unqualified")
	}
	in.Trade, in.Goals = strings.TrimSpace(in.Trade), strings.TrimSpace(in.Goals)
	runes := func(k, v string, most int) {
		switch n := utf8.RuneCountInString(v); {
		case n == 0:
			f.Add(k, "err.required")
		case n > most:
			f.Add(k, "err.too_long")
		}
	}
	runes("trade", in.Trade, 50)
	runes("goals", in.Goals, 2000)
	starts, err1 := time.Parse(time.DateOnly, strings.TrimSpace(in.Starts))
	ends, err2 := time.Parse(time.DateOnly, strings.TrimSpace(in.Ends))
	switch {
	case err1 != nil:
		f.Add("starts", "err.career_date")
	case err2 != nil:
		f.Add("ends", "err.career_date")
	case !ends.After(starts):
		f.Add("ends", "err.career_ends")
	case ends.Sub(starts) > 3*366*24*time.Hour:
		f.Add("ends", "err.mentorship_too_long")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO mentorships (mentor_id, apprentice_id, org_id, org_path, trade, goals, starts, ends,
			status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`, mentor.ID, ap.ID, ap.OrgID,
			ap.OrgPath, in.Trade, in.Goals, starts.Format(time.DateOnly), ends.Format(time.DateOnly), MentorshipActive, by.UserID,
			s.now().UTC()).Scan(&id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "mentorship.create", ObjectType: "mentorship", ObjectID: id, OrgID: ap.OrgID,
			Summary: fmt.Sprintf("mentor=%d apprentice=%d", mentor.ID, ap.ID)})
	})
	if err != nil {
		return nil, err
	}
	return s.mentorship(ctx, s.db.R(), id)
}

func (s *Service) mentorship(ctx context.Context, q db.Q, id int64) (*Mentorship, error) {
	var m Mentorship
	err := scanMentorship(q.QueryRowContext(ctx, `SELECT `+mentorshipColumns+mentorshipFrom+` WHERE m.id = $1`, id), &m)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT role, month, body, at FROM mentorship_logs WHERE mentorship_id = $1 ORDER BY month DESC, role`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m.LogList = []Log{}
	for rows.Next() {
		var l Log
		if err := rows.Scan(&l.Role, &l.Month, &l.Body, &l.At); err != nil {
			return nil, err
		}
		m.LogList = append(m.LogList, l)
	}
	return &m, rows.Err()
}

// side is the actor's part in a mentorship: "mentor", "apprentice" or "".
func (s *Service) side(ctx context.Context, by *auth.Actor, m *Mentorship) string {
	self, err := s.people.Self(ctx, by)
	switch {
	case err != nil:
		return ""
	case self.ID == m.MentorID:
		return "mentor"
	case self.ID == m.ApprenticeID:
		return "apprentice"
	}
	return ""
}

// Mentorship returns an agreement to its two sides and to readers of the
// apprentice's organization, with the actor's side.
func (s *Service) Mentorship(ctx context.Context, by *auth.Actor, id int64) (*Mentorship, string, error) {
	m, err := s.mentorship(ctx, s.db.R(), id)
	if err != nil {
		return nil, "", err
	}
	side := s.side(ctx, by, m)
	if side == "" && !by.Can(auth.PersonRead, m.OrgPath) {
		return nil, "", errs.ErrNotFound
	}
	return m, side, nil
}

// Mentorships lists the agreements of the actor's PersonRead scope and
// their own (as mentor or apprentice), newest first.
func (s *Service) Mentorships(ctx context.Context, by *auth.Actor, limit int) ([]Mentorship, error) {
	if limit <= 0 || limit > 200 {
		limit = 100
	}
	a := &db.Args{}
	where := by.Scope(auth.PersonRead).Where("m.org_path", a)
	if self, err := s.people.Self(ctx, by); err == nil {
		where = "(" + where + " OR m.mentor_id = " + a.Add(self.ID) + " OR m.apprentice_id = " + a.Add(self.ID) + ")"
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+mentorshipColumns+mentorshipFrom+` WHERE `+where+` ORDER BY m.id DESC LIMIT `+a.Add(limit),
		a.List()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Mentorship{}
	for rows.Next() {
		var m Mentorship
		if err := scanMentorship(rows, &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// AddLog records the actor's own monthly log (mentor or apprentice), once
// per side and month, for a month of the term that has begun.
func (s *Service) AddLog(ctx context.Context, by *auth.Actor, id int64, month, body string) (*Mentorship, error) {
	m, side, err := s.Mentorship(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if side == "" {
		return nil, errs.E(errs.Forbidden, "err.mentorship_side")
	}
	if m.Status != MentorshipActive {
		return nil, errs.E(errs.Conflict, "err.mentorship_closed")
	}
	month, body = strings.TrimSpace(month), strings.TrimSpace(body)
	var f errs.Fields
	if _, err := time.Parse("2006-01", month); err != nil {
		f.Add("month", "err.mentorship_month")
	} else if month < m.Starts[:7] || month > m.Ends[:7] || month > s.now().In(shanghai).Format("2006-01") {
		f.Add("month", "err.mentorship_month_outside")
	}
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		f.Add("body", "err.required")
	case n > 2000:
		f.Add("body", "err.too_long")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO mentorship_logs (mentorship_id, role, month, body, by_user, at) VALUES ($1, $2, $3, $4, $5, $6)`,
			m.ID, side, month, body, by.UserID, s.now().UTC())
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "err.mentorship_log_twice")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mentorships SET logs = logs + 1 WHERE id = $1`, m.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "mentorship.log", ObjectType: "mentorship", ObjectID: m.ID, OrgID: m.OrgID,
			Summary: "role=" + side + " month=" + month})
	})
	if err != nil {
		return nil, err
	}
	return s.mentorship(ctx, s.db.R(), m.ID)
}

// CompleteMentorship closes an agreement with its final evaluation and a
// rating (1–5), crediting both sides by rule, in one transaction.
func (s *Service) CompleteMentorship(ctx context.Context, by *auth.Actor, id int64, evaluation string, rating int) (*Mentorship, error) {
	m, _, err := s.Mentorship(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.SkillsManage, m.OrgPath) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	evaluation = strings.TrimSpace(evaluation)
	var f errs.Fields
	switch n := utf8.RuneCountInString(evaluation); {
	case n == 0:
		f.Add("evaluation", "err.required")
	case n > 2000:
		f.Add("evaluation", "err.too_long")
	}
	if rating < 1 || rating > 5 {
		f.Add("rating", "err.event_rating")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	mr, err := rule(ctx, s.db.R(), "mentorship.mentor")
	if err != nil {
		return nil, err
	}
	ar, err := rule(ctx, s.db.R(), "mentorship.apprentice")
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE mentorships SET status = $1, evaluation = $2, rating = $3, completed_at = $4
			WHERE id = $5 AND status = $6`, MentorshipCompleted, evaluation, rating, now, m.ID, MentorshipActive)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "err.mentorship_closed")
		}
		var ps []posting
		for _, side := range []struct {
			person int64
			r      Rule
		}{{m.MentorID, mr}, {m.ApprenticeID, ar}} {
			if side.r.Credits == 0 {
				continue
			}
			who, err := memberOf(ctx, tx, side.person)
			if err != nil {
				return err
			}
			ps = append(ps, posting{PersonID: side.person, OrgID: who.orgID, OrgPath: who.path, Trade: m.Trade, IssuerID: m.OrgID, Category: SourceMentorship,
				Credits: side.r.Credits, Source: SourceMentorship, SourceID: m.ID, Rule: side.r.Code, Expires: s.expiry(side.r)})
		}
		if _, err := s.post(ctx, tx, by, ps); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "mentorship.complete", ObjectType: "mentorship", ObjectID: m.ID, OrgID: m.OrgID,
			Summary: fmt.Sprintf("rating=%d logs=%d", rating, m.Logs)})
	})
	if err != nil {
		return nil, err
	}
	return s.mentorship(ctx, s.db.R(), m.ID)
}
