package demo_test

import (
	"context"
	"os"
	"testing"
	"time"

	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/demo"
)

// TestCityScale loads the city scale (50,000 organizations). It is slow,
// so it runs only with QG_DEMO_CITY=1 and never with -short.
func TestCityScale(t *testing.T) {
	if testing.Short() || !cityEnabled() {
		t.Skip("set QG_DEMO_CITY=1 (without -short) to load the city scale")
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		// A million people take minutes; a sample checks how they spread
		// over the city tree (`qinggong demo --scale city` loads them all).
		res, took := loadTimed(t, e, demo.Options{Scale: demo.City, Seed: 1, People: 50000})
		t.Logf("city scale on %s: %d organizations, %d regions, %d accounts, %d people in %s", d.Dialect, res.Orgs+1, res.Regions,
			len(res.Accounts), res.People, took)
		rows := e.rows(t)
		if n := len(rows); n < 49000 || n > 51000 || res.Orgs != n-1 {
			t.Fatalf("%d organizations stored; want 50,000 ± 2%%", n)
		}
		checkTree(t, rows)
		if bad, err := e.orgs.CheckRollups(ctx); err != nil || len(bad) > 0 {
			t.Fatalf("CheckRollups = %d bad, %v", len(bad), err)
		}
		checkRegions(t, e, rows, res.Regions, 20, 40)
		checkAudit(t, e)
		checkPeople(t, e, 50000, time.Time{})
	})
}

// cityEnabled reports whether QG_DEMO_CITY asks for the city-scale test.
func cityEnabled() bool { return os.Getenv("QG_DEMO_CITY") == "1" }

func loadTimed(t *testing.T, e *env, opt demo.Options) (demo.Result, time.Duration) {
	t.Helper()
	start := time.Now()
	res := e.load(t, opt)
	return res, time.Since(start).Round(time.Millisecond)
}
