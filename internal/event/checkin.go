package event

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/person"
)

// Check-in by code: the organizer's screen shows a code that changes every
// CodePeriod, derived from the session's own random secret and the time
// window (an HMAC, so any node computes the same code and no code is
// stored). An attendee scans it with their phone while logged in; the code
// of the window before is accepted too, for the seconds between reading
// and sending, so a photo passed around stops working within a minute.

// CodePeriod is how long a check-in code lasts on the organizer's screen.
const CodePeriod = 30 * time.Second

// LateAfter is how long after a session starts a check-in counts as late.
const LateAfter = 15 * time.Minute

// checkinOpens and checkinCloses bound check-in around a session.
const (
	checkinOpens  = time.Hour
	checkinCloses = time.Hour
)

// Code is a session's current check-in code and when it stops being shown.
type Code struct {
	SessionID int64     `json:"session_id"`
	Code      string    `json:"code"`
	Until     time.Time `json:"until"`
	Attended  int       `json:"attended"`
	Expected  int       `json:"expected"` // registered for the event
}

// sessionOf reads a session with its secret and its event.
func sessionOf(ctx context.Context, q db.Q, id int64) (*Session, []byte, *Event, error) {
	var x Session
	var secret []byte
	err := q.QueryRowContext(ctx, `SELECT id, event_id, seq, starts, ends, place, attended, secret FROM event_sessions WHERE id = $1`, id).
		Scan(&x.ID, &x.EventID, &x.Seq, &x.Starts, &x.Ends, &x.Place, &x.Attended, &secret)
	if errors.Is(err, db.ErrNoRows) {
		return nil, nil, nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, nil, nil, err
	}
	e, err := byID(ctx, q, x.EventID)
	return &x, secret, e, err
}

// windowCode is the code of one window of a session.
func windowCode(secret []byte, sessionID, window int64) string {
	m := hmac.New(sha256.New, secret)
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(sessionID))
	binary.BigEndian.PutUint64(b[8:], uint64(window))
	m.Write(b[:])
	return base32.StdEncoding.EncodeToString(m.Sum(nil))[:8]
}

func window(t time.Time) int64 { return t.Unix() / int64(CodePeriod/time.Second) }

// SessionCode is the code the organizer's check-in screen shows now, with
// the live counts.
func (s *Service) SessionCode(ctx context.Context, by *auth.Actor, sessionID int64) (*Code, error) {
	c, _, _, err := s.sessionCode(ctx, by, sessionID)
	return c, err
}

// sessionCode is SessionCode with the session and event it read (the
// screen shows them: one read, not two).
func (s *Service) sessionCode(ctx context.Context, by *auth.Actor, sessionID int64) (*Code, *Session, *Event, error) {
	x, secret, e, err := sessionOf(ctx, s.db.R(), sessionID)
	if err != nil {
		return nil, nil, nil, err
	}
	if !by.Can(auth.EventManage, e.OrgPath) {
		return nil, nil, nil, errs.ErrNotFound
	}
	now := s.now()
	w := window(now)
	return &Code{SessionID: x.ID, Code: windowCode(secret, x.ID, w), Until: time.Unix((w+1)*int64(CodePeriod/time.Second), 0).UTC(),
		Attended: x.Attended, Expected: e.Registered}, x, e, nil
}

// CheckInByCode checks the actor in to a session with the code from the
// organizer's screen.
func (s *Service) CheckInByCode(ctx context.Context, by *auth.Actor, sessionID int64, code string) (*CheckIn, error) {
	x, secret, e, err := sessionOf(ctx, s.db.R(), sessionID)
	if err != nil {
		return nil, err
	}
	p, err := s.people.Self(ctx, by)
	if err != nil {
		return nil, err
	}
	code = strings.ToUpper(strings.TrimSpace(code))
	w := window(s.now())
	if !hmac.Equal([]byte(code), []byte(windowCode(secret, x.ID, w))) && !hmac.Equal([]byte(code), []byte(windowCode(secret, x.ID, w-1))) {
		return nil, (errs.Fields{"code": "err.checkin_code"}).Err()
	}
	return s.checkIn(ctx, by, x, e, p, ByCode, false)
}

// Mark records a person present at a session, by the event's organizer.
// A person without a seat is refused unless walkIn, which records them
// as a walk-in (and is refused where the event requires registration).
func (s *Service) Mark(ctx context.Context, by *auth.Actor, sessionID, personID int64, walkIn bool) (*CheckIn, error) {
	x, _, e, err := sessionOf(ctx, s.db.R(), sessionID)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.EventManage, e.OrgPath) {
		return nil, errs.ErrNotFound
	}
	p, err := s.people.Get(ctx, by, personID)
	if errs.KindOf(err) == errs.NotFound {
		return nil, (errs.Fields{"person_id": "err.not_found"}).Err()
	}
	if err != nil {
		return nil, err
	}
	return s.checkIn(ctx, by, x, e, p, ByMark, walkIn)
}

// Scan checks in the holder of a personal code (from "my events"), by the
// event's organizer; a code of another event's registration is refused.
func (s *Service) Scan(ctx context.Context, by *auth.Actor, sessionID int64, personal string) (*CheckIn, error) {
	x, _, e, err := sessionOf(ctx, s.db.R(), sessionID)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.EventManage, e.OrgPath) {
		return nil, errs.ErrNotFound
	}
	var personID, eventID int64
	err = s.db.R().QueryRowContext(ctx, `SELECT person_id, event_id FROM registrations WHERE code = $1`,
		strings.ToLower(strings.TrimSpace(personal))).Scan(&personID, &eventID)
	if errors.Is(err, db.ErrNoRows) || (err == nil && eventID != e.ID) {
		return nil, (errs.Fields{"code": "err.checkin_personal"}).Err()
	}
	if err != nil {
		return nil, err
	}
	var p person.Person
	if err := s.db.R().QueryRowContext(ctx, `SELECT id, name, org_id, org_path FROM people WHERE id = $1`, personID).
		Scan(&p.ID, &p.Name, &p.OrgID, &p.OrgPath); err != nil {
		return nil, err
	}
	return s.checkIn(ctx, by, x, e, &p, ByPersonal, false)
}

// checkIn writes one check-in: refused outside the session's check-in
// hours, for an event not open, twice, or without a seat where the event
// requires registration (unless the organizer records a walk-in). A
// person without a seat at an event open to all is a walk-in.
func (s *Service) checkIn(ctx context.Context, by *auth.Actor, x *Session, e *Event, p *person.Person, method string, walkIn bool) (*CheckIn, error) {
	if e.Status != StatusPublished {
		return nil, errs.E(errs.Conflict, "err.event_not_open")
	}
	now := s.now()
	if now.Before(x.Starts.Add(-checkinOpens)) || now.After(x.Ends.Add(checkinCloses)) {
		return nil, errs.E(errs.Conflict, "err.checkin_hours")
	}
	c := &CheckIn{SessionID: x.ID, PersonID: p.ID, PersonName: p.Name, Method: method, Late: now.After(x.Starts.Add(LateAfter)), At: now.UTC()}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var regID int64
		var status string
		err := tx.QueryRowContext(ctx, `SELECT id, status FROM registrations WHERE event_id = $1 AND person_id = $2`, e.ID, p.ID).
			Scan(&regID, &status)
		if err != nil && !errors.Is(err, db.ErrNoRows) {
			return err
		}
		switch {
		case err == nil && status == Registered:
			c.RegistrationID = regID
		case e.RegRequired && !walkIn:
			// Only the organizer admits someone without a seat, on purpose.
			return errs.E(errs.Conflict, "err.checkin_not_registered")
		default:
			c.WalkIn = true
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO checkins (session_id, person_id, registration_id, method, late, walk_in, by_user, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, x.ID, p.ID, c.RegistrationID, method, c.Late, c.WalkIn, by.UserID, c.At)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "err.checkin_twice")
		}
		if err != nil {
			return err
		}
		if err := s.ledger(ctx, tx, p.ID, p.OrgID, ActivityAttended, e.ID, c.At); err != nil {
			return err
		}
		// The session's kept count last (before the audit record, whose head
		// row every write takes): on PostgreSQL every check-in to the session
		// waits for that row, so it is held for this statement, the audit
		// record and the commit only. A second check-in is refused above by
		// the primary key, so the order changes nothing that is counted.
		if _, err := tx.ExecContext(ctx, `UPDATE event_sessions SET attended = attended + 1 WHERE id = $1`, x.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "event.checkin", ObjectType: "event", ObjectID: e.ID, OrgID: p.OrgID,
			Summary: fmt.Sprintf("session=%d person=%d method=%s late=%t walk_in=%t", x.ID, p.ID, method, c.Late, c.WalkIn)})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Attendance lists a session's check-ins, in order of arrival, to the
// event's organizer.
func (s *Service) Attendance(ctx context.Context, by *auth.Actor, sessionID int64) ([]CheckIn, error) {
	_, _, e, err := sessionOf(ctx, s.db.R(), sessionID)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.EventManage, e.OrgPath) {
		return nil, errs.ErrNotFound
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT c.session_id, c.person_id, p.name, c.registration_id, c.method, c.late, c.walk_in, c.at
		FROM checkins c JOIN people p ON p.id = c.person_id WHERE c.session_id = $1 ORDER BY c.at, c.person_id`, sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []CheckIn{}
	for rows.Next() {
		var c CheckIn
		if err := rows.Scan(&c.SessionID, &c.PersonID, &c.PersonName, &c.RegistrationID, &c.Method, &c.Late, &c.WalkIn, &c.At); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
