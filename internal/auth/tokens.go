package auth

import (
	"context"
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

// RevokeTokens revokes every token of a user.
func (s *Service) RevokeTokens(ctx context.Context, userID int64) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, s.Now(), userID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "token.revoke", ObjectType: "user", ObjectID: userID})
	})
}

// TokenActor returns the actor of a bearer token: Unauthorized when it is
// unknown, revoked, expired or its user disabled.
func (s *Service) TokenActor(ctx context.Context, tok string) (*Actor, error) {
	unauth := errs.E(errs.Unauthorized, "err.token_invalid")
	if !strings.HasPrefix(tok, TokenPrefix) {
		return nil, unauth
	}
	a := &Actor{Via: "token"}
	var expires time.Time
	var revoked, disabled bool
	var version string
	err := s.db.R().QueryRowContext(ctx, `SELECT t.user_id, t.expires_at, t.revoked_at IS NOT NULL, u.login, u.name, u.org_id, u.disabled, `+db.VersionSQL+`
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`, hashToken(tok)).
		Scan(&a.UserID, &expires, &revoked, &a.Login, &a.Name, &a.OrgID, &disabled, &version)
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
