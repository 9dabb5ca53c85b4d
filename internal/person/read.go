package person

import (
	"context"
	"errors"
	"strings"

	"qinggong/internal/activity"
	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/pii"
)

// Reads of one person: the record, its identifiers, skills and timeline.

// Get returns a person the actor may read; outside the scope it is
// NotFound, exactly like a missing one.
func (s *Service) Get(ctx context.Context, by *auth.Actor, id int64) (*Person, error) {
	p, err := byID(ctx, s.db.R(), id)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.PersonRead, p.OrgPath) {
		return nil, errs.ErrNotFound
	}
	return p, nil
}

// Reveal returns a person's full ID-card number and phone to a holder of
// RevealPII on the person's organization, and records that it did.
func (s *Service) Reveal(ctx context.Context, by *auth.Actor, id int64) (Revealed, error) {
	p, err := s.Get(ctx, by, id)
	if err != nil {
		return Revealed{}, err
	}
	if !by.Can(auth.RevealPII, p.OrgPath) {
		return Revealed{}, errs.E(errs.Forbidden, "err.forbidden")
	}
	var idSealed, phoneSealed []byte
	if err := s.db.R().QueryRowContext(ctx, `SELECT id_sealed, phone_sealed FROM people WHERE id = $1`, id).Scan(&idSealed, &phoneSealed); err != nil {
		return Revealed{}, err
	}
	var out Revealed
	if out.IDNumber, err = s.seal.Open(fieldID, idSealed); err != nil {
		return Revealed{}, err
	}
	if len(phoneSealed) > 0 {
		if out.Phone, err = s.seal.Open(fieldPhone, phoneSealed); err != nil {
			return Revealed{}, err
		}
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		return s.audit.Record(ctx, tx, audit.Entry{Action: "person.reveal", ObjectType: "person", ObjectID: id, OrgID: p.OrgID,
			Summary: "fields=id_number,phone"})
	})
	if err != nil {
		return Revealed{}, err
	}
	return out, nil
}

// Skills returns a person's skill-level history, newest first.
func (s *Service) Skills(ctx context.Context, by *auth.Actor, id int64) ([]SkillChange, error) {
	if _, err := s.Get(ctx, by, id); err != nil {
		return nil, err
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT id, level, certified_on, body, recorded_at FROM skill_changes
		WHERE person_id = $1 ORDER BY certified_on DESC, id DESC LIMIT 100`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []SkillChange{}
	for rows.Next() {
		var c SkillChange
		if err := rows.Scan(&c.ID, &c.Level, &c.CertifiedOn, &c.Body, &c.RecordedAt); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Timeline is one page of a person's growth record (成长档案), newest
// first: every activity-ledger entry about them, whichever module wrote it.
func (s *Service) Timeline(ctx context.Context, by *auth.Actor, id, before int64, limit int) ([]activity.Row, error) {
	if _, err := s.Get(ctx, by, id); err != nil {
		return nil, err
	}
	return activity.ForPerson(ctx, s.db.R(), id, before, limit)
}

// identifiers opens a person's stored ID number and phone for an update
// that keeps them; nothing is shown, so it is not a reveal.
func (s *Service) identifiers(ctx context.Context, id int64) (string, string, error) {
	var idSealed, phoneSealed []byte
	err := s.db.R().QueryRowContext(ctx, `SELECT id_sealed, phone_sealed FROM people WHERE id = $1`, id).Scan(&idSealed, &phoneSealed)
	if err != nil {
		if errors.Is(err, db.ErrNoRows) {
			return "", "", errs.ErrNotFound
		}
		return "", "", err
	}
	number, err := s.seal.Open(fieldID, idSealed)
	if err != nil || len(phoneSealed) == 0 {
		return number, "", err
	}
	phone, err := s.seal.Open(fieldPhone, phoneSealed)
	return number, phone, err
}

// Identify returns the person, still on the registry (not left), whose
// ID-card number and name are both the ones given. It is for a caller
// who may not browse the registry, such as a colleague putting someone
// forward for an honour (举荐): a match proves only that the caller knew
// both already, and every mismatch is the same NotFound, so it tells
// nothing about anyone the caller could not name.
func (s *Service) Identify(ctx context.Context, name, idNumber string) (*Person, error) {
	num := strings.ToUpper(pii.Number(strings.TrimSpace(idNumber)))
	name = strings.TrimSpace(name)
	if num == "" || name == "" {
		return nil, errs.ErrNotFound
	}
	var p Person
	err := scanPerson(s.db.R().QueryRowContext(ctx, `SELECT `+columns+` FROM people WHERE id_hash = $1`, s.IDIndex(num)), &p)
	if errors.Is(err, db.ErrNoRows) || (err == nil && (p.Name != name || p.Status == Left)) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// ByIDNumber is the one person the actor may read with that resident
// ID-card number (as typed in a form, full-width digits and spaces
// allowed); NotFound when the number is not valid, not registered, or
// outside the actor's scope. A name typed instead never matches.
func (s *Service) ByIDNumber(ctx context.Context, by *auth.Actor, number string) (*Person, error) {
	id, err := pii.ParseIDCard(pii.Number(number), s.now())
	if err != nil {
		return nil, errs.ErrNotFound
	}
	pg, err := s.Find(ctx, by, Filter{Query: id.Number, Status: "all"})
	if err != nil {
		return nil, err
	}
	if len(pg.People) != 1 {
		return nil, errs.ErrNotFound
	}
	return &pg.People[0], nil
}
