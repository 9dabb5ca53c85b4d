package auth

import (
	"context"
	"fmt"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// NewGrant is the input to GrantRole. ScopeKind is "org" or "region" for
// business roles; officer roles are always global.
type NewGrant struct {
	UserID    int64
	Role      Role
	ScopeKind string
	ScopeID   int64
	ExpiresAt *time.Time
}

// GrantRole grants a role, enforcing 三员分立: officer roles only by the
// security admin, never to oneself, never beside another role; business
// roles only inside the granter's UserWrite scope and never to an officer.
func (s *Service) GrantRole(ctx context.Context, by *Actor, g NewGrant) (int64, error) {
	// The target's scope is checked before the input, so that a user
	// outside the granter's scope answers NotFound whatever the body says.
	target, err := s.userByID(ctx, s.db.R(), g.UserID)
	if err != nil {
		return 0, err
	}
	if !by.Can(UserRead, target.OrgPath) && !by.Can(SecurityAdmin, "") {
		return 0, ErrUserNotFound
	}
	if !g.Role.Valid() {
		return 0, (errs.Fields{"role": "err.role_unknown"}).Err()
	}
	if g.UserID == by.UserID {
		return 0, errs.E(errs.Forbidden, "err.grant_self")
	}
	held := &Actor{UserID: g.UserID}
	if err := s.loadActor(ctx, s.db.R(), held); err != nil {
		return 0, err
	}
	var scopePath string
	if g.Role.Officer() {
		if !by.Can(SecurityAdmin, "") {
			return 0, errs.E(errs.Forbidden, "err.forbidden")
		}
		if len(held.Grants) > 0 {
			return 0, errs.E(errs.Conflict, "err.officer_exclusive")
		}
		g.ScopeKind, g.ScopeID = "global", 0
	} else {
		if held.Officer() != "" {
			return 0, errs.E(errs.Conflict, "err.officer_exclusive")
		}
		switch g.ScopeKind {
		case "org":
			scopePath, err = orgPath(ctx, s.db.R(), g.ScopeID)
		case "region":
			// An archived region takes no new grants (its grants confer nothing).
			err = s.db.R().QueryRowContext(ctx, `SELECT o.path FROM regions r JOIN orgs o ON o.id = r.org_id
				WHERE r.id = $1 AND r.status = 'active'`, g.ScopeID).Scan(&scopePath)
			if err == db.ErrNoRows {
				err = nil
			}
		default:
			return 0, (errs.Fields{"scope_kind": "err.scope_kind"}).Err()
		}
		if err != nil {
			return 0, err
		}
		if scopePath == "" || !by.Can(UserWrite, scopePath) {
			return 0, (errs.Fields{"scope_id": "err.scope_outside"}).Err()
		}
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO grants (user_id, role, scope_kind, scope_id, granted_by, granted_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, g.UserID, g.Role, g.ScopeKind, g.ScopeID, nullID(by.UserID), s.Now(), g.ExpiresAt).Scan(&id)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "err.grant_exists")
		}
		if err != nil {
			return err
		}
		if g.Role.Officer() {
			// Re-check inside the transaction: two concurrent officer grants
			// to one user must not both succeed.
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM grants WHERE user_id = $1`, g.UserID).Scan(&n); err != nil {
				return err
			}
			if n > 1 {
				return errs.E(errs.Conflict, "err.officer_exclusive")
			}
		}
		if err := db.BumpVersion(ctx, tx); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "grant.create", ObjectType: "user", ObjectID: g.UserID, OrgID: target.OrgID,
			Summary: fmt.Sprintf("role=%s scope=%s:%d", g.Role, g.ScopeKind, g.ScopeID)})
	})
	return id, err
}

// RevokeGrant removes a grant under the same rules as granting it.
func (s *Service) RevokeGrant(ctx context.Context, by *Actor, grantID int64) error {
	var g NewGrant
	err := s.db.R().QueryRowContext(ctx, `SELECT user_id, role, scope_kind, scope_id FROM grants WHERE id = $1`, grantID).
		Scan(&g.UserID, &g.Role, &g.ScopeKind, &g.ScopeID)
	if err == db.ErrNoRows {
		return errs.ErrNotFound
	}
	if err != nil {
		return err
	}
	target, err := s.userByID(ctx, s.db.R(), g.UserID)
	if err != nil {
		return err
	}
	if g.Role.Officer() {
		if !by.Can(SecurityAdmin, "") {
			return errs.E(errs.Forbidden, "err.forbidden")
		}
	} else {
		var scopePath string
		if g.ScopeKind == "org" {
			scopePath, err = orgPath(ctx, s.db.R(), g.ScopeID)
		} else {
			err = s.db.R().QueryRowContext(ctx, `SELECT o.path FROM regions r JOIN orgs o ON o.id = r.org_id WHERE r.id = $1`, g.ScopeID).Scan(&scopePath)
		}
		if err != nil && err != db.ErrNoRows {
			return err
		}
		if !by.Can(UserWrite, scopePath) {
			return errs.ErrNotFound
		}
	}
	if g.UserID == by.UserID {
		return errs.E(errs.Forbidden, "err.grant_self")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM grants WHERE id = $1`, grantID); err != nil {
			return err
		}
		if err := db.BumpVersion(ctx, tx); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "grant.revoke", ObjectType: "user", ObjectID: g.UserID, OrgID: target.OrgID,
			Summary: fmt.Sprintf("role=%s scope=%s:%d", g.Role, g.ScopeKind, g.ScopeID)})
	})
}

// nullID stores 0 (the command line, bootstrap) as NULL for foreign keys.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
