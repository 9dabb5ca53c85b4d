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
	"qinggong/internal/org"
	"qinggong/internal/person"
)

// Service keeps career plans.
type Service struct {
	db     *db.DB
	audit  *audit.Log
	orgs   *org.Service
	people *person.Service
	now    func() time.Time
}

// New returns the career service. Wire OrgMoved into the organization
// service once (app.Wire does), so plans follow moves; a second instance
// (the demo's, on its own clock) must not register it again.
func New(d *db.DB, a *audit.Log, orgs *org.Service, people *person.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	s := &Service{db: d, audit: a, orgs: orgs, people: people, now: now}
	return s
}

// Input is a plan as written. PersonID 0 means the actor's own record.
type Input struct {
	PersonID       int64            `json:"person_id"`
	Position       string           `json:"position"`
	SkillLevel     int              `json:"skill_level"` // 0 none, 5 junior … 1 senior technician
	Title          string           `json:"title"`
	TargetPosition string           `json:"target_position"`
	TargetLevel    int              `json:"target_level"`
	TargetTitle    string           `json:"target_title"`
	Starts         string           `json:"starts"`
	Ends           string           `json:"ends"`
	MentorID       int64            `json:"mentor_id"`
	Milestones     []MilestoneInput `json:"milestones"` // on create; later ones through AddMilestone
}

// MilestoneInput is one milestone as written.
type MilestoneInput struct {
	Title string `json:"title"`
	Due   string `json:"due"`
}

// MaxMilestones bounds one plan's milestones.
const MaxMilestones = 24

func date(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	return t, err == nil
}

func runes(f *errs.Fields, key, v string, limit int, required bool) {
	switch n := utf8.RuneCountInString(v); {
	case n == 0 && required:
		f.Add(key, "err.required")
	case n > limit:
		f.Add(key, "err.too_long")
	}
}

// check validates the plan's own fields (not its person or mentor).
func (in *Input) check(f *errs.Fields) {
	in.Position, in.Title = strings.TrimSpace(in.Position), strings.TrimSpace(in.Title)
	in.TargetPosition, in.TargetTitle = strings.TrimSpace(in.TargetPosition), strings.TrimSpace(in.TargetTitle)
	in.Starts, in.Ends = strings.TrimSpace(in.Starts), strings.TrimSpace(in.Ends)
	runes(f, "position", in.Position, 100, true)
	runes(f, "title", in.Title, 50, false)
	runes(f, "target_position", in.TargetPosition, 100, false)
	runes(f, "target_title", in.TargetTitle, 50, false)
	if in.SkillLevel < 0 || in.SkillLevel > 5 {
		f.Add("skill_level", "err.skill_level")
	}
	switch {
	case in.TargetLevel < 0 || in.TargetLevel > 5:
		f.Add("target_level", "err.skill_level")
	case in.TargetLevel > 0 && in.SkillLevel > 0 && in.TargetLevel >= in.SkillLevel:
		f.Add("target_level", "err.career_target_level") // 5 is junior: a target is a smaller number
	}
	if in.TargetPosition == "" && in.TargetLevel == 0 && in.TargetTitle == "" {
		f.Add("target_position", "err.career_target")
	}
	starts, ok1 := date(in.Starts)
	ends, ok2 := date(in.Ends)
	switch {
	case !ok1:
		f.Add("starts", "err.career_date")
	case !ok2:
		f.Add("ends", "err.career_date")
	case !ends.After(starts):
		f.Add("ends", "err.career_ends")
	case ends.Sub(starts) > 5*366*24*time.Hour:
		f.Add("ends", "err.career_too_long")
	}
	if len(in.Milestones) > MaxMilestones {
		f.Add("milestones", "err.too_many")
	}
	for i := range in.Milestones {
		checkMilestone(f, fmt.Sprintf("milestones.%d.", i), &in.Milestones[i], in.Starts, in.Ends)
	}
}

// checkMilestone validates one milestone against its plan's dates: due
// neither before the plan starts nor after it ends.
func checkMilestone(f *errs.Fields, prefix string, m *MilestoneInput, starts, ends string) {
	m.Title, m.Due = strings.TrimSpace(m.Title), strings.TrimSpace(m.Due)
	runes(f, prefix+"title", m.Title, 100, true)
	switch _, ok := date(m.Due); {
	case !ok:
		f.Add(prefix+"due", "err.career_date")
	case m.Due < starts:
		f.Add(prefix+"due", "err.career_milestone_early")
	case ends != "" && m.Due > ends:
		f.Add(prefix+"due", "err.career_milestone_late")
	}
}

// subject resolves whom a plan is for: the actor's own record (PersonID 0
// or their own ID), or a person in the actor's CareerWrite scope.
func (s *Service) subject(ctx context.Context, by *auth.Actor, personID int64) (p *person.Person, own bool, err error) {
	if self, err := s.people.Self(ctx, by); err == nil && (personID == 0 || personID == self.ID) {
		return self, true, nil
	} else if personID == 0 {
		return nil, false, err
	}
	p, err = s.people.Get(ctx, by, personID)
	if err != nil || !by.Can(auth.CareerWrite, p.OrgPath) {
		return nil, false, errs.ErrNotFound
	}
	return p, false, nil
}

// mentor checks a mentor chosen by a cadre: a person they may read, not
// the plan's own person.
func (s *Service) mentor(ctx context.Context, by *auth.Actor, f *errs.Fields, id, personID int64) {
	if id == 0 {
		return
	}
	if id == personID {
		f.Add("mentor_id", "err.career_mentor_self")
		return
	}
	if _, err := s.people.Get(ctx, by, id); err != nil {
		f.Add("mentor_id", "err.career_mentor_unknown")
	}
}

// Create writes a plan for the year its start falls in, with its first
// milestones. A young worker writes their own (a cadre assigns the
// mentor); a cadre writes one for a person in scope.
func (s *Service) Create(ctx context.Context, by *auth.Actor, in Input) (*Plan, error) {
	var f errs.Fields
	in.check(&f)
	p, own, err := s.subject(ctx, by, in.PersonID)
	if errors.Is(err, person.ErrNotLinked) {
		return nil, err
	}
	if err != nil {
		f.Add("person_id", "err.career_person")
	} else if own && in.MentorID != 0 && !by.Can(auth.CareerWrite, p.OrgPath) {
		f.Add("mentor_id", "err.career_mentor_cadre")
	} else {
		s.mentor(ctx, by, &f, in.MentorID, p.ID)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	starts, _ := date(in.Starts)
	year := starts.Year()
	now := s.now().UTC()
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO career_plans (person_id, org_id, org_path, year, position, skill_level, title,
			target_position, target_level, target_title, starts, ends, mentor_id, milestones, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id`,
			p.ID, p.OrgID, p.OrgPath, year, in.Position, in.SkillLevel, in.Title, in.TargetPosition, in.TargetLevel, in.TargetTitle,
			in.Starts, in.Ends, in.MentorID, len(in.Milestones), by.UserID, now).Scan(&id)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "err.career_plan_twice")
		}
		if err != nil {
			return err
		}
		for _, m := range in.Milestones {
			if _, err := tx.ExecContext(ctx, `INSERT INTO career_milestones (plan_id, title, due) VALUES ($1, $2, $3)`,
				id, m.Title, m.Due); err != nil {
				return err
			}
		}
		mentored := 0
		if in.MentorID != 0 {
			mentored = 1
		}
		if err := bumpYear(ctx, tx, p.OrgPath, year, 1, mentored); err != nil {
			return err
		}
		if _, err := activity.Add(ctx, tx, activity.Entry{OrgID: p.OrgID, PersonID: p.ID, Kind: KindPlanned, RefType: "career_plan",
			RefID: id, OccurredAt: now}); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "career.plan.create", ObjectType: "career_plan", ObjectID: id, OrgID: p.OrgID,
			Summary: fmt.Sprintf("person=%d year=%d milestones=%d mentor=%t own=%t", p.ID, year, len(in.Milestones), in.MentorID != 0, own)})
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.db.R(), id)
}

// Update rewrites a plan's standing, targets, dates and (a cadre's) mentor.
// Its year stays the one it was written for; milestones are kept.
func (s *Service) Update(ctx context.Context, by *auth.Actor, id int64, in Input) (*Plan, error) {
	old, err := s.Get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	own, cadre := s.owns(ctx, by, old), by.Can(auth.CareerWrite, old.OrgPath)
	if !own && !cadre {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	in.Milestones = nil
	var f errs.Fields
	in.check(&f)
	if in.MentorID != old.MentorID {
		if !cadre {
			f.Add("mentor_id", "err.career_mentor_cadre")
		} else {
			s.mentor(ctx, by, &f, in.MentorID, old.PersonID)
		}
	}
	for _, m := range old.MilestoneList {
		if m.Due < in.Starts || m.Due > in.Ends {
			f.Add("starts", "err.career_milestones_outside")
			break
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE career_plans SET position = $1, skill_level = $2, title = $3, target_position = $4,
			target_level = $5, target_title = $6, starts = $7, ends = $8, mentor_id = $9, updated_at = $10 WHERE id = $11`,
			in.Position, in.SkillLevel, in.Title, in.TargetPosition, in.TargetLevel, in.TargetTitle, in.Starts, in.Ends, in.MentorID,
			s.now().UTC(), id); err != nil {
			return err
		}
		if d := b2i(in.MentorID != 0) - b2i(old.MentorID != 0); d != 0 {
			if err := bumpYear(ctx, tx, old.OrgPath, old.Year, 0, d); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "career.plan.update", ObjectType: "career_plan", ObjectID: id, OrgID: old.OrgID,
			Summary: fmt.Sprintf("mentor_changed=%t", in.MentorID != old.MentorID)})
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.db.R(), id)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// bumpYear moves the yearly counts of the organization at path and every
// ancestor (O(depth)).
func bumpYear(ctx context.Context, tx *db.Tx, path string, year, plans, mentored int) error {
	for _, o := range db.PathIDs(path) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO career_rollup (org_id, year, plans, mentored) VALUES ($1, $2, $3, $4)
			ON CONFLICT (org_id, year) DO UPDATE SET plans = career_rollup.plans + excluded.plans,
			mentored = career_rollup.mentored + excluded.mentored`, o, year, plans, mentored); err != nil {
			return err
		}
	}
	return nil
}

// bumpMonth moves the count of plans last reviewed in month.
func bumpMonth(ctx context.Context, tx *db.Tx, path, month string, d int) error {
	for _, o := range db.PathIDs(path) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO career_review_rollup (org_id, month, plans) VALUES ($1, $2, $3)
			ON CONFLICT (org_id, month) DO UPDATE SET plans = career_review_rollup.plans + excluded.plans`, o, month, d); err != nil {
			return err
		}
	}
	return nil
}

// owns reports whether the plan is the actor's own.
func (s *Service) owns(ctx context.Context, by *auth.Actor, p *Plan) bool {
	self, err := s.people.Self(ctx, by)
	return err == nil && self.ID == p.PersonID
}

// mentors reports whether the actor's login is the plan's mentor's.
func (s *Service) mentors(ctx context.Context, by *auth.Actor, p *Plan) bool {
	if p.MentorID == 0 || by == nil || by.UserID == 0 {
		return false
	}
	var uid int64
	err := s.db.R().QueryRowContext(ctx, `SELECT COALESCE(user_id, 0) FROM people WHERE id = $1`, p.MentorID).Scan(&uid)
	return err == nil && uid == by.UserID
}

// Get returns a plan with its milestones and reviews to its person, its
// mentor, and readers of its organization's plans; otherwise NotFound.
func (s *Service) Get(ctx context.Context, by *auth.Actor, id int64) (*Plan, error) {
	p, err := s.load(ctx, s.db.R(), id)
	if err != nil {
		return nil, err
	}
	if by.Can(auth.CareerRead, p.OrgPath) || s.owns(ctx, by, p) || s.mentors(ctx, by, p) {
		return p, nil
	}
	return nil, errs.ErrNotFound
}

// Access is what the actor may do on a plan.
type Access struct {
	Own, Mentor, Cadre bool
}

// CanReview: the mentor or a cadre, never the plan's own person.
func (a Access) CanReview() bool { return a.Mentor || a.Cadre }

// CanEdit: the person or a cadre.
func (a Access) CanEdit() bool { return a.Own || a.Cadre }

// AccessTo tells the pages which forms to show on a plan.
func (s *Service) AccessTo(ctx context.Context, by *auth.Actor, p *Plan) Access {
	return Access{Own: s.owns(ctx, by, p), Mentor: s.mentors(ctx, by, p), Cadre: by.Can(auth.CareerWrite, p.OrgPath)}
}

func (s *Service) load(ctx context.Context, q db.Q, id int64) (*Plan, error) {
	var p Plan
	err := scanPlan(q.QueryRowContext(ctx, `SELECT `+planColumns+planFrom+` WHERE p.id = $1`, id), &p)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT id, plan_id, title, due, met_at, note FROM career_milestones WHERE plan_id = $1
		ORDER BY due, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	p.MilestoneList = []Milestone{}
	for rows.Next() {
		m, err := scanMilestone(rows)
		if err != nil {
			return nil, err
		}
		p.MilestoneList = append(p.MilestoneList, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rs, err := q.QueryContext(ctx, `SELECT id, plan_id, by_name, role, progress, comment, at FROM career_reviews WHERE plan_id = $1
		ORDER BY id DESC LIMIT 100`, id)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	p.ReviewList = []Review{}
	for rs.Next() {
		var r Review
		if err := rs.Scan(&r.ID, &r.PlanID, &r.ByName, &r.Role, &r.Progress, &r.Comment, &r.At); err != nil {
			return nil, err
		}
		p.ReviewList = append(p.ReviewList, r)
	}
	return &p, rs.Err()
}

// OrgMoved rewrites the paths of plans under a moved organization and
// carries its counts from the old ancestors to the new ones.
func (s *Service) OrgMoved(ctx context.Context, tx *db.Tx, m org.Moved) error {
	if err := db.MovePaths(ctx, tx, m.OldPath, m.NewPath, "career_plans.org_path"); err != nil {
		return err
	}
	years, err := pairs(ctx, tx, `SELECT year, plans, mentored FROM career_rollup WHERE org_id = $1`, m.ID)
	if err != nil {
		return err
	}
	months, err := monthRows(ctx, tx, m.ID)
	if err != nil {
		return err
	}
	for _, side := range []struct {
		path string
		sign int
	}{{m.OldParentPath, -1}, {m.NewParentPath, 1}} {
		for _, y := range years {
			if err := bumpYear(ctx, tx, side.path, y[0], side.sign*y[1], side.sign*y[2]); err != nil {
				return err
			}
		}
		for month, n := range months {
			if err := bumpMonth(ctx, tx, side.path, month, side.sign*n); err != nil {
				return err
			}
		}
	}
	return nil
}

func pairs(ctx context.Context, q db.Q, query string, args ...any) ([][3]int, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][3]int
	for rows.Next() {
		var r [3]int
		if err := rows.Scan(&r[0], &r[1], &r[2]); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func monthRows(ctx context.Context, q db.Q, orgID int64) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT month, plans FROM career_review_rollup WHERE org_id = $1 AND plans <> 0`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var m string
		var n int
		if err := rows.Scan(&m, &n); err != nil {
			return nil, err
		}
		out[m] = n
	}
	return out, rows.Err()
}
