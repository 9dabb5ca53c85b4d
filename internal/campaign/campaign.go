// Package campaign is the selection and commendation engine (评选表彰):
// campaigns announced by a league committee, nominations made bottom-up
// level by level within quotas allocated down the tree, and (in later
// slices) expert review, public notice with objections, naming and
// verifiable certificates. Modules register the kinds of nominee they
// bring (a team, a project) through Kind; people and organizations are
// built in.
package campaign

import (
	"slices"
	"time"
)

// Stages of a campaign, in order; a campaign only moves forward.
const (
	StageDraft      = "draft"      // being set up: rules, quotas
	StageNominating = "nominating" // nominations made and passed upward
	StageChecking   = "checking"   // eligibility checked by the organizer
	StageReviewing  = "reviewing"  // expert review
	StagePublicity  = "publicity"  // public notice (公示) with objections
	StageNaming     = "naming"     // winners named, certificates issued
	StageClosed     = "closed"
)

// Stages lists the stages in order.
var Stages = []string{StageDraft, StageNominating, StageChecking, StageReviewing, StagePublicity, StageNaming, StageClosed}

func stageIndex(s string) int { return slices.Index(Stages, s) }

// Nominee kinds built in.
const (
	NomineePerson = "person"
	NomineeOrg    = "org"
)

// Campaign is one selection: who organizes it, who may take part, the
// rules a nominee must meet, and where it stands.
type Campaign struct {
	ID          int64    `json:"id"`
	Title       string   `json:"title"`
	Kind        string   `json:"kind"` // the template it was made from, or "custom"
	OrgID       int64    `json:"org_id"`
	OrgPath     string   `json:"-"`
	ScopeKind   string   `json:"scope_kind"` // "org" (a subtree) or "region"
	ScopeID     int64    `json:"scope_id"`
	NomineeKind string   `json:"nominee_kind"`
	Rules       Rules    `json:"rules"`
	Winners     int      `json:"winners"`
	Total       int      `json:"total"` // nominations the organizer receives at most (its own quota)
	SelfApply   bool     `json:"self_apply"`
	Referral    bool     `json:"referral"` // takes nominations by others (举荐)
	Tiers       []string `json:"tiers"`    // the honour's tiers, highest first; empty: one unnamed tier
	// Form is the campaign's own nomination form; Dates the day each stage
	// is planned to end (stage → YYYY-MM-DD); Sectors the sector (界别)
	// balance asked of the shortlist and the winners.
	Form      []FormField       `json:"form"`
	Dates     map[string]string `json:"dates"`
	Sectors   []SectorTarget    `json:"sectors"`
	Stage     string            `json:"stage"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// Rules are the eligibility rules checked against a nominee's record.
// Zero values impose nothing.
type Rules struct {
	AgeMax      int      `json:"age_max,omitempty"`      // at most this old on AgeOn
	AgeOn       string   `json:"age_on,omitempty"`       // YYYY-MM-DD; the campaign's creation day when empty
	SkillLevel  int      `json:"skill_level,omitempty"`  // at least this grade (5 junior … 1 senior technician)
	Political   []string `json:"political,omitempty"`    // one of these political statuses
	MoralMin    int      `json:"moral_min,omitempty"`    // the moral assessment's least length in characters
	SummaryHint string   `json:"summary_hint,omitempty"` // what the achievements summary should cover
	// HeldKind and HeldYears ask for an honour already held: named in a
	// campaign of that kind at least HeldYears before (岗位能手 at the lower
	// level for a year before the city's).
	HeldKind  string `json:"held_kind,omitempty"`
	HeldYears int    `json:"held_years,omitempty"`
	// CleanRecord refuses a nominee with an objection upheld in an earlier
	// campaign of the same kind.
	CleanRecord bool `json:"clean_record,omitempty"`
}

// Input is what an organizer sets on a campaign.
type Input struct {
	Title       string `json:"title"`
	Kind        string `json:"kind"`
	OrgID       int64  `json:"org_id"`
	ScopeKind   string `json:"scope_kind"`
	ScopeID     int64  `json:"scope_id"`
	NomineeKind string `json:"nominee_kind"`
	Rules       Rules  `json:"rules"`
	Winners     int    `json:"winners"`
	Total       int    `json:"total"`
	SelfApply   bool   `json:"self_apply"`
	Referral    bool   `json:"referral"` // signed-in accounts may put others forward (举荐)
	// Tiers are the honour's tiers, highest first (一等奖, 二等奖 …); none
	// is one unnamed tier. SetTiers changes them until naming.
	Tiers   []string          `json:"tiers,omitempty"`
	Form    []FormField       `json:"form,omitempty"`
	Dates   map[string]string `json:"dates,omitempty"`
	Sectors []SectorTarget    `json:"sectors,omitempty"`
}

// Nomination states. A nomination is held by one organization at a time:
// pending there, it is passed upward (forwarded) until it reaches the
// organizer (submitted), or returned to the nominating organization for
// revision, or withdrawn by it.
const (
	NomPending   = "pending"
	NomSubmitted = "submitted"
	NomReturned  = "returned"
	NomWithdrawn = "withdrawn"
)

// Nomination is one nominee put forward in a campaign.
type Nomination struct {
	ID          int64             `json:"id"`
	CampaignID  int64             `json:"campaign_id"`
	NomineeKind string            `json:"nominee_kind"`
	NomineeID   int64             `json:"nominee_id"`
	NomineeName string            `json:"nominee_name"`
	OriginID    int64             `json:"origin_org_id"` // the nominating organization
	OriginPath  string            `json:"-"`
	HolderID    int64             `json:"holder_org_id"` // where it is now
	HolderPath  string            `json:"-"`
	Status      string            `json:"status"`
	Moral       string            `json:"moral"`   // the moral and political assessment (思想道德)
	Summary     string            `json:"summary"` // achievements
	Answers     map[string]string `json:"answers"` // to the campaign's own form, by field key
	Sector      string            `json:"sector"`  // the unit type of the nominee's organization (界别)
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
}

// Step is one step of a nomination's history.
type Step struct {
	Action  string    `json:"action"` // nominate, forward, return, withdraw, revise
	OrgID   int64     `json:"org_id"`
	OrgName string    `json:"org_name"`
	By      string    `json:"by"` // the user's name
	Opinion string    `json:"opinion"`
	Rank    int       `json:"rank,omitempty"`
	At      time.Time `json:"at"`
}

// shanghai is the zone campaign days and times are shown in; fixed +8.
var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)
