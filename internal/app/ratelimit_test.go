package app_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"qinggong/internal/app/apptest"
)

// TestLoginRateLimitedPerAddress: guessing across many logins from one
// address is slowed down (429 with Retry-After) even though no single
// account reaches its lockout.
func TestLoginRateLimitedPerAddress(t *testing.T) {
	e := apptest.New(t, "sqlite")
	c := e.Anon()
	for i := range 30 {
		r := c.PostForm("/login", url.Values{"login": {"nobody" + strconv.Itoa(i)}, "password": {"Wrong-Pass-123"}})
		if r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d, want 401", i+1, r.StatusCode)
		}
	}
	r := c.PostForm("/login", url.Values{"login": {"admin"}, "password": {apptest.Password}})
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("31st attempt: %d (Retry-After %q), want 429", r.StatusCode, r.Header.Get("Retry-After"))
	}
}
