package app_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/app/apptest"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/org"
)

// TestGrantCacheFollowsChanges: grants are cached in memory, so every change
// that alters what a grant covers must take effect on the very next request.
func TestGrantCacheFollowsChanges(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			e := apptest.New(t, name)
			admin, err := e.App.Users.Actor(ctx, e.Users["admin"])
			if err != nil {
				t.Fatal(err)
			}
			orgURL := func(k string) string { return "/orgs/" + strconv.FormatInt(e.Orgs[k].ID, 10) }

			// A region member removed: the region viewer loses it at once.
			viewer := e.Login("viewer_r1")
			if r := viewer.Get(orgURL("U1")); r.StatusCode != http.StatusOK {
				t.Fatalf("region viewer on U1 before: %d", r.StatusCode)
			}
			if err := e.App.Orgs.RemoveMember(ctx, admin, e.Region.ID, e.Orgs["U1"].ID); err != nil {
				t.Fatal(err)
			}
			if r := viewer.Get(orgURL("U1")); r.StatusCode != http.StatusNotFound {
				t.Fatalf("region viewer on U1 after removal: %d, want 404", r.StatusCode)
			}
			// And gains one added.
			if err := e.App.Orgs.AddMember(ctx, admin, e.Region.ID, e.Orgs["U2"].ID); err != nil {
				t.Fatal(err)
			}
			if r := viewer.Get(orgURL("B2")); r.StatusCode != http.StatusOK {
				t.Fatalf("region viewer on B2 after adding U2: %d, want 200", r.StatusCode)
			}

			// A subtree moved out of a cadre's district leaves the cadre's scope,
			// and a grant held on the moved unit follows it.
			cadre, unitCadre := e.Login("cadre_d1"), e.Login("cadre_u1")
			if r := cadre.Get(orgURL("B1")); r.StatusCode != http.StatusOK {
				t.Fatalf("cadre_d1 on B1 before: %d", r.StatusCode)
			}
			if _, err := e.App.Orgs.Move(ctx, admin, e.Orgs["U1"].ID, e.Orgs["D2"].ID); err != nil {
				t.Fatal(err)
			}
			if r := cadre.Get(orgURL("B1")); r.StatusCode != http.StatusNotFound {
				t.Fatalf("cadre_d1 on B1 after the move: %d, want 404", r.StatusCode)
			}
			if r := unitCadre.Get(orgURL("B1")); r.StatusCode != http.StatusOK {
				t.Fatalf("cadre_u1 on B1 after the move: %d, want 200", r.StatusCode)
			}
		})
	}
}

// TestOrgCacheFollowsChanges: organizations are cached under the cache
// version; a rename, a new child or an archive shows on the next request.
func TestOrgCacheFollowsChanges(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			e := apptest.New(t, name)
			admin, err := e.App.Users.Actor(ctx, e.Users["admin"])
			if err != nil {
				t.Fatal(err)
			}
			c := e.Login("cadre_d1")
			u1 := "/orgs/" + strconv.FormatInt(e.Orgs["U1"].ID, 10)
			b1 := "/orgs/" + strconv.FormatInt(e.Orgs["B1"].ID, 10)
			if r := c.Get(b1); !strings.Contains(r.Body, "U1团委") {
				t.Fatalf("B1's breadcrumbs lack U1: %d", r.StatusCode)
			}
			in := org.Input{Name: "改名后的团委", Code: e.Orgs["U1"].Code, Level: org.LevelUnit}
			if _, err := e.App.Orgs.Update(ctx, admin, e.Orgs["U1"].ID, in); err != nil {
				t.Fatal(err)
			}
			if r := c.Get(b1); !strings.Contains(r.Body, "改名后的团委") || strings.Contains(r.Body, "U1团委") {
				t.Fatal("breadcrumbs still show the old name after the rename")
			}
			if _, err := e.App.Orgs.Create(ctx, admin, e.Orgs["U1"].ID, org.Input{Name: "新团支部", Code: "CACHE-NEW", Level: org.LevelBranch}); err != nil {
				t.Fatal(err)
			}
			if r := c.Get(u1); !strings.Contains(r.Body, "新团支部") || !strings.Contains(r.Body, "(2)") {
				t.Fatal("U1's page does not show its new child and count")
			}
			if _, err := e.App.Orgs.Archive(ctx, admin, e.Orgs["B1"].ID); err != nil {
				t.Fatal(err)
			}
			if r := c.Get(b1); !strings.Contains(r.Body, "已撤销") {
				t.Fatal("B1's page does not show it archived")
			}
		})
	}
}
