package auth

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// TokenPrefix marks Qinggong personal access tokens, so a leaked one is easy
// to recognise in scans.
const TokenPrefix = "qgp_"

// CreateToken issues a personal access token for the API. Only its hash is
// stored; the token itself is returned once.
func (s *Service) CreateToken(ctx context.Context, userID int64, name string, ttl time.Duration) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "api"
	}
	if ttl <= 0 || ttl > 366*24*time.Hour {
		return "", (errs.Fields{"ttl": "err.ttl_range"}).Err()
	}
	u, err := s.userByID(ctx, s.db.R(), userID)
	if err != nil {
		return "", err
	}
	tok := TokenPrefix + NewToken()
	now := s.Now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, userID, name, hashToken(tok), now, now.Add(ttl)).Scan(&id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "token.create", ObjectType: "api_token", ObjectID: id, OrgID: u.OrgID,
			Summary: "user=" + u.Login + " name=" + audit.Clean(name)})
	})
	return tok, err
}

// SignOut ends every session and revokes every API token of a user
// (security admin). It is audited.
func (s *Service) SignOut(ctx context.Context, by *Actor, userID int64) error {
	if !by.Can(SecurityAdmin, "") {
		return errs.E(errs.Forbidden, "err.forbidden")
	}
	u, err := s.userByID(ctx, s.db.R(), userID)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := endSessions(ctx, tx, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, s.Now(), userID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "user.signout", ObjectType: "user", ObjectID: userID, OrgID: u.OrgID,
			Summary: "sessions ended, tokens revoked"})
	})
}

// TokenActor returns the actor of a bearer token: Unauthorized when it is
// unknown, revoked, expired or its user disabled. The actor's MustChange
// is its user's, so the router can refuse the API to an account whose
// password was reset until it is changed.
func (s *Service) TokenActor(ctx context.Context, tok string) (*Actor, error) {
	unauth := errs.E(errs.Unauthorized, "err.token_invalid")
	if !strings.HasPrefix(tok, TokenPrefix) {
		return nil, unauth
	}
	a := &Actor{Via: "token"}
	var expires time.Time
	var revoked, disabled bool
	var version string
	err := s.db.R().QueryRowContext(ctx, `SELECT t.user_id, t.expires_at, t.revoked_at IS NOT NULL, u.login, u.name, u.org_id, u.must_change, u.disabled, `+db.VersionSQL+`,
		`+db.PeopleVersionSQL+`, `+db.CampaignVersionSQL+`, `+db.CreditsVersionSQL+` FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`, hashToken(tok)).
		Scan(&a.UserID, &expires, &revoked, &a.Login, &a.Name, &a.OrgID, &a.MustChange, &disabled, &version, &a.PeopleVersion, &a.CampaignVersion, &a.CreditsVersion)
	if errors.Is(err, db.ErrNoRows) {
		return nil, unauth
	}
	if err != nil {
		return nil, err
	}
	if revoked || disabled || !expires.After(s.Now()) {
		return nil, unauth
	}
	a.Version = version
	return a, s.grantsFor(ctx, a, version)
}

// Token is a personal access token as listed to its owner (never the token itself).
type Token struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// Active reports whether the token still works at now.
func (t Token) Active(now time.Time) bool { return t.RevokedAt == nil && t.ExpiresAt.After(now) }

// ListTokens lists a user's tokens, newest first.
func (s *Service) ListTokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT id, name, created_at, expires_at, revoked_at FROM api_tokens
		WHERE user_id = $1 ORDER BY id DESC LIMIT 200`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var revoked sql.NullTime
		if err := rows.Scan(&t.ID, &t.Name, &t.CreatedAt, &t.ExpiresAt, &revoked); err != nil {
			return nil, err
		}
		if revoked.Valid {
			t.RevokedAt = &revoked.Time
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes one of the user's own tokens; another user's token is NotFound.
func (s *Service) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL`,
			s.Now(), tokenID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrNotFound
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "token.revoke", ObjectType: "api_token", ObjectID: tokenID})
	})
}
