package skills

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
	"qinggong/internal/event"
)

// Course is a training course: its credits and assessment here, its
// sessions, enrolment and check-in an event of the event engine.
type Course struct {
	ID          int64     `json:"id"`
	EventID     int64     `json:"event_id"`
	OrgID       int64     `json:"org_id"`
	OrgPath     string    `json:"-"`
	Title       string    `json:"title"`
	Trade       string    `json:"trade"`
	Category    string    `json:"category"`
	Credits     int       `json:"credits"`
	Hours       int       `json:"hours"`
	Assessment  string    `json:"assessment"`
	MinSessions int       `json:"min_sessions"` // sessions attended to sit the assessment
	Passed      int       `json:"passed"`
	CreatedAt   time.Time `json:"created_at"`
}

// CourseInput is a new course with its event's details.
type CourseInput struct {
	OrgID       int64                `json:"org_id"`
	Title       string               `json:"title"`
	Summary     string               `json:"summary"`
	Trade       string               `json:"trade"`
	Category    string               `json:"category"`
	Credits     int                  `json:"credits"`
	Hours       int                  `json:"hours"`
	Assessment  string               `json:"assessment"`
	MinSessions int                  `json:"min_sessions"`
	Place       string               `json:"place"`
	OnlineURL   string               `json:"online_url"`
	Capacity    int                  `json:"capacity"`
	RegOpens    time.Time            `json:"reg_opens"`
	RegCloses   time.Time            `json:"reg_closes"`
	Sessions    []event.SessionInput `json:"sessions"`
}

const courseColumns = `id, event_id, org_id, org_path, title, trade, category, credits, hours, assessment, min_sessions, passed, created_at`

func scanCourse(sc interface{ Scan(...any) error }, c *Course) error {
	return sc.Scan(&c.ID, &c.EventID, &c.OrgID, &c.OrgPath, &c.Title, &c.Trade, &c.Category, &c.Credits, &c.Hours, &c.Assessment,
		&c.MinSessions, &c.Passed, &c.CreatedAt)
}

// CreateCourse writes a course and its event (a draft of kind "course",
// registration required to check in) in one transaction; the event
// engine checks the event's own fields. Publishing is the event's.
func (s *Service) CreateCourse(ctx context.Context, by *auth.Actor, in CourseInput) (*Course, error) {
	var f errs.Fields
	in.Trade, in.Assessment = strings.TrimSpace(in.Trade), strings.TrimSpace(in.Assessment)
	if o, err := s.orgs.FindByID(ctx, by, in.OrgID); err != nil || !by.Can(auth.SkillsManage, o.Path) {
		f.Add("org_id", "err.course_org")
	}
	switch n := utf8.RuneCountInString(in.Trade); {
	case n == 0:
		f.Add("trade", "err.required")
	case n > 50:
		f.Add("trade", "err.too_long")
	}
	if !KnownCategory(in.Category) {
		f.Add("category", "err.choose")
	}
	if in.Credits < 1 || in.Credits > 50 {
		f.Add("credits", "err.course_credits")
	}
	if in.Hours < 1 || in.Hours > 1000 {
		f.Add("hours", "err.course_hours")
	}
	if n := utf8.RuneCountInString(in.Assessment); n == 0 {
		f.Add("assessment", "err.required")
	} else if n > 200 {
		f.Add("assessment", "err.too_long")
	}
	if in.MinSessions < 0 || in.MinSessions > len(in.Sessions) {
		f.Add("min_sessions", "err.course_min_sessions")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var id int64
	_, err := s.events.Create(ctx, by, event.Input{OrgID: in.OrgID, Kind: "course", Title: in.Title, Summary: in.Summary, Place: in.Place,
		OnlineURL: in.OnlineURL, Capacity: in.Capacity, RegOpens: in.RegOpens, RegCloses: in.RegCloses, RegRequired: true,
		Sessions: in.Sessions, Then: func(ctx context.Context, tx *db.Tx, eventID int64) error {
			var path string
			if err := tx.QueryRowContext(ctx, `SELECT org_path FROM events WHERE id = $1`, eventID).Scan(&path); err != nil {
				return err
			}
			db.BumpCreditsVersion(tx) // the overview lists courses
			if err := tx.QueryRowContext(ctx, `INSERT INTO courses (event_id, org_id, org_path, title, trade, category, credits, hours,
				assessment, min_sessions, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
				eventID, in.OrgID, path, strings.TrimSpace(in.Title), in.Trade, in.Category, in.Credits, in.Hours, in.Assessment,
				in.MinSessions, by.UserID, s.now().UTC()).Scan(&id); err != nil {
				return err
			}
			return s.audit.Record(ctx, tx, audit.Entry{Action: "course.create", ObjectType: "course", ObjectID: id, OrgID: in.OrgID,
				Summary: fmt.Sprintf("event=%d category=%s credits=%d hours=%d", eventID, in.Category, in.Credits, in.Hours)})
		}})
	if err != nil {
		return nil, err
	}
	return courseByID(ctx, s.db.R(), id)
}

func courseByID(ctx context.Context, q db.Q, id int64) (*Course, error) {
	var c Course
	err := scanCourse(q.QueryRowContext(ctx, `SELECT `+courseColumns+` FROM courses WHERE id = $1`, id), &c)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return &c, err
}

// Course returns a course with its event to whoever may see the event.
func (s *Service) Course(ctx context.Context, by *auth.Actor, id int64) (*Course, *event.Event, error) {
	c, err := courseByID(ctx, s.db.R(), id)
	if err != nil {
		return nil, nil, err
	}
	e, err := s.events.Get(ctx, by, c.EventID)
	if err != nil {
		return nil, nil, err
	}
	return c, e, nil
}

// CoursePage is one page of courses, newest first.
type CoursePage struct {
	Items []Course `json:"items"`
	Next  int64    `json:"next,omitempty"`
}

// Courses lists the courses provided in the actor's OrgRead scope.
func (s *Service) Courses(ctx context.Context, by *auth.Actor, after int64, limit int) (*CoursePage, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	a := &db.Args{}
	where := by.Scope(auth.OrgRead).Where("org_path", a)
	if after > 0 {
		where += " AND id < " + a.Add(after)
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+courseColumns+` FROM courses WHERE `+where+` ORDER BY id DESC LIMIT `+a.Add(limit+1), a.List()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := &CoursePage{Items: []Course{}}
	for rows.Next() {
		var c Course
		if err := scanCourse(rows, &c); err != nil {
			return nil, err
		}
		out.Items = append(out.Items, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.Next = out.Items[limit-1].ID
	}
	return out, nil
}

// Result is one enrolled person's assessment.
type Result struct {
	PersonID int64 `json:"person_id"`
	Score    int   `json:"score"` // 0–100; -1 when the method gives none
	Passed   bool  `json:"passed"`
}

// Learner is an enrolled person with their attendance and result.
type Learner struct {
	PersonID int64   `json:"person_id"`
	Name     string  `json:"name"`
	Attended int     `json:"attended"` // sessions checked in
	Result   *Result `json:"result,omitempty"`
	EntryID  int64   `json:"entry_id,omitempty"`
}

// Learners lists a course's enrolled people (seated, not waiting), with
// their attendance and any result, to its organizers.
func (s *Service) Learners(ctx context.Context, by *auth.Actor, courseID int64) (*Course, []Learner, error) {
	c, err := s.managed(ctx, by, courseID)
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT r.person_id, p.name,
		(SELECT count(*) FROM checkins k JOIN event_sessions x ON x.id = k.session_id WHERE x.event_id = r.event_id AND k.person_id = r.person_id),
		COALESCE(cr.score, -2), COALESCE(cr.passed, FALSE), COALESCE(cr.entry_id, 0)
		FROM registrations r JOIN people p ON p.id = r.person_id
		LEFT JOIN course_results cr ON cr.course_id = $2 AND cr.person_id = r.person_id
		WHERE r.event_id = $1 AND r.status = $3 ORDER BY r.arrival LIMIT 5000`, c.EventID, c.ID, event.Registered)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	out := []Learner{}
	for rows.Next() {
		var l Learner
		var score int
		var passed bool
		if err := rows.Scan(&l.PersonID, &l.Name, &l.Attended, &score, &passed, &l.EntryID); err != nil {
			return nil, nil, err
		}
		if score != -2 {
			l.Result = &Result{PersonID: l.PersonID, Score: score, Passed: passed}
		}
		out = append(out, l)
	}
	return c, out, rows.Err()
}

// managed is a course the actor organizes (skills.manage on its provider).
func (s *Service) managed(ctx context.Context, by *auth.Actor, id int64) (*Course, error) {
	c, err := courseByID(ctx, s.db.R(), id)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.SkillsManage, c.OrgPath) {
		if by.Can(auth.OrgRead, c.OrgPath) {
			return nil, errs.E(errs.Forbidden, "err.forbidden")
		}
		return nil, errs.ErrNotFound
	}
	return c, nil
}

// MaxResults bounds one posting of results.
const MaxResults = 5000

// PostResults records the assessment of a class and posts the course's
// credits to everyone who passed, all in one transaction: each person must
// hold a seat, have attended the sessions the course asks to sit the
// assessment, and have no result yet. Any refused line refuses the whole
// posting (results.N.<field>), and nothing is written.
func (s *Service) PostResults(ctx context.Context, by *auth.Actor, courseID int64, results []Result) (posted int, err error) {
	c, learners, err := s.Learners(ctx, by, courseID)
	if err != nil {
		return 0, err
	}
	var f errs.Fields
	if len(results) == 0 {
		f.Add("results", "err.required")
	} else if len(results) > MaxResults {
		f.Add("results", "err.too_many")
	}
	byPerson := map[int64]Learner{}
	for _, l := range learners {
		byPerson[l.PersonID] = l
	}
	seen := map[int64]bool{}
	for i, r := range results {
		at := fmt.Sprintf("results.%d.", i)
		l, ok := byPerson[r.PersonID]
		switch {
		case !ok:
			f.Add(at+"person_id", "err.course_not_enrolled")
		case seen[r.PersonID] || l.Result != nil:
			f.Add(at+"person_id", "err.course_result_twice")
		case r.Score < -1 || r.Score > 100:
			f.Add(at+"score", "err.course_score")
		case r.Passed && l.Attended < c.MinSessions:
			f.Add(at+"passed", "err.course_attendance")
		}
		seen[r.PersonID] = true
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	rl, err := rule(ctx, s.db.R(), "course")
	if err != nil {
		return 0, err
	}
	credits := c.Credits
	if rl.Credits > 0 {
		credits = rl.Credits
	}
	ids, err := s.peopleOrgs(ctx, results)
	if err != nil {
		return 0, err
	}
	now := s.now().UTC()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var ps []posting
		var passed []int
		for i, r := range results {
			if r.Passed {
				p := ids[r.PersonID]
				ps = append(ps, posting{PersonID: r.PersonID, OrgID: p.orgID, OrgPath: p.path, Trade: c.Trade, IssuerID: c.OrgID, Category: c.Category,
					Credits: credits, Source: SourceCourse, SourceID: c.ID, Rule: rl.Code, Expires: s.expiry(rl)})
				passed = append(passed, i)
			}
		}
		entries, err := s.post(ctx, tx, by, ps)
		if err != nil {
			return err
		}
		entry := map[int64]int64{}
		for k, i := range passed {
			entry[results[i].PersonID] = entries[k]
		}
		rows := make([][]any, len(results))
		for i, r := range results {
			rows[i] = []any{c.ID, r.PersonID, r.Score, r.Passed, entry[r.PersonID], by.UserID, now}
		}
		if err := db.InsertRows(ctx, tx, `INSERT INTO course_results (course_id, person_id, score, passed, entry_id, by_user, at) VALUES`,
			rows, "", nil); err != nil {
			if db.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, "err.course_result_twice")
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE courses SET passed = passed + $1 WHERE id = $2`, len(ps), c.ID); err != nil {
			return err
		}
		posted = len(ps)
		return s.audit.Record(ctx, tx, audit.Entry{Action: "course.results", ObjectType: "course", ObjectID: c.ID, OrgID: c.OrgID,
			Summary: fmt.Sprintf("results=%d passed=%d credits=%d", len(results), len(ps), credits)})
	})
	return posted, err
}

// peopleOrgs reads the organizations of the people in results.
func (s *Service) peopleOrgs(ctx context.Context, results []Result) (map[int64]member, error) {
	out := map[int64]member{}
	for start := 0; start < len(results); start += 500 {
		end := min(start+500, len(results))
		a := &db.Args{}
		ph := make([]string, 0, end-start)
		for _, r := range results[start:end] {
			ph = append(ph, a.Add(r.PersonID))
		}
		rows, err := s.db.R().QueryContext(ctx, `SELECT id, org_id, org_path FROM people WHERE id IN (`+strings.Join(ph, ", ")+`)`, a.List()...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var p member
			if err := rows.Scan(&id, &p.orgID, &p.path); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = p
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
