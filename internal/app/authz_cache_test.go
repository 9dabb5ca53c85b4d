package app_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"qinggong/internal/app/apptest"
	"qinggong/internal/db/dbtest"
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
