package event

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/person"
)

// Service is the event engine.
type Service struct {
	db     *db.DB
	audit  *audit.Log
	orgs   *org.Service
	people *person.Service
	now    func() time.Time
}

// New returns the event engine.
func New(d *db.DB, a *audit.Log, orgs *org.Service, people *person.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: d, audit: a, orgs: orgs, people: people, now: now}
}

// Input is a new event.
type Input struct {
	OrgID        int64          `json:"org_id"`
	Kind         string         `json:"kind"`
	Title        string         `json:"title"`
	Summary      string         `json:"summary"`
	Place        string         `json:"place"`
	OnlineURL    string         `json:"online_url"`
	Capacity     int            `json:"capacity"`
	AudienceKind string         `json:"audience_kind"` // org (the default: the organizer's subtree), region or public
	AudienceID   int64          `json:"audience_id"`
	RegOpens     time.Time      `json:"reg_opens"`
	RegCloses    time.Time      `json:"reg_closes"`
	RegRequired  bool           `json:"reg_required"`
	Sessions     []SessionInput `json:"sessions"`
	// Then, when set, runs inside the event's transaction once it is
	// written: a module holding its sessions here (a skills course) writes
	// its own row there, so that both commit or neither.
	Then func(ctx context.Context, tx *db.Tx, eventID int64) error `json:"-"`
}

// SessionInput is one sitting of a new event.
type SessionInput struct {
	Starts time.Time `json:"starts"`
	Ends   time.Time `json:"ends"`
	Place  string    `json:"place"`
}

// Limits of an event.
const (
	MaxCapacity = 100000
	MaxSessions = 60
)

// validate checks in and resolves its organizations; field errors name
// the input's fields (sessions.N.starts for the Nth sitting, from 0).
func (s *Service) validate(ctx context.Context, by *auth.Actor, in *Input) (*org.Org, errs.Fields) {
	var f errs.Fields
	o, err := s.orgs.FindByID(ctx, by, in.OrgID)
	if err != nil || !by.Can(auth.EventManage, o.Path) {
		f.Add("org_id", "err.event_org")
	}
	in.Title, in.Summary, in.Place, in.OnlineURL = strings.TrimSpace(in.Title), strings.TrimSpace(in.Summary),
		strings.TrimSpace(in.Place), strings.TrimSpace(in.OnlineURL)
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		f.Add("title", "err.required")
	case n > 100:
		f.Add("title", "err.too_long")
	}
	if utf8.RuneCountInString(in.Summary) > 5000 {
		f.Add("summary", "err.too_long")
	}
	if utf8.RuneCountInString(in.Place) > 200 {
		f.Add("place", "err.too_long")
	}
	if in.OnlineURL != "" {
		if u, err := url.Parse(in.OnlineURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(in.OnlineURL) > 500 {
			f.Add("online_url", "err.url")
		}
	}
	if in.Place == "" && in.OnlineURL == "" {
		f.Add("place", "err.event_place")
	}
	if !knownKind(in.Kind) {
		f.Add("kind", "err.choose")
	}
	if in.Capacity < 0 || in.Capacity > MaxCapacity {
		f.Add("capacity", "err.invalid")
	}
	if in.AudienceKind == "" {
		in.AudienceKind = AudienceOrg
	}
	switch in.AudienceKind {
	case AudienceOrg:
		if in.AudienceID == 0 {
			in.AudienceID = in.OrgID
		}
		if a, err := s.orgs.FindByID(ctx, by, in.AudienceID); err != nil || o == nil || !strings.HasPrefix(a.Path, o.Path) {
			f.Add("audience_id", "err.event_audience")
		}
	case AudienceRegion:
		if _, err := s.orgs.FindRegionByID(ctx, by, in.AudienceID); err != nil {
			f.Add("audience_id", "err.event_audience")
		}
	case AudiencePublic:
		in.AudienceID = 0
	default:
		f.Add("audience_kind", "err.choose")
	}
	if len(in.Sessions) == 0 {
		f.Add("sessions", "err.event_sessions")
	} else if len(in.Sessions) > MaxSessions {
		f.Add("sessions", "err.too_many")
	}
	var last time.Time
	for i, x := range in.Sessions {
		key := fmt.Sprintf("sessions.%d.", i)
		switch {
		case x.Starts.IsZero():
			f.Add(key+"starts", "err.required")
		case x.Ends.IsZero():
			f.Add(key+"ends", "err.required")
		case !x.Ends.After(x.Starts):
			f.Add(key+"ends", "err.event_ends")
		case x.Ends.Sub(x.Starts) > 24*time.Hour:
			f.Add(key+"ends", "err.event_too_long")
		case !last.IsZero() && x.Starts.Before(last):
			f.Add(key+"starts", "err.event_order")
		}
		if utf8.RuneCountInString(x.Place) > 200 {
			f.Add(key+"place", "err.too_long")
		}
		if x.Ends.After(last) {
			last = x.Ends
		}
	}
	switch {
	case in.RegOpens.IsZero():
		f.Add("reg_opens", "err.required")
	case in.RegCloses.IsZero():
		f.Add("reg_closes", "err.required")
	case !in.RegCloses.After(in.RegOpens):
		f.Add("reg_closes", "err.event_window")
	case !last.IsZero() && in.RegCloses.After(last):
		f.Add("reg_closes", "err.event_window_late")
	}
	return o, f
}

// Create writes a draft event with its sessions, organized by an
// organization in the actor's EventManage scope.
func (s *Service) Create(ctx context.Context, by *auth.Actor, in Input) (*Event, error) {
	o, f := s.validate(ctx, by, &in)
	if err := f.Err(); err != nil {
		return nil, err
	}
	var id int64
	now := s.now().UTC()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO events (org_id, org_path, kind, title, summary, place, online_url, capacity,
			audience_kind, audience_id, reg_opens, reg_closes, reg_required, status, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id`,
			o.ID, o.Path, in.Kind, in.Title, in.Summary, in.Place, in.OnlineURL, in.Capacity, in.AudienceKind, in.AudienceID,
			in.RegOpens.UTC(), in.RegCloses.UTC(), in.RegRequired, StatusDraft, by.UserID, now).Scan(&id); err != nil {
			return err
		}
		for i, x := range in.Sessions {
			secret := make([]byte, 32)
			rand.Read(secret)
			if _, err := tx.ExecContext(ctx, `INSERT INTO event_sessions (event_id, seq, starts, ends, place, secret)
				VALUES ($1, $2, $3, $4, $5, $6)`, id, i+1, x.Starts.UTC(), x.Ends.UTC(), strings.TrimSpace(x.Place), secret); err != nil {
				return err
			}
		}
		if err := s.audit.Record(ctx, tx, audit.Entry{Action: "event.create", ObjectType: "event", ObjectID: id, OrgID: o.ID,
			Summary: fmt.Sprintf("kind=%s capacity=%d audience=%s:%d sessions=%d", in.Kind, in.Capacity, in.AudienceKind,
				in.AudienceID, len(in.Sessions))}); err != nil {
			return err
		}
		if in.Then != nil {
			return in.Then(ctx, tx, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.db.R(), id)
}

// Publish opens a draft event to registration (from its window's start).
func (s *Service) Publish(ctx context.Context, by *auth.Actor, id int64) (*Event, error) {
	return s.move(ctx, by, id, StatusDraft, StatusPublished, "event.publish")
}

// Cancel calls a published (or draft) event off; registrations stay as
// they were, for the record, and no one can register or check in.
func (s *Service) Cancel(ctx context.Context, by *auth.Actor, id int64) (*Event, error) {
	return s.move(ctx, by, id, "", StatusCancelled, "event.cancel")
}

func (s *Service) move(ctx context.Context, by *auth.Actor, id int64, from, to, action string) (*Event, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		e, err := s.managed(ctx, tx, by, id)
		if err != nil {
			return err
		}
		if (from != "" && e.Status != from) || e.Status == StatusCancelled {
			return errs.E(errs.Conflict, "err.event_state")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE events SET status = $1, updated_at = $2 WHERE id = $3`, to, s.now().UTC(), id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: action, ObjectType: "event", ObjectID: id, OrgID: e.OrgID,
			Summary: "status=" + to})
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.db.R(), id)
}

// byID reads an event without its sessions; NotFound when missing.
func byID(ctx context.Context, q db.Q, id int64) (*Event, error) {
	var e Event
	err := scanEvent(q.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM events WHERE id = $1`, id), &e)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return &e, err
}

// load reads an event with its sessions.
func (s *Service) load(ctx context.Context, q db.Q, id int64) (*Event, error) {
	e, err := byID(ctx, q, id)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT id, event_id, seq, starts, ends, place, attended FROM event_sessions
		WHERE event_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var x Session
		if err := rows.Scan(&x.ID, &x.EventID, &x.Seq, &x.Starts, &x.Ends, &x.Place, &x.Attended); err != nil {
			return nil, err
		}
		e.Sessions = append(e.Sessions, x)
	}
	return e, rows.Err()
}

// managed is an event the actor organizes (EventManage on its
// organizer); otherwise NotFound.
func (s *Service) managed(ctx context.Context, q db.Q, by *auth.Actor, id int64) (*Event, error) {
	e, err := byID(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.EventManage, e.OrgPath) {
		return nil, errs.ErrNotFound
	}
	return e, nil
}

// Get returns an event with its sessions to whoever may see it: its
// organizers and readers of its organizer; once out of draft, cadres who
// may register people of its audience; and once published, anyone in its
// audience.
func (s *Service) Get(ctx context.Context, by *auth.Actor, id int64) (*Event, error) {
	e, err := s.load(ctx, s.db.R(), id)
	if err != nil {
		return nil, err
	}
	if by.Can(auth.EventManage, e.OrgPath) || by.Can(auth.OrgRead, e.OrgPath) {
		return e, nil
	}
	if e.Status != StatusDraft {
		if ok, err := s.registersFor(ctx, by, e); err != nil || ok {
			return e, err
		}
	}
	if e.Status == StatusPublished {
		if p, err := s.people.Self(ctx, by); err == nil {
			if in, err := s.inAudience(ctx, e, p.OrgPath); err == nil && in {
				return e, nil
			}
		}
	}
	return nil, errs.ErrNotFound
}

// registersFor reports whether the actor may register someone of e's
// audience: its EventRegister scope shares organizations with it.
func (s *Service) registersFor(ctx context.Context, by *auth.Actor, e *Event) (bool, error) {
	sc := by.Scope(auth.EventRegister)
	if sc.All || (e.AudienceKind == AudiencePublic && len(sc.Prefixes) > 0) {
		return true, nil
	}
	var paths []string
	switch e.AudienceKind {
	case AudienceOrg:
		var p string
		if err := s.db.R().QueryRowContext(ctx, `SELECT path FROM orgs WHERE id = $1`, e.AudienceID).Scan(&p); err != nil {
			return false, err
		}
		paths = []string{p}
	case AudienceRegion:
		var err error
		if paths, err = s.orgs.RegionMemberPaths(ctx, e.AudienceID); err != nil {
			return false, err
		}
	}
	for _, a := range paths {
		for _, p := range sc.Prefixes {
			if strings.HasPrefix(a, p) || strings.HasPrefix(p, a) {
				return true, nil
			}
		}
	}
	return false, nil
}

// inAudience reports whether a person of the organization at path may
// attend e.
func (s *Service) inAudience(ctx context.Context, e *Event, path string) (bool, error) {
	switch e.AudienceKind {
	case AudiencePublic:
		return true, nil
	case AudienceOrg:
		var p string
		if err := s.db.R().QueryRowContext(ctx, `SELECT path FROM orgs WHERE id = $1`, e.AudienceID).Scan(&p); err != nil {
			return false, err
		}
		return strings.HasPrefix(path, p), nil
	case AudienceRegion:
		paths, err := s.orgs.RegionMemberPaths(ctx, e.AudienceID)
		if err != nil {
			return false, err
		}
		for _, p := range paths {
			if strings.HasPrefix(path, p) {
				return true, nil
			}
		}
	}
	return false, nil
}

// Filter narrows a list of events.
type Filter struct {
	Status string // "" for every one not cancelled
	After  int64  // keyset cursor: events with a smaller ID
	Limit  int    // 1–200, 50 when 0
}

// Page is one page of events, newest first.
type Page struct {
	Items []Event `json:"items"`
	Next  int64   `json:"next,omitempty"`
}

// List returns the events organized within the actor's EventManage or
// OrgRead scope, newest first.
func (s *Service) List(ctx context.Context, by *auth.Actor, f Filter) (*Page, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 200 {
		return nil, (errs.Fields{"limit": "err.invalid"}).Err()
	}
	switch f.Status {
	case "", StatusDraft, StatusPublished, StatusCancelled:
	default:
		return nil, (errs.Fields{"status": "err.choose"}).Err()
	}
	a := &db.Args{}
	sc := by.Scope(auth.EventManage)
	read := by.Scope(auth.OrgRead)
	where := []string{"(" + sc.Where("org_path", a) + " OR " + read.Where("org_path", a) + ")"}
	if f.Status != "" {
		where = append(where, "status = "+a.Add(f.Status))
	} else {
		where = append(where, "status <> "+a.Add(StatusCancelled))
	}
	if f.After > 0 {
		where = append(where, "id < "+a.Add(f.After))
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+eventColumns+` FROM events WHERE `+strings.Join(where, " AND ")+
		` ORDER BY id DESC LIMIT `+a.Add(f.Limit+1), a.List()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := &Page{Items: []Event{}}
	for rows.Next() {
		var e Event
		if err := scanEvent(rows, &e); err != nil {
			return nil, err
		}
		out.Items = append(out.Items, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out.Items) > f.Limit {
		out.Items = out.Items[:f.Limit]
		out.Next = out.Items[f.Limit-1].ID
	}
	return out, nil
}
