package org_test

import (
	"context"
	"testing"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/demo"
	"qinggong/internal/org"
)

// BenchmarkCityPick measures the organization picker at city scale (50,000
// organizations) for the city admin, a district cadre and a branch-level
// cadre (the worst case: a short prefix matching thousands of names of
// which few lie in the scope, found by walking the name index).
//
//	go test ./internal/org/ -run '^$' -bench CityPick -benchtime 200x
func BenchmarkCityPick(b *testing.B) {
	ctx := context.Background()
	for _, name := range dbtest.Names() {
		d := dbtest.Open(b, name)
		log := audit.New([]byte("bench-key-bench-key-bench-key-32"), nil)
		orgs := org.New(d, log, nil)
		users := auth.New(d, log, auth.TestHash, nil)
		if _, err := orgs.CreateRoot(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := demo.Load(ctx, demo.Services{DB: d, Orgs: orgs, Users: users, Audit: log}, demo.Options{Scale: "city", Seed: 1}); err != nil {
			b.Fatal(err)
		}
		root, _ := orgs.Root(ctx)
		// A version, as every request has: the picker reads the chosen
		// organizations from the cache.
		admin := &auth.Actor{Version: "bench", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", Paths: []string{root.Path}}}}
		pg, err := orgs.Find(ctx, admin, org.Filter{Parent: root.ID, Level: org.LevelDistrict, Limit: 1})
		if err != nil || len(pg.Orgs) == 0 {
			b.Fatalf("no district: %v", err)
		}
		district := pg.Orgs[0]
		pg, err = orgs.Find(ctx, admin, org.Filter{Under: district.ID, Level: org.LevelUnit, Limit: 1})
		if err != nil || len(pg.Orgs) == 0 {
			b.Fatalf("no unit: %v", err)
		}
		unit := pg.Orgs[0]
		scoped := func(o org.Org) *auth.Actor {
			return &auth.Actor{Version: "bench", Grants: []auth.Grant{{Role: auth.Cadre, ScopeKind: "org", ScopeID: o.ID, Paths: []string{o.Path}}}}
		}
		b.Logf("%s: district %s (%d below), unit %s (%d below)", name, district.Name, district.Descendants, unit.Name, unit.Descendants)
		for _, c := range []struct {
			who string
			by  *auth.Actor
			q   string
		}{
			{"city", admin, "上海"}, {"city", admin, "sh"}, {"district", scoped(district), "上"},
			{"district", scoped(district), "s"}, {"unit", scoped(unit), "上"}, {"unit", scoped(unit), "z"},
		} {
			b.Run(name+"/"+c.who+"/"+c.q, func(b *testing.B) {
				for b.Loop() {
					if _, err := orgs.Pick(ctx, c.by, org.Pick{Query: c.q}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
