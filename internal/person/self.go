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

// Self-service (PIPL Arts 44-46): a young worker whose login is linked to
// their record reads it, corrects their phone and email, gives and
// withdraws consents and downloads everything held about them. Every
// method here finds the person by the acting user's own ID, never by an ID
// the client sends, so no other person can be reached this way.

// ErrNotLinked is returned to a user whose login is linked to no person.
var ErrNotLinked = errs.E(errs.Conflict, "err.self_not_linked")

// Self returns the person linked to the actor's login.
func (s *Service) Self(ctx context.Context, by *auth.Actor) (*Person, error) {
	return s.selfIn(ctx, s.db.R(), by)
}

func (s *Service) selfIn(ctx context.Context, q db.Q, by *auth.Actor) (*Person, error) {
	if by == nil || by.UserID == 0 {
		return nil, ErrNotLinked
	}
	var p Person
	err := scanPerson(q.QueryRowContext(ctx, `SELECT `+columns+` FROM people WHERE user_id = $1`, by.UserID), &p)
	if errors.Is(err, db.ErrNoRows) {
		return nil, ErrNotLinked
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// orgName names an organization for the person's own pages (their own
// organization is part of their record, whatever their grants).
func (s *Service) orgName(ctx context.Context, id int64) string {
	var name string
	if err := s.db.R().QueryRowContext(ctx, `SELECT name FROM orgs WHERE id = $1`, id).Scan(&name); err != nil {
		return ""
	}
	return name
}

// OwnSkills is the skill-level history of the actor's own record, newest first.
func (s *Service) OwnSkills(ctx context.Context, by *auth.Actor) ([]SkillChange, error) {
	p, err := s.Self(ctx, by)
	if err != nil {
		return nil, err
	}
	return skillHistory(ctx, s.db.R(), p.ID)
}

// OwnTimeline is one page of the actor's own growth record, as the person
// page shows it.
func (s *Service) OwnTimeline(ctx context.Context, by *auth.Actor, before int64, limit int) ([]activity.Row, error) {
	p, err := s.Self(ctx, by)
	if err != nil {
		return nil, err
	}
	return activity.ForPerson(ctx, s.db.R(), p.ID, before, limit)
}

// OwnConsents is the actor's own consent history, oldest first.
func (s *Service) OwnConsents(ctx context.Context, by *auth.Actor) ([]Consent, error) {
	p, err := s.Self(ctx, by)
	if err != nil {
		return nil, err
	}
	return consentsOf(ctx, s.db.R(), p.ID)
}

// GiveConsent records the actor's own consent to the current version of
// purpose; created is false when that consent was already held.
func (s *Service) GiveConsent(ctx context.Context, by *auth.Actor, purpose string) (Consent, bool, error) {
	p, err := s.Self(ctx, by)
	if err != nil {
		return Consent{}, false, err
	}
	return s.grantConsent(ctx, p, purpose)
}

// WithdrawConsent withdraws the actor's own consents to purpose; the rows
// stay, with the time of withdrawal. It returns how many were withdrawn.
func (s *Service) WithdrawConsent(ctx context.Context, by *auth.Actor, purpose string) (int64, error) {
	p, err := s.Self(ctx, by)
	if err != nil {
		return 0, err
	}
	return s.withdrawConsent(ctx, p, purpose)
}

// ContactUpdate is what a person may change in their own record. A nil
// field is left as it is; an empty one is cleared.
type ContactUpdate struct {
	Phone *string `json:"phone"`
	Email *string `json:"email"`
}

// UpdateOwnContact changes the actor's own phone and email, validated as
// in Input, in one transaction with its audit record (which names the
// changed fields, never their values).
func (s *Service) UpdateOwnContact(ctx context.Context, by *auth.Actor, upd ContactUpdate) (*Person, error) {
	p, err := s.Self(ctx, by)
	if err != nil {
		return nil, err
	}
	var f errs.Fields
	if upd.Phone != nil {
		v := strings.TrimSpace(*upd.Phone)
		if v != "" && !pii.ValidMobile(v) {
			f.Add("phone", "err.phone")
		}
		upd.Phone = &v
	}
	if upd.Email != nil {
		v := strings.TrimSpace(*upd.Email)
		if v != "" && (len(v) > maxShort || !validEmail(v)) {
			f.Add("email", "err.email")
		}
		upd.Email = &v
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var phoneHash pii.Hash
		var email string
		if err := tx.QueryRowContext(ctx, `SELECT phone_hash, email FROM people WHERE id = $1 AND user_id = $2`,
			p.ID, by.UserID).Scan(&phoneHash, &email); err != nil {
			if errors.Is(err, db.ErrNoRows) {
				return ErrNotLinked // unlinked meanwhile
			}
			return err
		}
		var set []string
		var a db.Args
		var changed []string
		if upd.Phone != nil && ((*upd.Phone == "" && !phoneHash.IsZero()) || (*upd.Phone != "" && s.PhoneIndex(*upd.Phone) != phoneHash)) {
			sealed, hash, masked := s.sealPhone(*upd.Phone)
			set = append(set, "phone_sealed = "+a.Add(sealed), "phone_hash = "+a.Add(hash), "phone_masked = "+a.Add(masked))
			changed = append(changed, "phone")
		}
		if upd.Email != nil && *upd.Email != email {
			set = append(set, "email = "+a.Add(*upd.Email))
			changed = append(changed, "email")
		}
		if len(changed) == 0 {
			return nil
		}
		set = append(set, "updated_at = "+a.Add(s.now().UTC()))
		db.BumpPeopleVersion(tx)
		if _, err := tx.ExecContext(ctx, `UPDATE people SET `+strings.Join(set, ", ")+` WHERE id = `+a.Add(p.ID), a.List()...); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "person.self_update", ObjectType: "person", ObjectID: p.ID,
			OrgID: p.OrgID, Summary: "fields=" + strings.Join(changed, ",")})
	})
	if err != nil {
		return nil, err
	}
	return s.Self(ctx, by)
}
