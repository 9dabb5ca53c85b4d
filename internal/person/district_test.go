package person_test

import (
	"testing"

	"qinggong/internal/person"
)

// The district-led indexes are written by SQL (the index expression) and
// read by Go (the districts a query names): both must agree on every path.
func TestDistrictOfAgreesWithSQL(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"/1/":                "/1/",
		"/1/12/":             "/1/12/",
		"/1/12/345/":         "/1/12/",
		"/1/12/345/6789/10/": "/1/12/",
		"/17/3/":             "/17/3/",
		"/17/":               "/17/",
	}
	each(t, func(t *testing.T, f *fixture) {
		for path, want := range cases {
			if got := person.DistrictOf(path); got != want {
				t.Errorf("DistrictOf(%q) = %q, want %q", path, got, want)
			}
			var got string
			err := f.d.R().QueryRowContext(f.ctx, `SELECT `+person.DistrictSQL(f.d.Dialect)+
				` FROM (SELECT CAST($1 AS TEXT) AS org_path) t`, path).Scan(&got)
			if err != nil || got != want {
				t.Errorf("SQL district of %q = %q, %v; want %q", path, got, err, want)
			}
		}
	})
}
