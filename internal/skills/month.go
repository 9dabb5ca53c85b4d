package skills

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/event"
)

// The skills month (上海青工技能月): a programme the city committee sets
// for a year between two dates. It groups what is held within them — the
// competitions, the appraisal sessions, the courses — so nothing is filed
// twice; its public page lists them and a live board counts, by district
// and industry system, the entrants, the appraisals held and passed and
// the credits posted. Entrants of a competition held within the dates are
// credited once for taking part (the skills_month rule) when it closes.

// SkillsMonth is one year's programme.
type SkillsMonth struct {
	ID       int64  `json:"id"`
	Year     int    `json:"year"`
	Title    string `json:"title"`
	StartsOn string `json:"starts_on"` // YYYY-MM-DD, Shanghai
	EndsOn   string `json:"ends_on"`   // the last day, included
	Summary  string `json:"summary"`
}

// MonthInput is a programme as the city committee sets it.
type MonthInput struct {
	Year     int    `json:"year"`
	Title    string `json:"title"`
	StartsOn string `json:"starts_on"`
	EndsOn   string `json:"ends_on"`
	Summary  string `json:"summary"`
}

const monthColumns = `id, year, title, starts_on, ends_on, summary`

func scanMonth(sc interface{ Scan(...any) error }, m *SkillsMonth) error {
	return sc.Scan(&m.ID, &m.Year, &m.Title, &m.StartsOn, &m.EndsOn, &m.Summary)
}

// SaveMonth sets the year's programme (creating it, or changing its
// title, dates and summary); only the city committee's skills.rules
// holders may.
func (s *Service) SaveMonth(ctx context.Context, by *auth.Actor, in MonthInput) (*SkillsMonth, error) {
	root, err := s.orgs.Root(ctx)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.SkillsRules, root.Path) {
		return nil, errs.E(errs.Forbidden, "err.skills_month_city")
	}
	var f errs.Fields
	in.Title, in.Summary = strings.TrimSpace(in.Title), strings.TrimSpace(in.Summary)
	if in.Year < 2000 || in.Year > 2100 {
		f.Add("year", "err.invalid")
	}
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		f.Add("title", "err.required")
	case n > 100:
		f.Add("title", "err.too_long")
	}
	if utf8.RuneCountInString(in.Summary) > 2000 {
		f.Add("summary", "err.too_long")
	}
	starts, serr := time.Parse(time.DateOnly, strings.TrimSpace(in.StartsOn))
	ends, eerr := time.Parse(time.DateOnly, strings.TrimSpace(in.EndsOn))
	switch {
	case serr != nil:
		f.Add("starts_on", "err.date_format")
	case starts.Year() != in.Year:
		f.Add("starts_on", "err.skills_month_year")
	}
	switch {
	case eerr != nil:
		f.Add("ends_on", "err.date_format")
	case serr == nil && ends.Before(starts):
		f.Add("ends_on", "err.skills_month_order")
	case serr == nil && ends.Sub(starts) > 92*24*time.Hour:
		f.Add("ends_on", "err.skills_month_long")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	in.StartsOn, in.EndsOn = starts.Format(time.DateOnly), ends.Format(time.DateOnly)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.now().UTC()
		res, err := tx.ExecContext(ctx, `UPDATE skills_months SET title = $1, starts_on = $2, ends_on = $3, summary = $4 WHERE year = $5`,
			in.Title, in.StartsOn, in.EndsOn, in.Summary, in.Year)
		if err != nil {
			return err
		}
		action := "skills_month.update"
		if n, _ := res.RowsAffected(); n == 0 {
			action = "skills_month.create"
			if _, err := tx.ExecContext(ctx, `INSERT INTO skills_months (year, title, starts_on, ends_on, summary, created_by, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, in.Year, in.Title, in.StartsOn, in.EndsOn, in.Summary, by.UserID, now); err != nil {
				return err
			}
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM skills_months WHERE year = $1`, in.Year).Scan(&id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: action, ObjectType: "skills_month", ObjectID: id, OrgID: root.ID,
			Summary: fmt.Sprintf("year=%d %s..%s", in.Year, in.StartsOn, in.EndsOn)})
	})
	if err != nil {
		return nil, err
	}
	s.boards.forget(in.Year)
	return s.Month(ctx, in.Year)
}

// Month is a year's programme; it is public.
func (s *Service) Month(ctx context.Context, year int) (*SkillsMonth, error) {
	var m SkillsMonth
	err := scanMonth(s.db.R().QueryRowContext(ctx, `SELECT `+monthColumns+` FROM skills_months WHERE year = $1`, year), &m)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return &m, err
}

// Months lists the years' programmes, the latest first, a hundred at a
// time: those before the year given (0 for the latest).
func (s *Service) Months(ctx context.Context, before int) ([]SkillsMonth, error) {
	if before == 0 {
		before = 1 << 30
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+monthColumns+` FROM skills_months WHERE year < $1 ORDER BY year DESC LIMIT 100`, before)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []SkillsMonth{}
	for rows.Next() {
		var m SkillsMonth
		if err := scanMonth(rows, &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// monthHolding returns the programme whose dates hold day (YYYY-MM-DD),
// or nil.
func monthHolding(ctx context.Context, q db.Q, day string) (*SkillsMonth, error) {
	var m SkillsMonth
	err := scanMonth(q.QueryRowContext(ctx, `SELECT `+monthColumns+` FROM skills_months WHERE starts_on <= $1 AND ends_on >= $1
		ORDER BY year DESC LIMIT 1`, day), &m)
	if errors.Is(err, db.ErrNoRows) {
		return nil, nil
	}
	return &m, err
}

// window is the programme's dates as instants: its first day's midnight
// and the midnight after its last day, in Shanghai.
func (m *SkillsMonth) window() (time.Time, time.Time) {
	a, _ := time.ParseInLocation(time.DateOnly, m.StartsOn, shanghai)
	b, _ := time.ParseInLocation(time.DateOnly, m.EndsOn, shanghai)
	return a, b.AddDate(0, 0, 1)
}

// Programme is what a skills month holds, as its public page lists it.
type Programme struct {
	Month        SkillsMonth `json:"month"`
	Competitions []Held      `json:"competitions"`
	Appraisals   []Held      `json:"appraisals"`
	Courses      []Held      `json:"courses"`
}

// Held is one thing held during the month.
type Held struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	Trade     string `json:"trade"`
	Level     string `json:"level,omitempty"` // a competition's level, an appraisal's target level
	On        string `json:"on"`              // YYYY-MM-DD
	Organizer string `json:"organizer"`
	Status    string `json:"status,omitempty"`
	Count     int    `json:"count"` // entries, applications or registrations
}

// programmeLimit bounds each list of the public page.
const programmeLimit = 200

// Programme lists the competitions, appraisal sessions and published
// courses held within the month's dates, in date order.
func (s *Service) Programme(ctx context.Context, m *SkillsMonth) (*Programme, error) {
	from, to := m.window()
	out := &Programme{Month: *m, Competitions: []Held{}, Appraisals: []Held{}, Courses: []Held{}}
	type list struct {
		dst  *[]Held
		q    string
		args []any
	}
	for _, l := range []list{
		{&out.Competitions, `SELECT c.id, c.title, c.trade, c.level, c.held_on, o.name, c.status, c.entries FROM competitions c
			JOIN orgs o ON o.id = c.org_id WHERE c.held_on >= $1 AND c.held_on <= $2 ORDER BY c.held_on, c.id LIMIT $3`,
			[]any{m.StartsOn, m.EndsOn, programmeLimit}},
		{&out.Appraisals, `SELECT a.id, a.body, a.trade, CAST(a.level AS TEXT), a.starts, o.name, '', a.applied FROM appraisal_sessions a
			JOIN orgs o ON o.id = a.org_id WHERE a.starts >= $1 AND a.starts < $2 ORDER BY a.starts, a.id LIMIT $3`,
			[]any{from.UTC(), to.UTC(), programmeLimit}},
		{&out.Courses, `SELECT c.id, c.title, c.trade, c.category, MIN(x.starts), o.name, e.status, e.registered FROM courses c
			JOIN events e ON e.id = c.event_id JOIN event_sessions x ON x.event_id = e.id JOIN orgs o ON o.id = c.org_id
			WHERE e.status = $1 GROUP BY c.id, c.title, c.trade, c.category, o.name, e.status, e.registered
			HAVING MIN(x.starts) >= $2 AND MIN(x.starts) < $3 ORDER BY MIN(x.starts), c.id LIMIT $4`,
			[]any{event.StatusPublished, from.UTC(), to.UTC(), programmeLimit}},
	} {
		rows, err := s.db.R().QueryContext(ctx, l.q, l.args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var h Held
			var on any
			if err := rows.Scan(&h.ID, &h.Title, &h.Trade, &h.Level, &on, &h.Organizer, &h.Status, &h.Count); err != nil {
				rows.Close()
				return nil, err
			}
			h.On = dayOf(on)
			*l.dst = append(*l.dst, h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// dayOf is a scanned date or time as YYYY-MM-DD in Shanghai: SQLite gives
// an aggregate's time back as text.
func dayOf(v any) string {
	switch t := v.(type) {
	case time.Time:
		return t.In(shanghai).Format(time.DateOnly)
	case string:
		if len(t) == len(time.DateOnly) {
			return t
		}
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", time.DateTime} {
			if x, err := time.Parse(layout, t); err == nil {
				return x.In(shanghai).Format(time.DateOnly)
			}
		}
		return t[:min(len(t), 10)]
	case []byte:
		return dayOf(string(t))
	}
	return ""
}

// Board is the live count of a skills month by district and industry
// system (the city's children), and for the city.
type Board struct {
	Year  int        `json:"year"`
	Rows  []BoardRow `json:"rows"`
	Total BoardRow   `json:"total"`
	At    time.Time  `json:"at"`
}

// BoardRow is one district's or system's figures.
type BoardRow struct {
	OrgID      int64  `json:"org_id,omitempty"`
	Name       string `json:"name"`
	Level      string `json:"level,omitempty"`
	Entrants   int    `json:"entrants"`   // people entered in the month's competitions
	Appraisals int    `json:"appraisals"` // appraisal sessions held
	Applied    int    `json:"applied"`
	Passed     int    `json:"passed"`
	Credits    int    `json:"credits"` // posted in the months the dates touch
}

// boardTTL is how long a board is served from memory: the public page
// polls it, and many phones watching one board should not each recount.
const boardTTL = 10 * time.Second

// boardCache keeps each year's board for boardTTL.
type boardCache struct {
	mu sync.Mutex
	m  map[int]*Board
}

func (c *boardCache) get(year int, now time.Time) *Board {
	c.mu.Lock()
	defer c.mu.Unlock()
	if b := c.m[year]; b != nil && now.Sub(b.At) < boardTTL {
		return b
	}
	return nil
}

func (c *boardCache) put(b *Board) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[int]*Board{}
	}
	c.m[b.Year] = b
}

func (c *boardCache) forget(year int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, year)
}

// Board counts the month: entrants by their own organization, appraisal
// sessions by the organizing one, credits from the kept monthly cells of
// each district and system. Its reads are bounded by what the dates hold,
// not by the ledger.
func (s *Service) Board(ctx context.Context, m *SkillsMonth) (*Board, error) {
	now := s.now()
	if b := s.boards.get(m.Year, now); b != nil {
		return b, nil
	}
	root, err := s.orgs.Root(ctx)
	if err != nil {
		return nil, err
	}
	b := &Board{Year: m.Year, Rows: []BoardRow{}, At: now, Total: BoardRow{Name: root.Name}}
	idx := map[int64]int{}
	rows, err := s.db.R().QueryContext(ctx, `SELECT id, name, level FROM orgs WHERE parent_id = $1 AND status = 'active' ORDER BY code`, root.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var r BoardRow
		if err := rows.Scan(&r.OrgID, &r.Name, &r.Level); err != nil {
			rows.Close()
			return nil, err
		}
		idx[r.OrgID] = len(b.Rows)
		b.Rows = append(b.Rows, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// row finds the district or system of a path ("/1/17/…" → 17).
	row := func(path string) *BoardRow {
		if ids := db.PathIDs(path); len(ids) > 1 {
			if i, ok := idx[ids[1]]; ok {
				return &b.Rows[i]
			}
		}
		return nil
	}
	from, to := m.window()
	counts := []struct {
		q    string
		args []any
		add  func(r *BoardRow, n [3]int)
	}{
		{`SELECT p.org_path, count(*), 0, 0 FROM competition_entrants n JOIN competitions c ON c.id = n.competition_id
			JOIN people p ON p.id = n.person_id WHERE c.held_on >= $1 AND c.held_on <= $2 GROUP BY p.org_path`,
			[]any{m.StartsOn, m.EndsOn}, func(r *BoardRow, n [3]int) { r.Entrants += n[0] }},
		{`SELECT org_path, count(*), SUM(applied), SUM(passed) FROM appraisal_sessions WHERE starts >= $1 AND starts < $2
			GROUP BY org_path`, []any{from.UTC(), to.UTC()},
			func(r *BoardRow, n [3]int) {
				r.Appraisals, r.Applied, r.Passed = r.Appraisals+n[0], r.Applied+n[1], r.Passed+n[2]
			}},
	}
	for _, c := range counts {
		rows, err := s.db.R().QueryContext(ctx, c.q, c.args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var path string
			var n [3]int
			if err := rows.Scan(&path, &n[0], &n[1], &n[2]); err != nil {
				rows.Close()
				return nil, err
			}
			c.add(&b.Total, n)
			if r := row(path); r != nil {
				c.add(r, n)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	ids := []int64{root.ID}
	for _, r := range b.Rows {
		ids = append(ids, r.OrgID)
	}
	credits, err := s.creditsOf(ctx, ids, m.StartsOn[:7], m.EndsOn[:7])
	if err != nil {
		return nil, err
	}
	b.Total.Credits = credits[root.ID]
	for i := range b.Rows {
		b.Rows[i].Credits = credits[b.Rows[i].OrgID]
	}
	s.boards.put(b)
	return b, nil
}
