// Package cadre is league cadre management (团干部): a person from the
// registry holding a post (secretary, deputy secretary, committee member)
// in an organization, full-time or part-time, for a term; for part-time
// cadres the concurrent post and the three checks the work plan asks of it
// (relevance to league work, development prospects, time guarantee); the
// co-management (协管) note; and the report of those checks.
//
// The package reads the people table (names, scope of the person) but does
// not import the person package, so the person pages can list a person's
// posts through ForPerson.
package cadre

import (
	"time"
)

// Posts, bases, relevance levels, prospects answers and statuses, as stored.
const (
	Secretary = "secretary" // 团委书记
	Deputy    = "deputy"    // 副书记
	Member    = "member"    // 委员

	FullTime = "full_time" // 专职
	PartTime = "part_time" // 兼职

	High   = "high"
	Medium = "medium"
	Low    = "low"

	Yes = "yes"
	No  = "no"

	Serving = "serving"
	Ended   = "ended"
)

// Posts, Bases, Relevances and Statuses list the values in display order.
var (
	Posts      = []string{Secretary, Deputy, Member}
	Bases      = []string{FullTime, PartTime}
	Relevances = []string{High, Medium, Low}
	Prospects  = []string{Yes, No}
	Statuses   = []string{Serving, Ended}
)

// Activity kinds this module writes to the ledger (the growth record).
const (
	KindAppointed = "cadre.appointed"
	KindEnded     = "cadre.ended"
)

// Cadre is one post held by one person in one organization for one term.
// The part-time fields are empty for a full-time cadre.
type Cadre struct {
	ID            int64     `json:"id"`
	PersonID      int64     `json:"person_id"`
	PersonName    string    `json:"person_name"`
	OrgID         int64     `json:"org_id"`
	OrgName       string    `json:"org_name"`
	OrgPath       string    `json:"-"`
	Post          string    `json:"post"`
	Basis         string    `json:"basis"`
	Concurrent    string    `json:"concurrent_post"`
	Relevance     string    `json:"relevance"`
	Prospects     string    `json:"prospects"`
	ProspectsNote string    `json:"prospects_note"`
	Hours         int       `json:"hours_per_week"`
	TermStart     string    `json:"term_start"`
	TermEnd       string    `json:"term_end"`
	CoManagement  string    `json:"co_management"`
	Status        string    `json:"status"`
	EndedOn       string    `json:"ended_on"`
	EndReason     string    `json:"end_reason"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Overdue reports whether a serving cadre's planned term ended before day
// (the post awaits a term change, 换届).
func (c *Cadre) Overdue(day time.Time) bool {
	return c.Status == Serving && c.TermEnd != "" && c.TermEnd < day.In(shanghai).Format(time.DateOnly)
}

// Input is what a form or the API supplies to appoint a cadre or change a
// post. PersonID and OrgID are fixed once the post exists: on update they
// may be omitted (0) or repeated, never changed.
type Input struct {
	PersonID      int64  `json:"person_id"`
	OrgID         int64  `json:"org_id"`
	Post          string `json:"post"`
	Basis         string `json:"basis"`
	Concurrent    string `json:"concurrent_post"`
	Relevance     string `json:"relevance"`
	Prospects     string `json:"prospects"`
	ProspectsNote string `json:"prospects_note"`
	Hours         int    `json:"hours_per_week"`
	TermStart     string `json:"term_start"`
	TermEnd       string `json:"term_end"`
	CoManagement  string `json:"co_management"`
}

// Ending is what ending a term takes: the day it ended (today when blank)
// and an optional reason (换届, 调离 …).
type Ending struct {
	EndedOn string `json:"ended_on"`
	Reason  string `json:"end_reason"`
}

var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)
