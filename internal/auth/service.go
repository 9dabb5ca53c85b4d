// Package auth holds accounts, passwords, sessions, API tokens, role grants
// and the one authorization decision (Actor.Can / Actor.Scope).
package auth

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/db"
)

// Service is the accounts service. Construct with New.
type Service struct {
	db     *db.DB
	audit  *audit.Log
	hash   HashParams
	dummy  string
	now    func() time.Time
	grants grantCache

	// IdleTimeout and Absolute bound a session's life (30 min, 12 h by default).
	IdleTimeout time.Duration
	Absolute    time.Duration
	// LockAfter failures within LockWindow lock the account for LockFor.
	LockAfter  int
	LockWindow time.Duration
	LockFor    time.Duration
}

// New returns a Service; now may be nil for time.Now.
func New(d *db.DB, a *audit.Log, hash HashParams, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: d, audit: a, hash: hash, dummy: dummyHash(hash), now: now,
		IdleTimeout: 30 * time.Minute, Absolute: 12 * time.Hour,
		LockAfter: 5, LockWindow: 15 * time.Minute, LockFor: 15 * time.Minute}
}

// Now is the service's clock, UTC.
func (s *Service) Now() time.Time { return s.now().UTC() }

// hashToken is how session and API tokens are stored: only their SHA-256.
func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// orgPath returns the materialized path of org id, "" when it does not exist.
func orgPath(ctx context.Context, q db.Q, id int64) (string, error) {
	var p string
	err := q.QueryRowContext(ctx, `SELECT path FROM orgs WHERE id = $1`, id).Scan(&p)
	if err == db.ErrNoRows {
		return "", nil
	}
	return p, err
}

// loadActor reads a user's grants and resolves them to paths. A grant on an
// archived region resolves to nothing (org.Service.ArchiveRegion).
func (s *Service) loadActor(ctx context.Context, q db.Q, a *Actor) error {
	now := s.Now()
	rows, err := q.QueryContext(ctx, `
		SELECT g.id, g.role, g.scope_kind, g.scope_id, g.expires_at, COALESCE(o.path, '')
		FROM grants g LEFT JOIN orgs o ON g.scope_kind = 'org' AND o.id = g.scope_id
		WHERE g.user_id = $1 AND (g.expires_at IS NULL OR g.expires_at > $2) AND g.scope_kind <> 'region'
		UNION ALL
		SELECT g.id, g.role, g.scope_kind, g.scope_id, g.expires_at, o.path
		FROM grants g JOIN regions r ON r.id = g.scope_id AND r.status = 'active'
		JOIN region_members m ON m.region_id = g.scope_id JOIN orgs o ON o.id = m.org_id
		WHERE g.user_id = $1 AND (g.expires_at IS NULL OR g.expires_at > $2) AND g.scope_kind = 'region'
		ORDER BY 1`, a.UserID, now)
	if err != nil {
		return err
	}
	defer rows.Close()
	a.Grants = nil // a fresh slice: the cache may share the previous one
	for rows.Next() {
		var g Grant
		var path string
		var exp sql.NullTime
		if err := rows.Scan(&g.ID, &g.Role, &g.ScopeKind, &g.ScopeID, &exp, &path); err != nil {
			return err
		}
		if exp.Valid {
			g.ExpiresAt = &exp.Time
		}
		if n := len(a.Grants); n > 0 && a.Grants[n-1].ID == g.ID {
			a.Grants[n-1].Paths = append(a.Grants[n-1].Paths, path)
			continue
		}
		if path != "" {
			g.Paths = []string{path}
		}
		a.Grants = append(a.Grants, g)
	}
	return rows.Err()
}

// Actor loads the actor for user id (the command line acts as a user this way).
func (s *Service) Actor(ctx context.Context, userID int64) (*Actor, error) {
	a := &Actor{UserID: userID, Via: "cli"}
	err := s.db.R().QueryRowContext(ctx, `SELECT login, name, org_id FROM users WHERE id = $1`, userID).
		Scan(&a.Login, &a.Name, &a.OrgID)
	if errors.Is(err, db.ErrNoRows) {
		return nil, ErrUserNotFound
	}
	if err != nil {
		return nil, err
	}
	return a, s.loadActor(ctx, s.db.R(), a)
}

// WithAuditMeta adds the actor's identity to the audit metadata in ctx.
func WithAuditMeta(ctx context.Context, a *Actor) context.Context {
	m := audit.MetaFrom(ctx)
	if a != nil {
		m.ActorID, m.Login, m.Role, m.OrgID = a.UserID, a.Login, a.MainRole(), a.OrgID
	}
	return audit.WithMeta(ctx, m)
}
