package auth

import (
	"context"
	"sync"
	"time"
)

// The grants of an actor are read on every request, so they are cached in
// memory under the database's cache version (db.BumpVersion): every change
// to grants, region members or the tree's paths bumps it in its own
// transaction, and each request reads it with its session, so a revoked
// grant stops working on the very next request, on every node.

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
