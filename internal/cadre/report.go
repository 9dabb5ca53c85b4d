package cadre

import (
	"context"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// The work plan (2007, 三、1) sets three requirements for part-time cadres
// (兼职团干部):
//
//  1. the concurrent post must have some relevance to league work, the
//     higher the better (所兼职务必须和团工作有一定的关联度): high and
//     medium pass, low fails;
//  2. a league cadre taking another post should, in principle, take one
//     with development prospects (原则上希望能兼有发展的工作岗位): the
//     assessment must be yes;
//  3. a part-time cadre must have a basic guarantee of time for league work
//     (必须有基本的时间保障): the document names no figure, so the report
//     uses DefaultMinHours per week unless the reader sets another.
const (
	DefaultMinHours = 4 // half a working day a week
	// ReportCap bounds the rows the summary reads; beyond it the summary
	// says so rather than scanning without limit.
	ReportCap = 50000
)

// ReportFilter selects the serving part-time cadres a report covers.
type ReportFilter struct {
	Under    int64  // only this organization's subtree
	MinHours int    // the time-guarantee threshold; 0 means DefaultMinHours
	Flagged  bool   // only posts failing at least one check
	After    string // cursor of the previous page
	Limit    int    // 1–500, default 50
}

// Checks is the outcome of the three checks for one post; true passes.
type Checks struct {
	Relevance bool `json:"relevance"`
	Prospects bool `json:"prospects"`
	Hours     bool `json:"hours"`
}

// OK reports whether every check passes.
func (c Checks) OK() bool { return c.Relevance && c.Prospects && c.Hours }

// ReportRow is one part-time post with its checks.
type ReportRow struct {
	Cadre  Cadre  `json:"cadre"`
	Checks Checks `json:"checks"`
	OK     bool   `json:"ok"`
}

// Summary counts the covered posts and those failing each check.
type Summary struct {
	PartTime     int64 `json:"part_time"`     // serving part-time posts
	Passing      int64 `json:"passing"`       // passing all three checks
	LowRelevance int64 `json:"low_relevance"` // failing check 1
	NoProspects  int64 `json:"no_prospects"`  // failing check 2
	ShortHours   int64 `json:"short_hours"`   // failing check 3
	Capped       bool  `json:"capped"`        // more than ReportCap posts: counts cover the first ReportCap+1
}

// Report is the three-check report: the summary and one keyset page of rows.
type Report struct {
	MinHours int         `json:"min_hours"`
	Summary  Summary     `json:"summary"`
	Items    []ReportRow `json:"items"`
	Next     string      `json:"next"`
}

// Evaluate applies the three checks to a post with threshold minHours.
func Evaluate(c *Cadre, minHours int) Checks {
	return Checks{Relevance: c.Relevance == High || c.Relevance == Medium, Prospects: c.Prospects == Yes, Hours: c.Hours >= minHours}
}

// Report runs the three checks over the serving part-time posts in the
// actor's CadreRead scope (narrowed to f.Under).
func (s *Service) Report(ctx context.Context, by *auth.Actor, f ReportFilter) (Report, error) {
	if f.MinHours == 0 {
		f.MinHours = DefaultMinHours
	}
	if f.MinHours < 1 || f.MinHours > MaxHours {
		return Report{}, (errs.Fields{"min_hours": "err.cadre_hours"}).Err()
	}
	cur, ok := parseCursor(f.After)
	if !ok {
		return Report{}, (errs.Fields{"after": "err.cursor"}).Err()
	}
	sc, err := s.scope(ctx, by, auth.CadreRead, f.Under)
	if err != nil {
		return Report{}, err
	}
	r := Report{MinHours: f.MinHours, Items: []ReportRow{}}
	if sc.Empty() {
		return r, nil
	}
	if r.Summary, err = s.summary(ctx, sc, f.MinHours); err != nil {
		return Report{}, err
	}
	var a db.Args
	where := sc.Where("c.org_path", &a) + partTimeServing
	if f.Flagged {
		where += " AND " + failing(a.Add(f.MinHours))
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	p, err := s.page(ctx, where+cur.after(&a), &a, f.Limit)
	if err != nil {
		return Report{}, err
	}
	for _, c := range p.Cadres {
		ch := Evaluate(&c, f.MinHours)
		r.Items = append(r.Items, ReportRow{Cadre: c, Checks: ch, OK: ch.OK()})
	}
	r.Next = p.Next
	return r, nil
}

const partTimeServing = " AND c.basis = 'part_time' AND c.status = 'serving'"

// failing is the condition of a post failing a check, with the threshold
// placeholder minHours.
func failing(minHours string) string {
	return "(c.relevance NOT IN ('high', 'medium') OR c.prospects <> 'yes' OR c.hours_per_week < " + minHours + ")"
}

// summary counts the serving part-time posts in sc and those failing each
// check, over at most ReportCap+1 rows.
func (s *Service) summary(ctx context.Context, sc auth.Scope, minHours int) (Summary, error) {
	var a db.Args
	where := sc.Where("c.org_path", &a) + partTimeServing
	h := a.Add(minHours)
	var m Summary
	err := s.db.R().QueryRowContext(ctx, `SELECT count(*),
		COALESCE(sum(CASE WHEN c.relevance IN ('high', 'medium') THEN 0 ELSE 1 END), 0),
		COALESCE(sum(CASE WHEN c.prospects = 'yes' THEN 0 ELSE 1 END), 0),
		COALESCE(sum(CASE WHEN c.hours_per_week >= `+h+` THEN 0 ELSE 1 END), 0),
		COALESCE(sum(CASE WHEN `+failing(h)+` THEN 0 ELSE 1 END), 0)
		FROM (SELECT c.relevance, c.prospects, c.hours_per_week FROM cadres c WHERE `+where+
		` LIMIT `+strconv.Itoa(ReportCap+1)+`) c`,
		a.List()...).Scan(&m.PartTime, &m.LowRelevance, &m.NoProspects, &m.ShortHours, &m.Passing)
	m.Capped = m.PartTime > ReportCap
	return m, err
}
