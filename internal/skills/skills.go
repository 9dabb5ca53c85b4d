// Package skills is the young workers' skill revitalisation (青工技能振兴,
// issue 13), starting with its core, the vocational-skills training credit
// system (学分制): an append-only ledger of credit entries, the credit
// rules the city committee sets, courses whose sessions, enrolment and
// check-in are events of the event engine, results that post credits for
// a whole class in one transaction, and a transcript anyone can verify.
//
// Every figure a page shows is kept: a balance per person, per person,
// year and category, and per organization (and each ancestor), month and
// category, all moved in the transaction that writes the entry; Check
// compares them with the ledger.
package skills

import (
	"slices"
	"time"
)

// Course categories, in the order forms offer them.
var Categories = []string{"theory", "practice", "new_technology", "new_process", "circular_economy", "energy_saving",
	"green_manufacturing", "safety", "other"}

// Entry sources: what a credit entry comes from. Each names the table its
// source ID points into; corrections point at the entry they reverse.
const (
	SourceCourse      = "course"
	SourceAppraisal   = "appraisal"
	SourceCompetition = "competition"
	SourceInnovation  = "innovation"
	SourceMentorship  = "mentorship"
	SourceSkillsMonth = "skills_month"
	SourceCorrection  = "correction"
)

// Sources are the kinds of entry that are not corrections, in order.
var Sources = []string{SourceCourse, SourceAppraisal, SourceCompetition, SourceInnovation, SourceMentorship, SourceSkillsMonth}

// ReportCategories are the categories entries count in: a course's, or
// the source itself for the rest (a competition's credits are counted as
// "competition"), in the order figures show them.
var ReportCategories = append(slices.Clone(Categories), SourceAppraisal, SourceCompetition, SourceInnovation, SourceMentorship,
	SourceSkillsMonth)

// KnownCategory reports whether c is a course category.
func KnownCategory(c string) bool { return slices.Contains(Categories, c) }

// KindCredit is the activity-ledger kind of a credit posted (its amount
// the credits), so growth records and coverage see training.
const KindCredit = "skills.credit"

// Entry is one credit entry. A reversing entry has negative credits and
// Reverses set; the entry it reverses is never changed.
type Entry struct {
	ID       int64     `json:"id"`
	PersonID int64     `json:"person_id"`
	OrgID    int64     `json:"org_id"`    // the person's organization when posted
	IssuerID int64     `json:"issuer_id"` // the organization that posted it
	Category string    `json:"category"`
	Credits  int       `json:"credits"`
	Source   string    `json:"source"`
	SourceID int64     `json:"source_id"`
	Rule     string    `json:"rule"`
	Reverses int64     `json:"reverses,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	Expires  string    `json:"expires,omitempty"` // YYYY-MM-DD; "" never
	At       time.Time `json:"at"`
	// Read with a transcript: the source's title, and whether a later
	// entry reversed this one.
	Title    string `json:"title,omitempty"`
	Reversed bool   `json:"reversed,omitempty"`
}

// shanghai is the zone years and months are counted in; fixed +8.
var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)
