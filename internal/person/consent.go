package person

import (
	"context"
	"errors"
	"fmt"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// Purposes of processing that ask for the person's consent (PIPL Arts 14,
// 15, 29). Each has the version of the text the person is shown (catalog
// key "consent.<purpose>.text"): whoever changes that text in a way that
// matters must bump the version, and consents to an older version then no
// longer count (HasConsent) until the person consents again.
const (
	// PurposeRegistry: being registered in the young-worker roster and
	// processed by the league organizations that hold it.
	PurposeRegistry = "registry"
	// PurposeRecommendation: the record shared with employers for talent
	// recommendation (人才举荐, career navigation).
	PurposeRecommendation = "recommendation"
	// PurposeContact: being contacted about activities, trainings and
	// campaigns.
	PurposeContact = "contact"
)

// Purpose is a processing purpose with its current text version and the
// legal basis it rests on (SECURITY-CHECKLIST F3). Every basis is
// "consent" until a lawyer decides whether the registry rests on PIPL
// Art 13(3) or Art 37 instead (§1.5); consent is recorded either way.
type Purpose struct {
	Key     string `json:"purpose"`
	Version string `json:"version"`
	Basis   string `json:"basis"`
}

// Purposes lists every purpose, in the order pages show them.
var Purposes = []Purpose{
	{Key: PurposeRegistry, Version: "2025.1", Basis: "consent"},
	{Key: PurposeRecommendation, Version: "2025.1", Basis: "consent"},
	{Key: PurposeContact, Version: "2025.1", Basis: "consent"},
}

// purposeOf returns the purpose named key.
func purposeOf(key string) (Purpose, bool) {
	for _, p := range Purposes {
		if p.Key == key {
			return p, true
		}
	}
	return Purpose{}, false
}

// Consent is one recorded consent. Rows are never deleted or rewritten:
// withdrawing sets WithdrawnAt, consenting again adds a row.
type Consent struct {
	ID          int64      `json:"id"`
	Purpose     string     `json:"purpose"`
	Version     string     `json:"version"`
	GrantedAt   time.Time  `json:"granted_at"`
	WithdrawnAt *time.Time `json:"withdrawn_at,omitempty"`
}

// ConsentStatus is where a person stands on one purpose.
type ConsentStatus struct {
	Purpose
	// Given: an unwithdrawn consent to the current version exists.
	Given     bool       `json:"given"`
	GrantedAt *time.Time `json:"granted_at,omitempty"`
	// Outdated: the only unwithdrawn consent is to an older text.
	Outdated bool `json:"outdated"`
}

// HasConsent reports whether the person has an unwithdrawn consent to the
// current version of purpose. Modules that process data for a purpose ask
// it first; it does no authorization (the caller has done its own).
func (s *Service) HasConsent(ctx context.Context, personID int64, purpose string) (bool, error) {
	p, ok := purposeOf(purpose)
	if !ok {
		return false, fmt.Errorf("person: unknown consent purpose %q", purpose)
	}
	var n int
	err := s.db.R().QueryRowContext(ctx, `SELECT count(*) FROM consents
		WHERE person_id = $1 AND purpose = $2 AND version = $3 AND withdrawn_at IS NULL`, personID, p.Key, p.Version).Scan(&n)
	return n > 0, err
}

// Consents returns the consent history of a person the actor may read.
func (s *Service) Consents(ctx context.Context, by *auth.Actor, personID int64) ([]Consent, error) {
	if _, err := s.Get(ctx, by, personID); err != nil {
		return nil, err
	}
	return consentsOf(ctx, s.db.R(), personID)
}

// consentsOf lists a person's consent rows, oldest first.
func consentsOf(ctx context.Context, q db.Q, personID int64) ([]Consent, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, purpose, version, granted_at, withdrawn_at FROM consents
		WHERE person_id = $1 ORDER BY id`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Consent{}
	for rows.Next() {
		var c Consent
		if err := rows.Scan(&c.ID, &c.Purpose, &c.Version, &c.GrantedAt, &c.WithdrawnAt); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ConsentStatuses sums a consent history up per purpose.
func ConsentStatuses(history []Consent) []ConsentStatus {
	out := make([]ConsentStatus, len(Purposes))
	for i, p := range Purposes {
		out[i].Purpose = p
		for _, c := range history {
			if c.Purpose != p.Key || c.WithdrawnAt != nil {
				continue
			}
			if c.Version == p.Version {
				at := c.GrantedAt
				out[i].Given, out[i].GrantedAt = true, &at
			} else {
				out[i].Outdated = true
			}
		}
		if out[i].Given {
			out[i].Outdated = false
		}
	}
	return out
}

// grantConsent records the person's consent to the current version of
// purpose. Consenting again to a version already held changes nothing
// and returns the row held (created false).
func (s *Service) grantConsent(ctx context.Context, p *Person, purpose string) (c Consent, created bool, err error) {
	pp, ok := purposeOf(purpose)
	if !ok {
		return Consent{}, false, (errs.Fields{"purpose": "err.consent_purpose"}).Err()
	}
	now := s.now().UTC()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := lockPerson(ctx, tx, p.ID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `SELECT id, purpose, version, granted_at, withdrawn_at FROM consents
			WHERE person_id = $1 AND purpose = $2 AND version = $3 AND withdrawn_at IS NULL ORDER BY id LIMIT 1`,
			p.ID, pp.Key, pp.Version).Scan(&c.ID, &c.Purpose, &c.Version, &c.GrantedAt, &c.WithdrawnAt)
		if err == nil {
			return nil
		}
		if !errors.Is(err, db.ErrNoRows) {
			return err
		}
		c = Consent{Purpose: pp.Key, Version: pp.Version, GrantedAt: now}
		if err := tx.QueryRowContext(ctx, `INSERT INTO consents (person_id, purpose, version, granted_at) VALUES ($1, $2, $3, $4)
			RETURNING id`, p.ID, pp.Key, pp.Version, now).Scan(&c.ID); err != nil {
			return err
		}
		created = true
		return s.audit.Record(ctx, tx, audit.Entry{Action: "person.consent.grant", ObjectType: "person", ObjectID: p.ID,
			OrgID: p.OrgID, Summary: fmt.Sprintf("purpose=%s version=%s", pp.Key, pp.Version)})
	})
	return c, created, err
}

// withdrawConsent withdraws every unwithdrawn consent of the person to
// purpose, whatever its version, and returns how many it withdrew (0:
// nothing was given, nothing changes).
func (s *Service) withdrawConsent(ctx context.Context, p *Person, purpose string) (int64, error) {
	if _, ok := purposeOf(purpose); !ok {
		return 0, errs.ErrNotFound
	}
	var n int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := lockPerson(ctx, tx, p.ID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE consents SET withdrawn_at = $1
			WHERE person_id = $2 AND purpose = $3 AND withdrawn_at IS NULL`, s.now().UTC(), p.ID, purpose)
		if err != nil {
			return err
		}
		if n, _ = res.RowsAffected(); n == 0 {
			return nil
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "person.consent.withdraw", ObjectType: "person", ObjectID: p.ID,
			OrgID: p.OrgID, Summary: fmt.Sprintf("purpose=%s rows=%d", purpose, n)})
	})
	return n, err
}

// lockPerson takes the person's row lock (PostgreSQL; a SQLite write
// transaction holds the database already), so that two requests about one
// person's consents or contacts run one after the other.
func lockPerson(ctx context.Context, tx *db.Tx, id int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE people SET id = id WHERE id = $1`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.ErrNotFound
	}
	return nil
}
