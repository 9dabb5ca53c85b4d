package app_test

import (
	"context"
	"strings"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
)

// TestModulesFollowOrgMoves: moving a unit to another district rewrites the
// organization paths every module keeps (they decide who reads and manages
// its objects), in the move's own transaction, on both databases.
func TestModulesFollowOrgMoves(t *testing.T) {
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			m := newMatrixEnv(t, name)
			ctx, e := context.Background(), m.e
			root := e.Orgs["C"]
			boot := &auth.Actor{Login: "fixture", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
			oldPath := e.Orgs["U1"].Path
			moved, err := e.App.Orgs.Move(ctx, boot, e.Orgs["U1"].ID, e.Orgs["D2"].ID)
			if err != nil {
				t.Fatal(err)
			}
			cols := []string{"people.org_path", "cadres.org_path", "campaigns.org_path", "nominations.origin_path", "nominations.holder_path",
				"events.org_path", "career_plans.org_path", "talent_recommendations.from_path"}
			for _, tc := range cols {
				table, col, _ := strings.Cut(tc, ".")
				var stale, under int
				q := `SELECT count(*) FROM ` + table + ` WHERE ` + col + ` >= $1 AND ` + col + ` < $2`
				if err := e.App.DB.R().QueryRowContext(ctx, q, oldPath, db.PathUpper(oldPath)).Scan(&stale); err != nil {
					t.Fatal(err)
				}
				if err := e.App.DB.R().QueryRowContext(ctx, q, moved.Path, db.PathUpper(moved.Path)).Scan(&under); err != nil {
					t.Fatal(err)
				}
				if stale != 0 || under == 0 {
					t.Errorf("%s: %d rows left under the old path, %d under the new", tc, stale, under)
				}
			}
			// The district the unit left no longer reads its event; the new one does.
			d2, err := e.App.Users.Actor(ctx, m.users["D2"])
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.App.Events.Get(ctx, d2, m.events["U1"]); err != nil {
				t.Errorf("D2 after the move: %v", err)
			}
			d1, _ := e.App.Users.Actor(ctx, m.users["D1"])
			if _, err := e.App.Events.Get(ctx, d1, m.events["U1"]); err == nil {
				t.Error("D1 still reads the moved unit's event")
			}
		})
	}
}
