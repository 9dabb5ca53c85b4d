package db

import "sync"

// VersionCache keeps values under one of the database's version counters
// (see version.go): a request reads the counter with its session and looks
// entries up under the version it read, so it never sees a value older than
// the last committed change, whichever node made it. A newer version
// empties the cache; a request holding an older one neither reads nor
// stores. An empty version (the command line, tests acting without a
// session) bypasses the cache.
type VersionCache[V any] struct {
	mu      sync.Mutex
	version string
	max     int
	m       map[string]V
}

// NewVersionCache returns a cache of at most max entries (full, it starts
// over).
func NewVersionCache[V any](max int) *VersionCache[V] {
	return &VersionCache[V]{max: max, m: map[string]V{}}
}

// Get returns the value stored for key under version.
func (c *VersionCache[V]) Get(version, key string) (V, bool) {
	var zero V
	if version == "" {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return zero, false
	}
	v, ok := c.m[key]
	return v, ok
}

// Put stores v for key under version, unless a newer version is cached.
func (c *VersionCache[V]) Put(version, key string, v V) {
	if version == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		if c.version != "" && !Newer(version, c.version) {
			return // a slow request's old data
		}
		c.version, c.m = version, map[string]V{}
	}
	if len(c.m) >= c.max {
		c.m = map[string]V{}
	}
	c.m[key] = v
}

// Newer compares two decimal version strings.
func Newer(a, b string) bool {
	if len(a) != len(b) {
		return len(a) > len(b)
	}
	return a > b
}
