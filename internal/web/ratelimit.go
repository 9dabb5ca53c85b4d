package web

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// IPLimiter limits how often one client address may do something (log in,
// say): a token bucket per address. It is per node, which is enough for
// its purpose (slowing guessing down); the per-account lockout, which must
// hold across nodes, lives in the database.
type IPLimiter struct {
	mu    sync.Mutex
	m     map[string]*ipEntry
	every rate.Limit
	burst int
	now   func() time.Time
}

type ipEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewIPLimiter allows burst actions at once and then one per interval.
func NewIPLimiter(interval time.Duration, burst int, now func() time.Time) *IPLimiter {
	if now == nil {
		now = time.Now
	}
	return &IPLimiter{m: map[string]*ipEntry{}, every: rate.Every(interval), burst: burst, now: now}
}

// Allow reports whether ip may act now, and takes a token if so.
func (l *IPLimiter) Allow(ip string) bool {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.m) > 10000 {
		// Forget addresses idle long enough for their bucket to be full again.
		for k, e := range l.m {
			if now.Sub(e.seen) > time.Duration(l.burst)*time.Duration(float64(time.Second)/float64(l.every)) {
				delete(l.m, k)
			}
		}
	}
	e, ok := l.m[ip]
	if !ok {
		e = &ipEntry{lim: rate.NewLimiter(l.every, l.burst)}
		l.m[ip] = e
	}
	e.seen = now
	return e.lim.AllowN(now, 1)
}
