package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"qinggong/internal/app/apptest"
	"qinggong/internal/org"
)

// TestConcurrentReadsAndWrites runs page reads (through the version-tagged
// caches) while the tree changes; under -race it checks the caches'
// locking, and at the end every reader sees every change.
func TestConcurrentReadsAndWrites(t *testing.T) {
	e := apptest.New(t, "sqlite")
	ctx := context.Background()
	admin, err := e.App.Users.Actor(ctx, e.Users["admin"])
	if err != nil {
		t.Fatal(err)
	}
	u1 := "/orgs/" + strconv.FormatInt(e.Orgs["U1"].ID, 10)
	clients := []*apptest.Client{e.Login("cadre_d1"), e.Login("viewer_u1"), e.Login("admin"), e.Login("org_admin_u1")}
	var wg sync.WaitGroup
	errc := make(chan error, 100)
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := c.For(t)
			for range 40 {
				if r := c.Get(u1); r.StatusCode != http.StatusOK {
					errc <- fmt.Errorf("GET %s: %d", u1, r.StatusCode)
					return
				}
			}
		}()
	}
	for i := range 15 {
		in := org.Input{Name: fmt.Sprintf("并发团支部%02d", i), Code: fmt.Sprintf("CONC-%02d", i), Level: org.LevelBranch}
		if _, err := e.App.Orgs.Create(ctx, admin, e.Orgs["U1"].ID, in); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	for _, c := range clients {
		r := c.Get(u1)
		if !strings.Contains(r.Body, "(16)") || !strings.Contains(r.Body, "并发团支部14") {
			t.Fatalf("after the writes a reader does not see all 16 children:\n%.300s", r.Body)
		}
	}
}
