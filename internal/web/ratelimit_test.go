package web

import (
	"testing"
	"time"
)

func TestIPLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewIPLimiter(2*time.Second, 3, func() time.Time { return now })
	for i := range 3 {
		if !l.Allow("10.0.0.1") {
			t.Fatalf("attempt %d refused inside the burst", i+1)
		}
	}
	if l.Allow("10.0.0.1") {
		t.Fatal("4th attempt at once allowed")
	}
	if !l.Allow("10.0.0.2") {
		t.Fatal("another address is limited too")
	}
	now = now.Add(2 * time.Second)
	if !l.Allow("10.0.0.1") {
		t.Fatal("a token did not come back after the interval")
	}
}
