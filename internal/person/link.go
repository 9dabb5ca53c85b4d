package person

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// LinkInput asks for a login for a person: a new account (Login typed, or
// generated when blank) or, with Existing, an account that already exists
// and holds no role.
type LinkInput struct {
	Login    string `json:"login"`
	Existing bool   `json:"existing"`
}

// Linked is the login linked to a person. Password is set only when the
// account was just created: it is shown once and must be changed at first
// login.
type Linked struct {
	UserID   int64  `json:"user_id"`
	Login    string `json:"login"`
	Password string `json:"password,omitempty"`
}

// linkable returns the person if the actor may link or unlink their login:
// person.write and user.write on the person's organization. Outside the
// actor's person.write scope the person is NotFound, as everywhere.
func (s *Service) linkable(ctx context.Context, by *auth.Actor, personID int64) (*Person, error) {
	p, err := s.Get(ctx, by, personID)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.PersonWrite, p.OrgPath) {
		return nil, errs.ErrNotFound
	}
	if !by.Can(auth.UserWrite, p.OrgPath) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	return p, nil
}

// LinkLogin gives a person a login, one person to at most one login. A new
// account is homed in the person's organization, holds no role, and gets a
// generated password it must change at first login; an existing account
// must lie in the actor's user.write scope and hold no role (a young
// worker's login reaches only their own record, never a registry).
//
// A new account is created (and audited, by the accounts service) before
// it is linked, in a transaction of its own: if the person is linked by
// someone else in between, the account is left without a person and the
// answer is Conflict.
func (s *Service) LinkLogin(ctx context.Context, by *auth.Actor, users *auth.Service, personID int64, in LinkInput) (*Linked, error) {
	p, err := s.linkable(ctx, by, personID)
	if err != nil {
		return nil, err
	}
	if p.UserID != 0 {
		return nil, errs.E(errs.Conflict, "err.link_exists")
	}
	in.Login = strings.ToLower(strings.TrimSpace(in.Login))
	out := &Linked{Login: in.Login}
	if in.Existing {
		if out.UserID, err = linkableUser(ctx, by, users, in.Login); err != nil {
			return nil, err
		}
	} else if out.UserID, out.Login, out.Password, err = s.newLogin(ctx, by, users, p, in.Login); err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		db.BumpPeopleVersion(tx)
		res, err := tx.ExecContext(ctx, `UPDATE people SET user_id = $1 WHERE id = $2 AND user_id IS NULL`, out.UserID, p.ID)
		if db.IsUniqueViolation(err) {
			return (errs.Fields{"login": "err.link_taken"}).Err()
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "err.link_exists")
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "person.link", ObjectType: "person", ObjectID: p.ID, OrgID: p.OrgID,
			Summary: fmt.Sprintf("user=%d created=%t", out.UserID, !in.Existing)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// linkableUser finds an existing account that may be linked: in the
// actor's user.write scope and without any role. Missing and out-of-scope
// accounts read the same.
func linkableUser(ctx context.Context, by *auth.Actor, users *auth.Service, login string) (int64, error) {
	if login == "" {
		return 0, (errs.Fields{"login": "err.required"}).Err()
	}
	u, err := users.FindUserByLogin(ctx, login)
	if err == nil && !by.Can(auth.UserWrite, u.OrgPath) {
		err = auth.ErrUserNotFound
	}
	if err == nil {
		u, err = users.FindUserByID(ctx, by, u.ID)
	}
	if errs.KindOf(err) == errs.NotFound {
		return 0, (errs.Fields{"login": "err.link_user_unknown"}).Err()
	}
	if err != nil {
		return 0, err
	}
	if len(u.Grants) > 0 {
		return 0, (errs.Fields{"login": "err.link_user_roles"}).Err()
	}
	return u.ID, nil
}

// newLogin creates the person's account. A blank login is generated from
// the name's pinyin initials and four digits (张三 → zs4821), retried a few
// times if taken.
func (s *Service) newLogin(ctx context.Context, by *auth.Actor, users *auth.Service, p *Person, login string) (int64, string, string, error) {
	for try := 0; ; try++ {
		name := login
		if name == "" {
			name = generatedLogin(p.Name)
		}
		id, pw, err := users.CreateUser(ctx, by, auth.NewUser{Login: name, Name: p.Name, OrgID: p.OrgID})
		if e, ok := errs.As(err); ok && login == "" && try < 5 && e.Fields["login"] == "err.login_taken" {
			continue
		}
		return id, name, pw, err
	}
}

// generatedLogin is the name's initials (a letter first, at most 20) and
// four random digits.
func generatedLogin(name string) string {
	ini := Initials(name)
	if len(ini) > 20 {
		ini = ini[:20]
	}
	if ini == "" || ini[0] < 'a' || ini[0] > 'z' {
		ini = "qg" + ini
	}
	n, err := rand.Int(rand.Reader, big.NewInt(10000))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return fmt.Sprintf("%s%04d", ini, n.Int64())
}

// UnlinkLogin ends the link between a person and their login. The account
// stays (the accounts officer may disable it); it no longer reaches any
// record.
func (s *Service) UnlinkLogin(ctx context.Context, by *auth.Actor, personID int64) error {
	p, err := s.linkable(ctx, by, personID)
	if err != nil {
		return err
	}
	if p.UserID == 0 {
		return errs.E(errs.Conflict, "err.link_none")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		db.BumpPeopleVersion(tx)
		res, err := tx.ExecContext(ctx, `UPDATE people SET user_id = NULL WHERE id = $1 AND user_id = $2`, p.ID, p.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "err.link_none")
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "person.unlink", ObjectType: "person", ObjectID: p.ID, OrgID: p.OrgID,
			Summary: fmt.Sprintf("user=%d", p.UserID)})
	})
}

// LoginOf names the login linked to a person the actor may read: "" when
// none, and "" with linked true when the account lies outside the actor's
// user.read scope.
func (s *Service) LoginOf(ctx context.Context, by *auth.Actor, users *auth.Service, p *Person) (login string, linked bool) {
	if p.UserID == 0 {
		return "", false
	}
	if u, err := users.FindUserByID(ctx, by, p.UserID); err == nil {
		return u.Login, true
	}
	return "", true
}
