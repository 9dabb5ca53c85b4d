package skills

import (
	"context"
	"database/sql"
	"sort"
	"strconv"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/person"
)

// Double climb (科技、技能双登高): a young worker climbs on two sides, in
// science (innovations evaluated, by the highest level reached, and how
// many were adopted) and in skill (the level held, and when it was last
// raised by a certification). Both within the last twelve months is a
// double climb.

// Climb is one person's progress on both sides.
type Climb struct {
	PersonID    int64  `json:"person_id"`
	Name        string `json:"name"`
	OrgID       int64  `json:"org_id"`
	SkillLevel  int    `json:"skill_level"`          // 1 (senior technician) … 5, 0 none
	RaisedOn    string `json:"raised_on,omitempty"`  // the latest certification, YYYY-MM-DD
	Innovations int    `json:"innovations"`          // evaluated
	BestLevel   string `json:"best_level,omitempty"` // unit, industry or city
	Adopted     int    `json:"adopted"`              // of those evaluated
	LatestOn    string `json:"latest_on,omitempty"`  // the latest evaluation, YYYY-MM-DD
	Double      bool   `json:"double"`               // both within twelve months
}

// climbLimit bounds the subtree list: it is of those with results in
// science, a few in a hundred young workers.
const climbLimit = 200

// climbColumns are a person's two sides, grouped by person.
const climbColumns = `SELECT p.id, p.name, p.org_id, p.skill_level,
	(SELECT MAX(k.certified_on) FROM skill_changes k WHERE k.person_id = p.id AND k.level > 0 AND EXISTS (SELECT 1 FROM skill_changes e
		WHERE e.person_id = k.person_id AND e.id < k.id AND (e.level = 0 OR e.level > k.level))),
	COUNT(i.id), MAX(CASE i.level WHEN 'city' THEN 3 WHEN 'industry' THEN 2 WHEN 'unit' THEN 1 ELSE 0 END),
	SUM(CASE WHEN i.adopted THEN 1 ELSE 0 END), MAX(i.evaluated_at)`

const climbSelect = climbColumns + `
	FROM people p LEFT JOIN innovation_submitters s ON s.person_id = p.id
	LEFT JOIN innovations i ON i.id = s.innovation_id AND i.status = 'evaluated'`

func (s *Service) scanClimb(sc interface{ Scan(...any) error }) (Climb, error) {
	var c Climb
	var raised sql.NullString
	var best int
	var latest any
	if err := sc.Scan(&c.PersonID, &c.Name, &c.OrgID, &c.SkillLevel, &raised, &c.Innovations, &best, &c.Adopted, &latest); err != nil {
		return c, err
	}
	c.RaisedOn = raised.String
	if best > 0 {
		c.BestLevel = EvaluationLevels[best-1]
	}
	if latest != nil {
		c.LatestOn = dayOf(latest)
	}
	since := s.now().In(shanghai).AddDate(-1, 0, 0).Format(time.DateOnly)
	c.Double = c.LatestOn >= since && c.RaisedOn >= since && c.LatestOn != "" && c.RaisedOn != ""
	return c, nil
}

// ClimbOf is one person's progress, for readers of the person.
func (s *Service) ClimbOf(ctx context.Context, by *auth.Actor, personID int64) (*Climb, error) {
	p, err := s.people.Get(ctx, by, personID)
	if err != nil {
		return nil, err
	}
	return s.climbOf(ctx, p.ID)
}

func (s *Service) climbOf(ctx context.Context, personID int64) (*Climb, error) {
	c, err := s.scanClimb(s.db.R().QueryRowContext(ctx, climbSelect+` WHERE p.id = $1 GROUP BY p.id, p.name, p.org_id, p.skill_level`, personID))
	return &c, err
}

// Climbs lists the people of o's subtree with an innovation evaluated,
// double climbers first, then by the highest level reached and the
// number; at most climbLimit.
func (s *Service) Climbs(ctx context.Context, by *auth.Actor, o *org.Org) ([]Climb, error) {
	if !by.Can(auth.PersonRead, o.Path) {
		return nil, errs.ErrNotFound
	}
	a := &db.Args{}
	rows, err := s.db.R().QueryContext(ctx, climbColumns+`
		FROM innovations i JOIN innovation_submitters s ON s.innovation_id = i.id JOIN people p ON p.id = s.person_id
		WHERE i.status = 'evaluated' AND i.org_path >= `+a.Add(o.Path)+` AND i.org_path < `+a.Add(db.PathUpper(o.Path))+`
		AND p.org_path >= `+a.Add(o.Path)+` AND p.org_path < `+a.Add(db.PathUpper(o.Path))+`
		GROUP BY p.id, p.name, p.org_id, p.skill_level LIMIT `+a.Add(climbLimit*5), a.List()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Climb{}
	for rows.Next() {
		c, err := s.scanClimb(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rank := func(c Climb) int {
		r := -1
		for i, l := range EvaluationLevels {
			if l == c.BestLevel {
				r = i
			}
		}
		if c.Double {
			r += 10
		}
		return r
	}
	sort.SliceStable(out, func(i, j int) bool {
		if ri, rj := rank(out[i]), rank(out[j]); ri != rj {
			return ri > rj
		}
		if out[i].Innovations != out[j].Innovations {
			return out[i].Innovations > out[j].Innovations
		}
		return out[i].PersonID < out[j].PersonID
	})
	if len(out) > climbLimit {
		out = out[:climbLimit]
	}
	return out, nil
}

// Own is what "my skills" shows beside the transcript: eligibility for
// the next appraisal, the applications made, the double climb. It is kept
// per person and day under the credits and people versions (applications,
// evaluations and postings move the first, certifications the second).
type Own struct {
	Eligibility  *Eligibility
	Applications []Application
	Climb        *Climb
}

// OwnOf reads p's Own for its own page (the caller has found p as the
// actor's own record).
func (s *Service) OwnOf(ctx context.Context, by *auth.Actor, p *person.Person) (*Own, error) {
	version := ""
	if by != nil && by.CreditsVersion != "" && by.PeopleVersion != "" {
		version = by.CreditsVersion + "|" + by.PeopleVersion
	}
	key := strconv.FormatInt(p.ID, 10) + "|" + s.now().In(shanghai).Format(time.DateOnly)
	if o, ok := s.owns.Get(version, key); ok {
		return o, nil
	}
	var o Own
	var err error
	if o.Eligibility, err = s.EligibilityOf(ctx, s.db.R(), p); err != nil {
		return nil, err
	}
	if o.Applications, err = s.applicationsOf(ctx, p.ID); err != nil {
		return nil, err
	}
	if o.Climb, err = s.climbOf(ctx, p.ID); err != nil {
		return nil, err
	}
	s.owns.Put(version, key, &o)
	return &o, nil
}
