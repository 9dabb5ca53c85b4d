// Package talent is the talent pool (人才举荐, issue 12): an organization
// recommends a person in one of the work plan's five talent kinds, with
// evidence and the moral and political assessment (思想道德) every
// recommendation carries, to a committee above it; that committee vets it
// into the pool or returns it with a reason, marks typical cases (典型) for
// publication, and may carry an accepted recommendation into a selection
// campaign as a nomination (through the campaign engine).
package talent

import (
	"database/sql"
	"slices"
	"time"
)

// Kinds are the document's five talent kinds, in its order.
var Kinds = []string{"science", "technical_skill", "knowledge_skill", "composite_skill", "management"}

// KnownKind reports whether k is a talent kind.
func KnownKind(k string) bool { return slices.Contains(Kinds, k) }

// Statuses of a recommendation.
const (
	Submitted = "submitted" // waiting for the receiving committee
	Accepted  = "accepted"  // in the pool
	Returned  = "returned"  // sent back with a reason
)

// Ledger kinds (activity).
const (
	KindRecommended = "talent.recommended"
	KindAccepted    = "talent.accepted"
)

// Recommendation is one person put forward in one kind.
type Recommendation struct {
	ID           int64      `json:"id"`
	PersonID     int64      `json:"person_id"`
	PersonName   string     `json:"person_name"`
	Kind         string     `json:"kind"`
	FromOrgID    int64      `json:"from_org_id"`
	FromOrgName  string     `json:"from_org_name"`
	FromPath     string     `json:"-"`
	ToOrgID      int64      `json:"to_org_id"`
	ToOrgName    string     `json:"to_org_name"`
	ToPath       string     `json:"-"`
	ToLevel      string     `json:"to_level"` // the pool's level: the receiving committee's
	Evidence     string     `json:"evidence"`
	Moral        string     `json:"moral"`
	Status       string     `json:"status"`
	VetNote      string     `json:"vet_note,omitempty"`
	VettedAt     *time.Time `json:"vetted_at,omitempty"`
	Typical      bool       `json:"typical"`
	TypicalText  string     `json:"typical_text,omitempty"`
	NominationID int64      `json:"nomination_id,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

const columns = `r.id, r.person_id, r.person_name, r.kind, r.from_org_id, fo.name, r.from_path, r.to_org_id, tor.name, r.to_path,
	r.to_level, r.evidence, r.moral, r.status, r.vet_note, r.vetted_at, r.typical, r.typical_text, r.nomination_id,
	r.created_at, r.updated_at`

const from = ` FROM talent_recommendations r JOIN orgs fo ON fo.id = r.from_org_id JOIN orgs tor ON tor.id = r.to_org_id`

func scan(sc interface{ Scan(...any) error }, r *Recommendation) error {
	var vetted sql.NullTime
	if err := sc.Scan(&r.ID, &r.PersonID, &r.PersonName, &r.Kind, &r.FromOrgID, &r.FromOrgName, &r.FromPath, &r.ToOrgID,
		&r.ToOrgName, &r.ToPath, &r.ToLevel, &r.Evidence, &r.Moral, &r.Status, &r.VetNote, &vetted, &r.Typical, &r.TypicalText,
		&r.NominationID, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return err
	}
	if vetted.Valid {
		r.VettedAt = &vetted.Time
	}
	return nil
}
