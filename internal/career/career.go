// Package career is career navigation (青年职业生涯导航, issue 12): a
// young worker's yearly career plan — where they stand (position, skill
// level, title), where they aim (targets with dated milestones), a mentor —
// and the reviews their mentor or cadre write on it. Plans, reviews and
// milestones met go to the activity ledger (the growth record); the unit
// views read rollups kept by every write, never scans of plans.
package career

import (
	"database/sql"
	"time"
)

// Who reviewed a plan.
const (
	ByMentor = "mentor"
	ByCadre  = "cadre"
)

// Ledger kinds (activity) written by plans.
const (
	KindPlanned   = "career.planned"
	KindReviewed  = "career.reviewed"
	KindMilestone = "career.milestone"
)

// Plan is one person's career plan for a year.
type Plan struct {
	ID             int64      `json:"id"`
	PersonID       int64      `json:"person_id"`
	PersonName     string     `json:"person_name"`
	OrgID          int64      `json:"org_id"`
	OrgPath        string     `json:"-"`
	Year           int        `json:"year"`
	Position       string     `json:"position"`
	SkillLevel     int        `json:"skill_level"`
	Title          string     `json:"title"`
	TargetPosition string     `json:"target_position"`
	TargetLevel    int        `json:"target_level"`
	TargetTitle    string     `json:"target_title"`
	Starts         string     `json:"starts"` // YYYY-MM-DD
	Ends           string     `json:"ends"`
	MentorID       int64      `json:"mentor_id,omitempty"` // a person; 0 for none yet
	MentorName     string     `json:"mentor_name,omitempty"`
	Milestones     int        `json:"milestones"`
	Met            int        `json:"met"`
	Reviews        int        `json:"reviews"`
	LastReview     *time.Time `json:"last_review,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	// Read with one plan (Get), not in lists.
	MilestoneList []Milestone `json:"milestone_list,omitempty"`
	ReviewList    []Review    `json:"review_list,omitempty"`
}

// Progress is the share of milestones met, in percent.
func (p *Plan) Progress() int {
	if p.Milestones == 0 {
		return 0
	}
	return p.Met * 100 / p.Milestones
}

// Milestone is one dated step towards the plan's targets.
type Milestone struct {
	ID     int64      `json:"id"`
	PlanID int64      `json:"plan_id"`
	Title  string     `json:"title"`
	Due    string     `json:"due"`
	MetAt  *time.Time `json:"met_at,omitempty"`
	Note   string     `json:"note,omitempty"`
}

// Review is a mentor's or cadre's periodic comment on a plan.
type Review struct {
	ID       int64     `json:"id"`
	PlanID   int64     `json:"plan_id"`
	ByName   string    `json:"by_name"`
	Role     string    `json:"role"`     // mentor or cadre
	Progress int       `json:"progress"` // the reviewer's estimate, 0–100
	Comment  string    `json:"comment"`
	At       time.Time `json:"at"`
}

const planColumns = `p.id, p.person_id, pe.name, p.org_id, p.org_path, p.year, p.position, p.skill_level, p.title,
	p.target_position, p.target_level, p.target_title, p.starts, p.ends, p.mentor_id, COALESCE(m.name, ''),
	p.milestones, p.met, p.reviews, p.last_review, p.created_at, p.updated_at`

// planFrom joins what a plan shows: the person's and the mentor's names.
const planFrom = ` FROM career_plans p JOIN people pe ON pe.id = p.person_id LEFT JOIN people m ON m.id = p.mentor_id`

func scanPlan(sc interface{ Scan(...any) error }, p *Plan) error {
	var last sql.NullTime
	if err := sc.Scan(&p.ID, &p.PersonID, &p.PersonName, &p.OrgID, &p.OrgPath, &p.Year, &p.Position, &p.SkillLevel, &p.Title,
		&p.TargetPosition, &p.TargetLevel, &p.TargetTitle, &p.Starts, &p.Ends, &p.MentorID, &p.MentorName,
		&p.Milestones, &p.Met, &p.Reviews, &last, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return err
	}
	if last.Valid {
		p.LastReview = &last.Time
	}
	return nil
}

// shanghai is the zone dates and months are read in; fixed +8.
var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)

type nullTime = sql.NullTime
