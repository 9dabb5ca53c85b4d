package skills

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/person"
)

// Skill appraisal (鉴定评价): a worker with enough credits within the
// threshold's years and enough years at their level may apply for the next
// level at a dedicated appraisal session (专场鉴定); passing both the
// theory and the practical parts raises their skill level, with its
// history, and earns the appraisal's credits.

// Appraisal statuses.
const (
	Applied = "applied"
	Passed  = "passed"
	Failed  = "failed"
)

// PassMark is the least score of each part that passes.
const PassMark = 60

// Threshold is what applying for a level asks.
type Threshold struct {
	Trade        string `json:"trade"` // "" for every trade without its own
	Level        int    `json:"level"`
	Credits      int    `json:"credits"`
	WithinYears  int    `json:"within_years"`
	YearsAtLevel int    `json:"years_at_level"`
}

// threshold is the trade's own threshold for a level, else the default.
func threshold(ctx context.Context, q db.Q, trade string, level int) (Threshold, error) {
	t := Threshold{Level: level}
	err := q.QueryRowContext(ctx, `SELECT trade, credits, within_years, years_at_level FROM appraisal_thresholds
		WHERE level = $1 AND (trade = $2 OR trade = '') ORDER BY trade DESC LIMIT 1`, level, trade).
		Scan(&t.Trade, &t.Credits, &t.WithinYears, &t.YearsAtLevel)
	if errors.Is(err, db.ErrNoRows) {
		return t, errs.E(errs.Conflict, "err.appraisal_no_threshold")
	}
	return t, err
}

// nextLevel is the level a worker at level applies for (5 is the entry
// level, 1 the highest); 0 when there is none above.
func nextLevel(level int) int {
	switch {
	case level == 0:
		return 5
	case level > 1:
		return level - 1
	}
	return 0
}

// Eligibility is where a worker stands for their next appraisal.
type Eligibility struct {
	Current      int       `json:"current"`
	Target       int       `json:"target"` // 0: already at the highest level
	Need         Threshold `json:"need"`
	Credits      int       `json:"credits"`        // within the threshold's years
	Since        string    `json:"since"`          // certified at the current level on (YYYY-MM-DD), "" unknown
	YearsAtLevel int       `json:"years_at_level"` // whole years since then
	Eligible     bool      `json:"eligible"`
	Missing      []string  `json:"missing"` // catalog keys of what is lacking
}

// EligibilityOf reads a person's standing from the kept sums: credits by
// year and category (no ledger scan) and the skill history.
func (s *Service) EligibilityOf(ctx context.Context, q db.Q, p *person.Person) (*Eligibility, error) {
	e := &Eligibility{Current: p.SkillLevel, Target: nextLevel(p.SkillLevel), Missing: []string{}}
	if e.Target == 0 {
		e.Missing = append(e.Missing, "skills.missing.top")
		return e, nil
	}
	var err error
	if e.Need, err = threshold(ctx, q, p.Trade, e.Target); err != nil {
		return nil, err
	}
	now := s.now().In(shanghai)
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(credits), 0) FROM credit_person_years WHERE person_id = $1 AND year > $2`,
		p.ID, now.Year()-e.Need.WithinYears).Scan(&e.Credits); err != nil {
		return nil, err
	}
	if p.SkillLevel > 0 {
		var on sql.NullString
		if err := q.QueryRowContext(ctx, `SELECT max(certified_on) FROM skill_changes WHERE person_id = $1 AND level = $2`,
			p.ID, p.SkillLevel).Scan(&on); err != nil {
			return nil, err
		}
		if on.Valid {
			e.Since = on.String
			if d, err := time.ParseInLocation(time.DateOnly, on.String, shanghai); err == nil {
				e.YearsAtLevel = yearsBetween(d, now)
			}
		}
	}
	if e.Credits < e.Need.Credits {
		e.Missing = append(e.Missing, "skills.missing.credits")
	}
	if e.Need.YearsAtLevel > 0 && (e.Since == "" || e.YearsAtLevel < e.Need.YearsAtLevel) {
		e.Missing = append(e.Missing, "skills.missing.years")
	}
	e.Eligible = len(e.Missing) == 0
	return e, nil
}

// yearsBetween is the whole years from a to b.
func yearsBetween(a, b time.Time) int {
	n := b.Year() - a.Year()
	if b.YearDay() < a.YearDay() {
		n--
	}
	return max(n, 0)
}

// OwnEligibility is the actor's own standing.
func (s *Service) OwnEligibility(ctx context.Context, by *auth.Actor) (*Eligibility, error) {
	p, err := s.people.Self(ctx, by)
	if err != nil {
		return nil, err
	}
	return s.EligibilityOf(ctx, s.db.R(), p)
}

// AppraisalSession is a dedicated appraisal session.
type AppraisalSession struct {
	ID       int64     `json:"id"`
	OrgID    int64     `json:"org_id"`
	OrgPath  string    `json:"-"`
	Trade    string    `json:"trade"`
	Level    int       `json:"level"`
	Starts   time.Time `json:"starts"`
	Place    string    `json:"place"`
	Capacity int       `json:"capacity"`
	Body     string    `json:"body"` // the certifying body
	Applied  int       `json:"applied"`
	Passed   int       `json:"passed"`
}

// AppraisalInput is a new session.
type AppraisalInput struct {
	OrgID    int64     `json:"org_id"`
	Trade    string    `json:"trade"`
	Level    int       `json:"level"`
	Starts   time.Time `json:"starts"`
	Place    string    `json:"place"`
	Capacity int       `json:"capacity"`
	Body     string    `json:"body"`
}

const appraisalColumns = `id, org_id, org_path, trade, level, starts, place, capacity, body, applied, passed`

func scanAppraisal(sc interface{ Scan(...any) error }, a *AppraisalSession) error {
	return sc.Scan(&a.ID, &a.OrgID, &a.OrgPath, &a.Trade, &a.Level, &a.Starts, &a.Place, &a.Capacity, &a.Body, &a.Applied, &a.Passed)
}

// CreateAppraisal schedules a session, organized where the actor holds
// skills.manage.
func (s *Service) CreateAppraisal(ctx context.Context, by *auth.Actor, in AppraisalInput) (*AppraisalSession, error) {
	var f errs.Fields
	o, err := s.orgs.FindByID(ctx, by, in.OrgID)
	if err != nil || !by.Can(auth.SkillsManage, o.Path) {
		f.Add("org_id", "err.course_org")
	}
	in.Trade, in.Place, in.Body = strings.TrimSpace(in.Trade), strings.TrimSpace(in.Place), strings.TrimSpace(in.Body)
	for k, v := range map[string]string{"trade": in.Trade, "place": in.Place, "body": in.Body} {
		switch n := utf8.RuneCountInString(v); {
		case n == 0:
			f.Add(k, "err.required")
		case n > 100:
			f.Add(k, "err.too_long")
		}
	}
	if in.Level < 1 || in.Level > 5 {
		f.Add("level", "err.skill_level")
	}
	if in.Starts.IsZero() {
		f.Add("starts", "err.required")
	} else if !in.Starts.After(s.now()) {
		f.Add("starts", "err.appraisal_past")
	}
	if in.Capacity < 1 || in.Capacity > 10000 {
		f.Add("capacity", "err.invalid")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO appraisal_sessions (org_id, org_path, trade, level, starts, place, capacity, body,
			created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, o.ID, o.Path, in.Trade, in.Level,
			in.Starts.UTC(), in.Place, in.Capacity, in.Body, by.UserID, s.now().UTC()).Scan(&id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "appraisal.create", ObjectType: "appraisal", ObjectID: id, OrgID: o.ID,
			Summary: fmt.Sprintf("level=%d capacity=%d", in.Level, in.Capacity)})
	})
	if err != nil {
		return nil, err
	}
	return appraisalByID(ctx, s.db.R(), id)
}

func appraisalByID(ctx context.Context, q db.Q, id int64) (*AppraisalSession, error) {
	var a AppraisalSession
	err := scanAppraisal(q.QueryRowContext(ctx, `SELECT `+appraisalColumns+` FROM appraisal_sessions WHERE id = $1`, id), &a)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return &a, err
}

// Appraisal returns a session: sessions are open to every worker of the
// city (the certifying body's), so any login reads one.
func (s *Service) Appraisal(ctx context.Context, id int64) (*AppraisalSession, error) {
	return appraisalByID(ctx, s.db.R(), id)
}

// Appraisals lists the coming sessions (and those of the last 90 days),
// soonest first.
func (s *Service) Appraisals(ctx context.Context, limit int) ([]AppraisalSession, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+appraisalColumns+` FROM appraisal_sessions WHERE starts >= $1 ORDER BY starts, id LIMIT $2`,
		s.now().AddDate(0, 0, -90).UTC(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []AppraisalSession{}
	for rows.Next() {
		var a AppraisalSession
		if err := scanAppraisal(rows, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Application is a worker's application for a session.
type Application struct {
	ID        int64      `json:"id"`
	SessionID int64      `json:"session_id"`
	PersonID  int64      `json:"person_id"`
	Name      string     `json:"name"`
	Status    string     `json:"status"`
	Credits   int        `json:"credits"` // within the threshold's years, when applying
	Theory    int        `json:"theory"`  // -1 until scored
	Practical int        `json:"practical"`
	AppliedAt time.Time  `json:"applied_at"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
}

// Apply enters a worker for a session: their own record, or (skills.manage
// on their organization) someone of a cadre's. The threshold is checked
// here, against the kept sums: a worker below it, of another trade, or
// not at the level below the session's is refused with the reason.
func (s *Service) Apply(ctx context.Context, by *auth.Actor, sessionID, personID int64) (*Application, error) {
	a, err := appraisalByID(ctx, s.db.R(), sessionID)
	if err != nil {
		return nil, err
	}
	var p *person.Person
	if self, err := s.people.Self(ctx, by); err == nil && (personID == 0 || personID == self.ID) {
		p = self
	} else if personID == 0 {
		return nil, err
	} else if p, err = s.people.Get(ctx, by, personID); err != nil {
		return nil, err
	} else if !by.Can(auth.SkillsManage, p.OrgPath) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if !a.Starts.After(s.now()) {
		return nil, errs.E(errs.Conflict, "err.appraisal_closed")
	}
	if p.Trade != "" && p.Trade != a.Trade {
		return nil, errs.E(errs.Conflict, "err.appraisal_trade")
	}
	el, err := s.EligibilityOf(ctx, s.db.R(), p)
	if err != nil {
		return nil, err
	}
	switch {
	case el.Target != a.Level:
		return nil, errs.E(errs.Conflict, "err.appraisal_level")
	case !el.Eligible:
		return nil, errs.E(errs.Conflict, "err.appraisal_below")
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// The session's row first: it orders applications for its last seats.
		var applied, capacity int
		if err := tx.QueryRowContext(ctx, `UPDATE appraisal_sessions SET applied = applied + 1 WHERE id = $1 RETURNING applied, capacity`,
			a.ID).Scan(&applied, &capacity); err != nil {
			return err
		}
		if applied > capacity {
			return errs.E(errs.Conflict, "err.appraisal_full")
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO appraisal_applications (session_id, person_id, status, credits, by_user, applied_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, a.ID, p.ID, Applied, el.Credits, by.UserID, s.now().UTC()).Scan(&id)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "err.appraisal_twice")
		}
		if err != nil {
			return err
		}
		db.BumpCreditsVersion(tx) // "my skills" shows applications
		return s.audit.Record(ctx, tx, audit.Entry{Action: "appraisal.apply", ObjectType: "appraisal", ObjectID: a.ID, OrgID: p.OrgID,
			Summary: fmt.Sprintf("person=%d level=%d credits=%d", p.ID, a.Level, el.Credits)})
	})
	if err != nil {
		return nil, err
	}
	return applicationByID(ctx, s.db.R(), id)
}

const applicationColumns = `x.id, x.session_id, x.person_id, p.name, x.status, x.credits, x.theory, x.practical, x.applied_at, x.decided_at`

func scanApplication(sc interface{ Scan(...any) error }, x *Application) error {
	var decided sql.NullTime
	if err := sc.Scan(&x.ID, &x.SessionID, &x.PersonID, &x.Name, &x.Status, &x.Credits, &x.Theory, &x.Practical, &x.AppliedAt, &decided); err != nil {
		return err
	}
	if decided.Valid {
		x.DecidedAt = &decided.Time
	}
	return nil
}

func applicationByID(ctx context.Context, q db.Q, id int64) (*Application, error) {
	var x Application
	err := scanApplication(q.QueryRowContext(ctx, `SELECT `+applicationColumns+` FROM appraisal_applications x
		JOIN people p ON p.id = x.person_id WHERE x.id = $1`, id), &x)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return &x, err
}

// Applications lists a session's applications to its organizers.
func (s *Service) Applications(ctx context.Context, by *auth.Actor, sessionID int64) ([]Application, error) {
	a, err := appraisalByID(ctx, s.db.R(), sessionID)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.SkillsManage, a.OrgPath) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+applicationColumns+` FROM appraisal_applications x
		JOIN people p ON p.id = x.person_id WHERE x.session_id = $1 ORDER BY x.id LIMIT 10000`, sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Application{}
	for rows.Next() {
		var x Application
		if err := scanApplication(rows, &x); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// MyApplications lists the actor's own applications, newest first.
func (s *Service) MyApplications(ctx context.Context, by *auth.Actor) ([]Application, error) {
	p, err := s.people.Self(ctx, by)
	if err != nil {
		return nil, err
	}
	return s.applicationsOf(ctx, p.ID)
}

func (s *Service) applicationsOf(ctx context.Context, personID int64) ([]Application, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+applicationColumns+` FROM appraisal_applications x
		JOIN people p ON p.id = x.person_id WHERE x.person_id = $1 ORDER BY x.id DESC LIMIT 50`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Application{}
	for rows.Next() {
		var x Application
		if err := scanApplication(rows, &x); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// RecordResult scores an application (theory and practical, 0–100, both
// from PassMark to pass), once. A pass raises the person's skill level to
// the session's, certified on the session's day by its body, and posts
// the appraisal's credits; all in one transaction.
func (s *Service) RecordResult(ctx context.Context, by *auth.Actor, applicationID int64, theory, practical int) (*Application, error) {
	x, err := applicationByID(ctx, s.db.R(), applicationID)
	if err != nil {
		return nil, err
	}
	a, err := appraisalByID(ctx, s.db.R(), x.SessionID)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.SkillsManage, a.OrgPath) {
		if by.Can(auth.OrgRead, a.OrgPath) {
			return nil, errs.E(errs.Forbidden, "err.forbidden")
		}
		return nil, errs.ErrNotFound
	}
	var f errs.Fields
	if theory < 0 || theory > 100 {
		f.Add("theory", "err.course_score")
	}
	if practical < 0 || practical > 100 {
		f.Add("practical", "err.course_score")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	pass := theory >= PassMark && practical >= PassMark
	status := Failed
	if pass {
		status = Passed
	}
	rl, err := rule(ctx, s.db.R(), "appraisal_pass")
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE appraisal_applications SET status = $1, theory = $2, practical = $3, decided_at = $4
			WHERE id = $5 AND status = $6`, status, theory, practical, now, x.ID, Applied)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "err.appraisal_decided")
		}
		db.BumpCreditsVersion(tx) // "my skills" shows the result, the overview counts passes
		if pass {
			if _, err := tx.ExecContext(ctx, `UPDATE appraisal_sessions SET passed = passed + 1 WHERE id = $1`, a.ID); err != nil {
				return err
			}
			on := a.Starts.In(shanghai).Format(time.DateOnly)
			if err := s.people.CertifySkill(ctx, tx, by, x.PersonID, a.Level, on, a.Body); err != nil {
				return err
			}
			who, err := memberOf(ctx, tx, x.PersonID)
			if err != nil {
				return err
			}
			if rl.Credits > 0 {
				if _, err := s.post(ctx, tx, by, []posting{{PersonID: x.PersonID, OrgID: who.orgID, OrgPath: who.path, Trade: a.Trade, IssuerID: a.OrgID,
					Category: SourceAppraisal, Credits: rl.Credits, Source: SourceAppraisal, SourceID: x.ID, Rule: rl.Code,
					Expires: s.expiry(rl)}}); err != nil {
					return err
				}
			}
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "appraisal.result", ObjectType: "appraisal", ObjectID: a.ID, OrgID: a.OrgID,
			Summary: fmt.Sprintf("application=%d person=%d status=%s", x.ID, x.PersonID, status)})
	})
	if err != nil {
		return nil, err
	}
	return applicationByID(ctx, s.db.R(), x.ID)
}
