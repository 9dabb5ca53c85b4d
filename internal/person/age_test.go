package person

import (
	"testing"
	"time"
)

func TestAgeOn(t *testing.T) {
	at := func(s string) time.Time {
		d, _ := time.ParseInLocation(time.DateOnly, s, shanghai)
		return d.Add(12 * time.Hour)
	}
	for _, c := range []struct {
		birth, day string
		want       int
	}{
		{"2000-02-29", "2026-02-28", 25},
		{"2000-02-29", "2026-03-01", 26},
		{"1998-11-27", "2026-11-27", 28},
		{"1998-11-28", "2026-11-27", 27},
		{"1998-12-01", "2026-11-27", 27},
		{"1998/11/27", "2026-11-27", 0},
		{"19981127", "2026-11-27", 0},
		{"", "2026-11-27", 0},
	} {
		if got := ageOn(c.birth, at(c.day)); got != c.want {
			t.Errorf("ageOn(%q, %s) = %d, want %d", c.birth, c.day, got, c.want)
		}
	}
	// Midnight in Shanghai is still the previous day in UTC: the birthday counts from Shanghai's.
	if got := ageOn("1998-11-27", time.Date(2026, 11, 26, 16, 30, 0, 0, time.UTC)); got != 28 {
		t.Errorf("00:30 in Shanghai on the birthday = %d, want 28", got)
	}
}
