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

// BenchmarkCity measures the two hot reads of the tree at city scale (50,000
// organizations from `demo --scale city`) on every database: counting a
// district's subtree (a rollup column, no scan) and listing one page of its
// children (one index range on (parent_id, code)), as a district cadre whose
// scope filter is applied like on every list.
//
//	go test ./internal/org/ -run '^$' -bench City -benchtime 2000x -count 5
func BenchmarkCity(b *testing.B) {
	ctx := context.Background()
	for _, name := range dbtest.Names() {
		d := dbtest.Open(b, name)
		log := audit.New([]byte("bench-key-bench-key-bench-key-32"), nil)
		orgs := org.New(d, log, nil)
		users := auth.New(d, log, auth.TestHash, nil)
		if _, err := orgs.CreateRoot(ctx); err != nil {
			b.Fatal(err)
		}
		res, err := demo.Load(ctx, demo.Services{DB: d, Orgs: orgs, Users: users, Audit: log}, demo.Options{Scale: "city", Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		root, _ := orgs.Root(ctx)
		admin := &auth.Actor{Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", Paths: []string{root.Path}}}}
		pg, err := orgs.Find(ctx, admin, org.Filter{Parent: root.ID, Level: org.LevelDistrict, Limit: 1})
		if err != nil || len(pg.Orgs) == 0 {
			b.Fatalf("no district: %v", err)
		}
		district := pg.Orgs[0]
		cadre := &auth.Actor{Grants: []auth.Grant{{Role: auth.Cadre, ScopeKind: "org", ScopeID: district.ID, Paths: []string{district.Path}}}}
		b.Logf("%s: %d organizations; district %s has %d descendants, %d children", name, res.Orgs, district.Name, district.Descendants, district.Children)
		b.Run(name+"/subtree_count", func(b *testing.B) {
			for b.Loop() {
				n, err := orgs.SubtreeCount(ctx, cadre, district.ID)
				if err != nil || n != district.Descendants {
					b.Fatalf("count %d, %v", n, err)
				}
			}
		})
		b.Run(name+"/children_page", func(b *testing.B) {
			for b.Loop() {
				p, err := orgs.Find(ctx, cadre, org.Filter{Parent: district.ID, Limit: 20})
				if err != nil || len(p.Orgs) == 0 {
					b.Fatalf("children %d, %v", len(p.Orgs), err)
				}
			}
		})
	}
}
