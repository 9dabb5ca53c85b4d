package org_test

import (
	"fmt"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/org"
)

func (f *fixture) region(t *testing.T, owner *org.Org, name string) *org.Region {
	t.Helper()
	r, err := f.orgs.CreateRegion(f.ctx, f.admin, org.RegionInput{OrgID: owner.ID, Name: name})
	if err != nil {
		t.Fatalf("create region %s: %v", name, err)
	}
	return r
}

func (f *fixture) members(t *testing.T, r *org.Region) (stored int, listed string) {
	t.Helper()
	got, err := f.orgs.FindRegionByID(f.ctx, f.admin, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.orgs.RegionMembers(f.ctx, f.admin, r.ID, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	return got.Members, fmt.Sprint(codes(p.Orgs))
}

func regionNames(rs []org.Region) string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name+"@"+r.OrgName)
	}
	return fmt.Sprint(out)
}

func TestRegions(t *testing.T) {
	t.Parallel()
	t.Run("Create", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			mark := f.mark(t)
			r, err := f.orgs.CreateRegion(f.ctx, f.admin, org.RegionInput{OrgID: f.root.ID, Name: "  Riverside ", Description: "along the river"})
			if err != nil {
				t.Fatal(err)
			}
			if r.Name != "Riverside" || r.OrgID != f.root.ID || r.OrgPath != f.root.Path || r.Members != 0 ||
				r.Description != "along the river" || !r.CreatedAt.Equal(f.clock.Now()) {
				t.Errorf("region = %+v", r)
			}
			f.wantAudit(t, mark, "region.create", r.ID)

			mark = f.mark(t)
			_, err = f.orgs.CreateRegion(f.ctx, f.admin, org.RegionInput{OrgID: f.root.ID, Name: "Riverside"})
			wantFields(t, err, map[string]string{"name": "err.name_taken"})
			f.wantNoAudit(t, mark)

			// The same name under another owner is a different region.
			if _, err := f.orgs.CreateRegion(f.ctx, f.admin, org.RegionInput{OrgID: f.d1.ID, Name: "Riverside"}); err != nil {
				t.Errorf("same name, other owner: %v", err)
			}

			_, err = f.orgs.CreateRegion(f.ctx, f.admin, org.RegionInput{OrgID: f.root.ID, Name: " "})
			wantFields(t, err, map[string]string{"name": "err.required"})
			_, err = f.orgs.CreateRegion(f.ctx, f.admin, org.RegionInput{OrgID: 999999, Name: "Nowhere"})
			wantFields(t, err, map[string]string{"org_id": "err.org_unknown"})
			// A cadre reads regions but does not create them.
			cadre := f.actor(t, "d1.cadre", f.d1.ID, auth.Cadre, "org", f.d1.ID)
			_, err = f.orgs.CreateRegion(f.ctx, cadre, org.RegionInput{OrgID: f.d1.ID, Name: "Campus"})
			wantFields(t, err, map[string]string{"org_id": "err.org_unknown"})
		})
	})
	t.Run("Members", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			city := f.region(t, f.root, "Riverside")
			for _, o := range []*org.Org{f.u3, f.u1} {
				mark := f.mark(t)
				if err := f.orgs.AddMember(f.ctx, f.admin, city.ID, o.ID); err != nil {
					t.Fatalf("add %s: %v", o.Code, err)
				}
				f.wantAudit(t, mark, "region.member.add", city.ID)
			}
			if n, list := f.members(t, city); n != 2 || list != "[U1 U3]" {
				t.Errorf("members = %d %s, want 2 [U1 U3]", n, list)
			}
			p, err := f.orgs.RegionMembers(f.ctx, f.admin, city.ID, "", 1)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(codes(p.Orgs)) != "[U1]" || p.Next != "U1" {
				t.Errorf("first page = %v next %q", codes(p.Orgs), p.Next)
			}
			if p, err = f.orgs.RegionMembers(f.ctx, f.admin, city.ID, p.Next, 1); err != nil || fmt.Sprint(codes(p.Orgs)) != "[U3]" || p.Next != "" {
				t.Errorf("second page = %v next %q, %v", codes(p.Orgs), p.Next, err)
			}

			mark := f.mark(t)
			err = f.orgs.AddMember(f.ctx, f.admin, city.ID, f.u1.ID)
			wantFields(t, err, map[string]string{"org_id": "err.region_member_exists"})
			f.wantNoAudit(t, mark)
			if n, _ := f.members(t, city); n != 2 {
				t.Errorf("members after a refused add = %d", n)
			}

			// Members lie in the owner's subtree.
			d1Region := f.region(t, f.d1, "Campus")
			for _, o := range []*org.Org{f.u2, f.root, f.d2} {
				mark := f.mark(t)
				err := f.orgs.AddMember(f.ctx, f.admin, d1Region.ID, o.ID)
				wantFields(t, err, map[string]string{"org_id": "err.region_member_outside"})
				f.wantNoAudit(t, mark)
			}
			err = f.orgs.AddMember(f.ctx, f.admin, d1Region.ID, 999999)
			wantFields(t, err, map[string]string{"org_id": "err.region_member_outside"})
			if err := f.orgs.AddMember(f.ctx, f.admin, d1Region.ID, f.b1.ID); err != nil {
				t.Errorf("add B1 to D1's region: %v", err)
			}
			if n, list := f.members(t, d1Region); n != 1 || list != "[B1]" {
				t.Errorf("D1 region members = %d %s", n, list)
			}

			mark = f.mark(t)
			if err := f.orgs.RemoveMember(f.ctx, f.admin, city.ID, f.u1.ID); err != nil {
				t.Fatal(err)
			}
			f.wantAudit(t, mark, "region.member.remove", city.ID)
			if n, list := f.members(t, city); n != 1 || list != "[U3]" {
				t.Errorf("members after remove = %d %s", n, list)
			}
			mark = f.mark(t)
			err = f.orgs.RemoveMember(f.ctx, f.admin, city.ID, f.u1.ID)
			wantKind(t, err, errs.NotFound, "err.not_found")
			f.wantNoAudit(t, mark)
			if n, _ := f.members(t, city); n != 1 {
				t.Errorf("members after a refused remove = %d", n)
			}
		})
	})
	t.Run("Scope", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			city := f.region(t, f.root, "Riverside")
			campus := f.region(t, f.d1, "Campus")
			f.region(t, f.d2, "Harbour")
			cadre := f.actor(t, "d1.cadre", f.d1.ID, auth.Cadre, "org", f.d1.ID)
			d2Admin := f.actor(t, "d2.admin", f.d2.ID, auth.OrgAdmin, "org", f.d2.ID)
			find := func(a *auth.Actor) string {
				t.Helper()
				rs, err := f.orgs.FindRegions(f.ctx, a, "", 0)
				if err != nil {
					t.Fatal(err)
				}
				return regionNames(rs)
			}
			if got := find(f.admin); got != "[Campus@Org D1 Harbour@Org D2 Riverside@"+f.root.Name+"]" {
				t.Errorf("admin sees %s", got)
			}
			if got := find(cadre); got != "[Campus@Org D1]" {
				t.Errorf("D1 cadre sees %s", got)
			}
			if got := find(d2Admin); got != "[Harbour@Org D2]" {
				t.Errorf("D2 admin sees %s", got)
			}
			rs, err := f.orgs.FindRegions(f.ctx, f.admin, org.RegionCursor(*campus), 1)
			if err != nil || regionNames(rs) != "[Harbour@Org D2]" {
				t.Errorf("page after Campus = %s, %v", regionNames(rs), err)
			}
			if _, err := f.orgs.FindRegions(f.ctx, f.admin, "Campus", 1); errs.KindOf(err) != errs.Invalid {
				t.Errorf("malformed cursor: %v, want Invalid", err)
			}
			if _, err := f.orgs.FindRegionByID(f.ctx, cadre, city.ID); errs.KindOf(err) != errs.NotFound {
				t.Errorf("cadre FindRegionByID city region: %v, want NotFound", err)
			}
			if r, err := f.orgs.FindRegionByID(f.ctx, cadre, campus.ID); err != nil || r.Name != "Campus" {
				t.Errorf("cadre FindRegionByID campus: %v", err)
			}
			if _, err := f.orgs.RegionMembers(f.ctx, cadre, city.ID, "", 0); errs.KindOf(err) != errs.NotFound {
				t.Errorf("cadre RegionMembers city region: %v, want NotFound", err)
			}
			// Read but not write.
			err = f.orgs.AddMember(f.ctx, cadre, campus.ID, f.u1.ID)
			wantKind(t, err, errs.Forbidden, "err.forbidden")
			_, err = f.orgs.UpdateRegion(f.ctx, cadre, campus.ID, org.RegionInput{Name: "Renamed"})
			wantKind(t, err, errs.Forbidden, "err.forbidden")
			err = f.orgs.AddMember(f.ctx, d2Admin, campus.ID, f.u1.ID)
			wantKind(t, err, errs.NotFound, "err.not_found")
		})
	})
	t.Run("Update", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			r := f.region(t, f.root, "Riverside")
			f.region(t, f.root, "Harbour")
			mark := f.mark(t)
			got, err := f.orgs.UpdateRegion(f.ctx, f.admin, r.ID, org.RegionInput{Name: "Bund", Description: "new"})
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "Bund" || got.Description != "new" || got.OrgID != f.root.ID {
				t.Errorf("updated = %+v", got)
			}
			f.wantAudit(t, mark, "region.update", r.ID)
			mark = f.mark(t)
			_, err = f.orgs.UpdateRegion(f.ctx, f.admin, r.ID, org.RegionInput{Name: "Harbour"})
			wantFields(t, err, map[string]string{"name": "err.name_taken"})
			f.wantNoAudit(t, mark)
		})
	})
}

// TestRegionPagingTies: names are unique only per owner, so paging one by
// one must still visit two regions of the same name.
func TestRegionPagingTies(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		for _, owner := range []*org.Org{f.d1, f.d2, f.root} {
			if _, err := f.orgs.CreateRegion(f.ctx, f.admin, org.RegionInput{OrgID: owner.ID, Name: "Campus"}); err != nil {
				t.Fatal(err)
			}
		}
		seen, after := 0, ""
		for range 10 {
			rs, err := f.orgs.FindRegions(f.ctx, f.admin, after, 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) == 0 {
				break
			}
			seen++
			after = org.RegionCursor(rs[0])
		}
		if seen != 3 {
			t.Fatalf("paged through %d regions, want 3", seen)
		}
	})
}
