package org

import (
	"context"
	"sync"

	"qinggong/internal/db"
)

// orgCache keeps organizations by ID under the database's cache version
// (db.BumpVersion): every write to the tree bumps it, and a request looks
// entries up under the version it read with its session, so it never sees
// an organization older than the last committed change. The organization
// page reads its organization and every ancestor this way.
type orgCache struct {
	mu      sync.Mutex
	version string
	m       map[int64]Org
	pages   map[string]Page // pages of children, by parent and paging
}

// maxCachedOrgs bounds memory (an Org is a few hundred bytes).
const maxCachedOrgs = 100000

// cachedByID returns the organization from the cache when it was loaded
// under version, else from the database. An empty version (the command
// line, tests acting without a session) always reads the database.
func (s *Service) cachedByID(ctx context.Context, version string, id int64) (*Org, error) {
	if version == "" {
		return byID(ctx, s.db.R(), id)
	}
	c := &s.cache
	c.mu.Lock()
	if c.version == version {
		if o, ok := c.m[id]; ok {
			c.mu.Unlock()
			return &o, nil
		}
	}
	c.mu.Unlock()
	o, err := byID(ctx, s.db.R(), id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.version != version || len(c.m) >= maxCachedOrgs {
		c.reset(version)
	}
	if c.version == version {
		c.m[id] = *o
	}
	c.mu.Unlock()
	return o, nil
}

// reset empties the cache for a newer version (or when full); entries of an
// older version are never mixed in: a slow request that read an old version
// simply does not store. Call with mu held.
func (c *orgCache) reset(version string) {
	if c.version == "" || db.Newer(version, c.version) || len(c.m) >= maxCachedOrgs || len(c.pages) >= maxCachedPages {
		c.version, c.m, c.pages = version, map[int64]Org{}, map[string]Page{}
	}
}

// maxCachedPages bounds the cached pages of children.
const maxCachedPages = 20000

func (c *orgCache) page(version, key string) (Page, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return Page{}, false
	}
	p, ok := c.pages[key]
	return p, ok
}

func (c *orgCache) putPage(version, key string, p Page) {
	p.Orgs = p.Orgs[:len(p.Orgs):len(p.Orgs)] // callers' appends must not write into the cache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version || len(c.pages) >= maxCachedPages {
		c.reset(version)
	}
	if c.version == version {
		c.pages[key] = p
	}
}
