package skills

import (
	"testing"
	"time"
)

// dayOf reads the dates the programme's queries give back: a time, a day,
// or an aggregate's time as SQLite returns it (text).
func TestDayOf(t *testing.T) {
	utc := time.Date(2025, 4, 30, 17, 30, 0, 0, time.UTC) // 1 May in Shanghai
	for _, c := range []struct {
		in   any
		want string
	}{
		{utc, "2025-05-01"},
		{"2025-04-20", "2025-04-20"},
		{"2025-04-30 17:30:00+00:00", "2025-05-01"},
		{"2025-04-30 17:30:00.123456789+00:00", "2025-05-01"},
		{"2025-04-30T17:30:00Z", "2025-05-01"},
		{[]byte("2025-04-30 17:30:00"), "2025-05-01"},
		{nil, ""},
	} {
		if got := dayOf(c.in); got != c.want {
			t.Errorf("dayOf(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}
