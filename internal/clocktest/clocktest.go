// Package clocktest is a fake clock for tests: services take a
// now func() time.Time, and tests pass Clock.Now and move it by hand.
package clocktest

import (
	"sync"
	"time"
)

// Clock is a clock that moves only when told. It is safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Start is the instant every test clock starts at unless told otherwise.
var Start = time.Date(2025, 3, 1, 4, 0, 0, 0, time.UTC)

// New returns a clock standing at Start.
func New() *Clock { return &Clock{t: Start} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
