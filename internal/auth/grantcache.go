package auth

import (
	"context"
	"sync"
	"time"

	"qinggong/internal/db"
)

// The grants of an actor are read on every request, so they are cached in
// memory under the database's authorization version: a counter that every
// change to grants, region members or the tree's paths bumps in its own
// transaction (BumpAuthz). Each request reads the counter with its session,
// so a revoked grant stops working on the very next request, on every node.

// authzVersionSQL reads the counter inside another query.
const authzVersionSQL = `COALESCE((SELECT value FROM settings WHERE key = 'authz_version'), '0')`

// BumpAuthz invalidates every cached grant set; call it inside the
// transaction that changes grants, region members or organization paths.
func BumpAuthz(ctx context.Context, tx *db.Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('authz_version', '1')
		ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(settings.value AS INTEGER) + 1 AS TEXT)`)
	return err
}

type grantEntry struct {
	version string
	until   time.Time // the earliest expiry among the grants
	grants  []Grant
}

type grantCache struct {
	mu sync.Mutex
	m  map[int64]grantEntry
}

const maxGrantEntries = 20000

// grantsFor fills a.Grants, from the cache when it holds the current version.
func (s *Service) grantsFor(ctx context.Context, a *Actor, version string) error {
	now := s.Now()
	s.grants.mu.Lock()
	e, ok := s.grants.m[a.UserID]
	s.grants.mu.Unlock()
	if ok && e.version == version && now.Before(e.until) {
		a.Grants = e.grants
		return nil
	}
	if err := s.loadActor(ctx, s.db.R(), a); err != nil {
		return err
	}
	until := now.Add(time.Hour)
	for _, g := range a.Grants {
		if g.ExpiresAt != nil && g.ExpiresAt.Before(until) {
			until = *g.ExpiresAt
		}
	}
	s.grants.mu.Lock()
	if s.grants.m == nil || len(s.grants.m) >= maxGrantEntries {
		s.grants.m = map[int64]grantEntry{}
	}
	s.grants.m[a.UserID] = grantEntry{version: version, until: until, grants: a.Grants}
	s.grants.mu.Unlock()
	return nil
}
