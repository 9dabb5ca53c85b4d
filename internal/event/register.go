package event

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"qinggong/internal/activity"
	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/person"
)

// Registration runs in one transaction per request whose first write
// takes the event's row (arrivals + 1): on PostgreSQL that row lock
// queues concurrent registrations for the same event, on SQLite the
// single writer does; either way the order in which transactions get the
// row is the arrival order, and the kept count they read under it decides
// seat or waitlist. So 600 people registering in the same second for 500
// seats get exactly 500 seats and a waitlist of 100 in arrival order,
// with no retry and no counting query.

// Activity kinds the engine writes.
const (
	ActivityRegistered = "event.registered"
	ActivityAttended   = "event.attended"
)

// Register puts a person down for an event: personID 0 is the actor's own
// record (self-service); another person needs EventRegister on their
// organization (a cadre registering their people). Within capacity it is a
// seat, beyond it a place on the waitlist.
func (s *Service) Register(ctx context.Context, by *auth.Actor, eventID, personID int64) (*Registration, error) {
	// The event first: a missing one is missing for anyone.
	e, err := byID(ctx, s.db.R(), eventID)
	if err != nil {
		return nil, err
	}
	p, err := s.registrant(ctx, by, personID)
	if err != nil {
		return nil, err
	}
	in, err := s.inAudience(ctx, e, p.OrgPath)
	if err != nil {
		return nil, err
	}
	// An event the actor may not see is missing; one they may see but the
	// person may not attend says so.
	if e.Status != StatusPublished {
		if !by.Can(auth.EventManage, e.OrgPath) && !in {
			return nil, errs.ErrNotFound
		}
		return nil, errs.E(errs.Conflict, "err.event_not_open")
	}
	if !in {
		return nil, errs.E(errs.Conflict, "err.event_audience_person")
	}
	now := s.now()
	if now.Before(e.RegOpens) || !now.Before(e.RegCloses) {
		return nil, errs.E(errs.Conflict, "err.event_window_closed")
	}
	r := &Registration{EventID: e.ID, PersonID: p.ID}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		seated, status, err := takeArrival(ctx, tx, e.ID, &r.Arrival)
		if err != nil {
			return err
		}
		if status != StatusPublished {
			return errs.E(errs.Conflict, "err.event_not_open")
		}
		r.Status = Waitlisted
		if seated {
			r.Status = Registered
		}
		// A new registration, or one cancelled before back in the queue (its
		// code kept); a live one is left alone, returns nothing and is
		// refused. The counters moved above are rolled back with it.
		err = tx.QueryRowContext(ctx, `INSERT INTO registrations (event_id, person_id, status, arrival, code, by_user, registered_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (event_id, person_id) DO UPDATE SET status = excluded.status, arrival = excluded.arrival,
			by_user = excluded.by_user, registered_at = excluded.registered_at, promoted_at = NULL, cancelled_at = NULL
			WHERE registrations.status = $8
			RETURNING id, code, registered_at`, e.ID, p.ID, r.Status, r.Arrival, personalCode(), by.UserID, now.UTC(), Cancelled).
			Scan(&r.ID, &r.Code, &r.RegisteredAt)
		if errors.Is(err, db.ErrNoRows) || db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "err.event_registered_twice")
		}
		if err != nil {
			return err
		}
		if seated {
			if err := s.ledger(ctx, tx, p.ID, p.OrgID, ActivityRegistered, e.ID, now.UTC()); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "event.register", ObjectType: "event", ObjectID: e.ID, OrgID: p.OrgID,
			Summary: fmt.Sprintf("person=%d status=%s arrival=%d", p.ID, r.Status, r.Arrival)})
	})
	if err != nil {
		return nil, err
	}
	return r, nil // as written: nothing else changes a registration before its transaction commits
}

// takeArrival is a registration's first statement: it takes the event's
// row, numbers the arrival and gives it a seat if one is free (capacity 0
// is unlimited), else a place on the waitlist, moving the kept counts;
// seated says which, status is the event's. Whoever takes the row next
// waits for this transaction, so arrivals are numbered and seated in the
// order they get the row, and never beyond capacity.
//
// On PostgreSQL it is one statement, so that the row is held for as few
// round trips as possible: the CTE locks the row and reads the count the
// seat is decided on (the newest, after waiting for any transaction
// holding it), which RETURNING cannot give (it sees the row as updated).
// SQLite's one writer holds the database already: two statements, with no
// round trip between them.
func takeArrival(ctx context.Context, tx *db.Tx, eventID int64, arrival *int) (seated bool, status string, err error) {
	if tx.Dialect == db.Postgres {
		err = tx.QueryRowContext(ctx, `WITH cur AS (SELECT id, registered FROM events WHERE id = $1 FOR UPDATE)
			UPDATE events e SET arrivals = e.arrivals + 1,
			registered = e.registered + CASE WHEN e.capacity = 0 OR e.registered < e.capacity THEN 1 ELSE 0 END,
			waitlisted = e.waitlisted + CASE WHEN e.capacity = 0 OR e.registered < e.capacity THEN 0 ELSE 1 END
			FROM cur WHERE e.id = cur.id
			RETURNING e.arrivals, e.status, e.registered > cur.registered`, eventID).Scan(arrival, &status, &seated)
		return seated, status, err
	}
	var registered, capacity int
	err = tx.QueryRowContext(ctx, `UPDATE events SET arrivals = arrivals + 1 WHERE id = $1
		RETURNING arrivals, registered, capacity, status`, eventID).Scan(arrival, &registered, &capacity, &status)
	if err != nil {
		return false, "", err
	}
	seated = capacity == 0 || registered < capacity
	counter := "waitlisted"
	if seated {
		counter = "registered"
	}
	_, err = tx.ExecContext(ctx, `UPDATE events SET `+counter+` = `+counter+` + 1 WHERE id = $1`, eventID)
	return seated, status, err
}

// registrant is the person a registration is for: the actor's own record
// when personID is 0, otherwise a person in the actor's EventRegister
// scope (NotFound outside it, as everywhere).
func (s *Service) registrant(ctx context.Context, by *auth.Actor, personID int64) (*person.Person, error) {
	if personID == 0 {
		return s.people.Self(ctx, by)
	}
	p, err := s.people.Get(ctx, by, personID)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.EventRegister, p.OrgPath) {
		return nil, errs.ErrNotFound
	}
	return p, nil
}

// CancelRegistration gives a seat or waitlist place up: by the person, by
// whoever may register them, or by the event's organizer. A seat freed
// goes at once to the first on the waitlist.
func (s *Service) CancelRegistration(ctx context.Context, by *auth.Actor, id int64) (*Registration, error) {
	r, err := registrationByID(ctx, s.db.R(), id)
	if err != nil {
		return nil, err
	}
	e, err := byID(ctx, s.db.R(), r.EventID)
	if err != nil {
		return nil, err
	}
	if ok, err := s.mayAct(ctx, by, e, r.PersonID); err != nil || !ok {
		return nil, errs.ErrNotFound
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// The event's row first, as Register takes it: cancellations and
		// registrations of one event queue in one order.
		if _, err := tx.ExecContext(ctx, `UPDATE events SET updated_at = $1 WHERE id = $2`, s.now().UTC(), e.ID); err != nil {
			return err
		}
		var cur Registration
		if err := scanRegistration(tx.QueryRowContext(ctx, `SELECT `+registrationColumns+` FROM registrations WHERE id = $1`, id), &cur); err != nil {
			return err
		}
		if cur.Status == Cancelled {
			return errs.E(errs.Conflict, "err.event_cancelled_twice")
		}
		at := s.now().UTC()
		if _, err := tx.ExecContext(ctx, `UPDATE registrations SET status = $1, cancelled_at = $2 WHERE id = $3`, Cancelled, at, id); err != nil {
			return err
		}
		counter := "waitlisted"
		if cur.Status == Registered {
			counter = "registered"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE events SET `+counter+` = `+counter+` - 1 WHERE id = $1`, e.ID); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, tx, audit.Entry{Action: "event.unregister", ObjectType: "event", ObjectID: e.ID, OrgID: e.OrgID,
			Summary: fmt.Sprintf("person=%d was=%s", cur.PersonID, cur.Status)}); err != nil {
			return err
		}
		if cur.Status == Registered {
			return s.promote(ctx, tx, e.ID, at)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return registrationByID(ctx, s.db.R(), id)
}

// promote gives free seats to the waitlist in arrival order.
func (s *Service) promote(ctx context.Context, tx *db.Tx, eventID int64, at time.Time) error {
	var capacity, registered int
	if err := tx.QueryRowContext(ctx, `SELECT capacity, registered FROM events WHERE id = $1`, eventID).Scan(&capacity, &registered); err != nil {
		return err
	}
	for capacity == 0 || registered < capacity {
		var id, personID, orgID int64
		err := tx.QueryRowContext(ctx, `SELECT r.id, r.person_id, p.org_id FROM registrations r JOIN people p ON p.id = r.person_id
			WHERE r.event_id = $1 AND r.status = $2 ORDER BY r.arrival LIMIT 1`, eventID, Waitlisted).Scan(&id, &personID, &orgID)
		if errors.Is(err, db.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE registrations SET status = $1, promoted_at = $2 WHERE id = $3`, Registered, at, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE events SET registered = registered + 1, waitlisted = waitlisted - 1 WHERE id = $1`, eventID); err != nil {
			return err
		}
		if err := s.ledger(ctx, tx, personID, orgID, ActivityRegistered, eventID, at); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, tx, audit.Entry{Action: "event.promote", ObjectType: "event", ObjectID: eventID, OrgID: orgID,
			Summary: fmt.Sprintf("person=%d", personID)}); err != nil {
			return err
		}
		registered++
	}
	return nil
}

// mayAct reports whether the actor may act on a person's registration for
// e: the person themself, whoever may register them, or e's organizer.
func (s *Service) mayAct(ctx context.Context, by *auth.Actor, e *Event, personID int64) (bool, error) {
	if by.Can(auth.EventManage, e.OrgPath) {
		return true, nil
	}
	if me, err := s.people.Self(ctx, by); err == nil && me.ID == personID {
		return true, nil
	}
	p, err := s.people.Get(ctx, by, personID)
	if errs.KindOf(err) == errs.NotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return by.Can(auth.EventRegister, p.OrgPath), nil
}

// ledger writes one activity entry of a person, attributed to their
// organization (so a unit's coverage counts its own people's attendance).
func (s *Service) ledger(ctx context.Context, tx *db.Tx, personID, orgID int64, kind string, eventID int64, at time.Time) error {
	_, err := activity.Add(ctx, tx, activity.Entry{OrgID: orgID, PersonID: personID, Kind: kind, RefType: "event", RefID: eventID,
		OccurredAt: at, Amount: 1})
	return err
}

func registrationByID(ctx context.Context, q db.Q, id int64) (*Registration, error) {
	var r Registration
	err := scanRegistration(q.QueryRowContext(ctx, `SELECT `+registrationColumns+` FROM registrations WHERE id = $1`, id), &r)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return &r, err
}

// personalCode is a registration's code for the organizer to scan: 80
// random bits, unguessable, shown only to the person.
func personalCode() string {
	b := make([]byte, 10)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// Mine is one of the actor's own registrations with its event.
type Mine struct {
	Registration
	Event Event `json:"event"`
	// Open: a session of the event has not yet ended (its check-in
	// closes an hour after), so the personal code can still be scanned.
	Open bool `json:"open"`
}

// MyEventsAtDoor is "my events" as a young worker needs it at the door:
// the registrations whose event still has a session to check in to, then
// the latest past others (at most past of them), and how many more MyEvents would list. Only the
// rows shown are read whole: a first query decides which they are from the
// registrations alone, so a person with 166 registrations costs 30 events
// read and their times parsed, not 166 (that was four fifths of the page).
func (s *Service) MyEventsAtDoor(ctx context.Context, by *auth.Actor, past int) ([]Mine, int, error) {
	p, err := s.people.Self(ctx, by)
	if err != nil {
		return nil, 0, err
	}
	since := s.now().Add(-checkinCloses).UTC()
	rows, err := s.db.R().QueryContext(ctx, `SELECT r.event_id, EXISTS (SELECT 1 FROM event_sessions x WHERE x.event_id = r.event_id AND x.ends > $3)
		FROM registrations r WHERE r.person_id = $1 AND r.status <> $2 ORDER BY r.event_id DESC LIMIT 200`, p.ID, Cancelled, since)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var shown []any
	hidden := 0
	for rows.Next() {
		var id int64
		var open bool
		if err := rows.Scan(&id, &open); err != nil {
			return nil, 0, err
		}
		switch {
		case open:
			shown = append(shown, id)
		case past > 0:
			shown = append(shown, id)
			past--
		default:
			hidden++
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, 0, err
	}
	out, err := s.mine(ctx, p.ID, since, `AND r.event_id IN (`+db.Placeholders(4, len(shown))+`)`, shown...)
	return out, hidden, err
}

// MyEvents lists the actor's own registrations, newest event first,
// cancelled ones left out; a login linked to no record gets
// person.ErrNotLinked.
func (s *Service) MyEvents(ctx context.Context, by *auth.Actor) ([]Mine, error) {
	p, err := s.people.Self(ctx, by)
	if err != nil {
		return nil, err
	}
	return s.mine(ctx, p.ID, s.now().Add(-checkinCloses).UTC(), "")
}

// mine reads a person's registrations with their events, newest event
// first, narrowed by where (its arguments from $4).
func (s *Service) mine(ctx context.Context, personID int64, since time.Time, where string, args ...any) ([]Mine, error) {
	out := []Mine{}
	if where != "" && len(args) == 0 {
		return out, nil
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+db.Qualify("r.", registrationColumns)+`, `+db.Qualify("e.", eventColumns)+`,
		EXISTS (SELECT 1 FROM event_sessions x WHERE x.event_id = e.id AND x.ends > $3)
		FROM registrations r JOIN events e ON e.id = r.event_id
		WHERE r.person_id = $1 AND r.status <> $2 `+where+` ORDER BY r.event_id DESC LIMIT 200`,
		append([]any{personID, Cancelled, since}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m Mine
		var ev db.Capture
		scanEvent(&ev, &m.Event) // collects the event's destinations
		if err := scanRegistration(db.ScanTail(rows, append(ev.Dest, &m.Open)...), &m.Registration); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// registrationOf is a person's registration for an event, or nil.
func (s *Service) registrationOf(ctx context.Context, eventID, personID int64) (*Registration, error) {
	var r Registration
	err := scanRegistration(s.db.R().QueryRowContext(ctx, `SELECT `+registrationColumns+` FROM registrations
		WHERE event_id = $1 AND person_id = $2`, eventID, personID), &r)
	if errors.Is(err, db.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}
