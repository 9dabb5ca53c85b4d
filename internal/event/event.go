// Package event is the event engine (issue 12): gatherings of every kind
// the work plan relies on — seminars, lectures, classes, salons,
// ceremonies, competition days — with their sessions, registration
// (capacity, and a waitlist promoted in arrival order when someone
// cancels), check-in per session (a rotating code on the organizer's
// screen, the organizer marking attendance, or the attendee's personal
// code scanned) and the activity ledger. Other modules (skills courses,
// venture classes, cadre training) hold their sessions through it: they
// register their kinds (RegisterKind) and call the Service, never copy it.
package event

import (
	"database/sql"
	"slices"
	"sync"
	"time"
)

// Event statuses.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusCancelled = "cancelled"
)

// Registration statuses.
const (
	Registered = "registered"
	Waitlisted = "waitlisted"
	Cancelled  = "cancelled"
)

// Audience kinds: an organization's subtree, a region's members, or
// anyone with a record.
const (
	AudienceOrg    = "org"
	AudienceRegion = "region"
	AudiencePublic = "public"
)

// Check-in methods.
const (
	ByCode     = "code"     // the attendee scanned the organizer's rotating code
	ByMark     = "mark"     // the organizer marked them present
	ByPersonal = "personal" // the organizer scanned the attendee's personal code
)

// kinds are the event kinds; modules add theirs with RegisterKind.
var (
	kindsMu sync.RWMutex
	kinds   = []string{"seminar", "lecture", "class", "salon", "ceremony", "competition_day", "training", "meeting"}
)

// RegisterKind adds an event kind (a module's own, such as a skills
// course's class); its label is the catalog key "event.kind.<name>".
func RegisterKind(name string) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if !slices.Contains(kinds, name) {
		kinds = append(kinds, name)
	}
}

// Kinds lists the event kinds.
func Kinds() []string {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	return slices.Clone(kinds)
}

func knownKind(k string) bool {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	return slices.Contains(kinds, k)
}

// Event is a gathering with its kept counts.
type Event struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"org_id"`
	OrgPath      string    `json:"-"`
	Kind         string    `json:"kind"`
	Title        string    `json:"title"`
	Summary      string    `json:"summary"`
	Place        string    `json:"place"`
	OnlineURL    string    `json:"online_url,omitempty"`
	Capacity     int       `json:"capacity"` // 0: no limit
	AudienceKind string    `json:"audience_kind"`
	AudienceID   int64     `json:"audience_id,omitempty"`
	RegOpens     time.Time `json:"reg_opens"`
	RegCloses    time.Time `json:"reg_closes"`
	RegRequired  bool      `json:"reg_required"` // check-in only for the registered
	Status       string    `json:"status"`
	Registered   int       `json:"registered"`
	Waitlisted   int       `json:"waitlisted"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	Sessions     []Session `json:"sessions,omitempty"`
}

// Session is one sitting of an event (a class of eight has eight).
type Session struct {
	ID       int64     `json:"id"`
	EventID  int64     `json:"event_id"`
	Seq      int       `json:"seq"`
	Starts   time.Time `json:"starts"`
	Ends     time.Time `json:"ends"`
	Place    string    `json:"place,omitempty"`
	Attended int       `json:"attended"`
}

// Registration is a person's place at an event, or on its waitlist.
type Registration struct {
	ID           int64      `json:"id"`
	EventID      int64      `json:"event_id"`
	PersonID     int64      `json:"person_id"`
	Status       string     `json:"status"`
	Arrival      int        `json:"arrival"` // order of arrival at the event, 1 first
	Code         string     `json:"code,omitempty"`
	RegisteredAt time.Time  `json:"registered_at"`
	PromotedAt   *time.Time `json:"promoted_at,omitempty"`
	CancelledAt  *time.Time `json:"cancelled_at,omitempty"`
}

// CheckIn is one person's attendance at one session.
type CheckIn struct {
	SessionID      int64     `json:"session_id"`
	PersonID       int64     `json:"person_id"`
	PersonName     string    `json:"person_name,omitempty"`
	RegistrationID int64     `json:"registration_id,omitempty"` // 0 for a walk-in
	Method         string    `json:"method"`
	Late           bool      `json:"late"`
	WalkIn         bool      `json:"walk_in"`
	At             time.Time `json:"at"`
}

const eventColumns = `id, org_id, org_path, kind, title, summary, place, online_url, capacity, audience_kind, audience_id,
	reg_opens, reg_closes, reg_required, status, registered, waitlisted, created_at, updated_at`

func scanEvent(sc interface{ Scan(...any) error }, e *Event) error {
	return sc.Scan(&e.ID, &e.OrgID, &e.OrgPath, &e.Kind, &e.Title, &e.Summary, &e.Place, &e.OnlineURL, &e.Capacity,
		&e.AudienceKind, &e.AudienceID, &e.RegOpens, &e.RegCloses, &e.RegRequired, &e.Status, &e.Registered, &e.Waitlisted,
		&e.CreatedAt, &e.UpdatedAt)
}

const registrationColumns = `id, event_id, person_id, status, arrival, code, registered_at, promoted_at, cancelled_at`

func scanRegistration(sc interface{ Scan(...any) error }, r *Registration) error {
	var promoted, cancelled sql.NullTime
	if err := sc.Scan(&r.ID, &r.EventID, &r.PersonID, &r.Status, &r.Arrival, &r.Code, &r.RegisteredAt, &promoted, &cancelled); err != nil {
		return err
	}
	if promoted.Valid {
		r.PromotedAt = &promoted.Time
	}
	if cancelled.Valid {
		r.CancelledAt = &cancelled.Time
	}
	return nil
}

// shanghai is the zone event times are entered and shown in; fixed +8.
var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)
