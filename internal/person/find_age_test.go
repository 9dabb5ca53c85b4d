package person_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"qinggong/internal/person"
)

// advanceTo moves the clock to noon (Asia/Shanghai) of day (YYYY-MM-DD).
func (f *fixture) advanceTo(t *testing.T, day string) {
	t.Helper()
	target, err := time.Parse(time.RFC3339, day+"T12:00:00+08:00")
	if err != nil {
		t.Fatal(err)
	}
	if d := target.Sub(f.clock.Now()); d < 0 {
		t.Fatalf("clock is past %s", day)
	} else {
		f.clock.Advance(d)
	}
}

// TestFindAgeMatchesAge checks that the age filters select exactly the
// people whose Person.Age is in range, on ordinary days, on both sides of
// a birthday, and around 29 February (leap and common years).
func TestFindAgeMatchesAge(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		var people []*person.Person
		for _, birth := range []string{"19990302", "20000228", "20000229", "20000301", "20010228", "20010301",
			"20030228", "20030301", "20040229", "20040301"} {
			in := person.Input{Name: "生" + birth, OrgID: f.d1.ID, IDNumber: f.idNumber(birth, true)}
			people = append(people, f.create(t, f.admin, in))
		}
		for _, day := range []string{"2025-03-01", "2025-03-02", "2028-02-28", "2028-02-29", "2028-03-01", "2029-02-28", "2029-03-01"} {
			t.Run(day, func(t *testing.T) {
				f.advanceTo(t, day)
				now := f.clock.Now()
				match := func(lo, hi int) string {
					var out []string
					for _, p := range people {
						if a := p.Age(now); (lo == 0 || a >= lo) && (hi == 0 || a <= hi) {
							out = append(out, p.Name)
						}
					}
					slices.Sort(out)
					return fmt.Sprint(out)
				}
				var bad []string
				for k := 20; k <= 31; k++ {
					for _, r := range [][2]int{{k, k}, {k, 0}, {0, k}} {
						fl := person.Filter{AgeMin: r[0], AgeMax: r[1]}
						if got, want := f.names(t, f.admin, fl), match(r[0], r[1]); got != want {
							bad = append(bad, fmt.Sprintf("AgeMin %d AgeMax %d: got %s, want %s", r[0], r[1], got, want))
						}
					}
				}
				if len(bad) > 0 {
					t.Errorf("age filter disagrees with Person.Age on %s:\n%s", day, strings.Join(bad, "\n"))
				}
			})
		}
	})
}

// TestFindIDLowerX finds a person by an ID number typed with a lower-case
// check character.
func TestFindIDLowerX(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		number, _ := idEnding123X(t)
		f.create(t, f.admin, person.Input{Name: "查找", OrgID: f.b1.ID, IDNumber: number})
		f.add(t, "别人", f.b1)
		for _, q := range []string{number, strings.ToLower(number), " " + strings.ToLower(number) + " "} {
			if got := f.names(t, f.cadre1, person.Filter{Query: q}); got != "[查找]" {
				t.Errorf("query %q finds %s", q, got)
			}
		}
	})
}
