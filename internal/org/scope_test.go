package org_test

import (
	"fmt"
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/org"
)

// reads is what an actor sees of the fixture tree through every read.
type reads struct {
	f *fixture
	a *auth.Actor
}

func (r reads) find(t *testing.T, fl org.Filter) string {
	t.Helper()
	p, err := r.f.orgs.Find(r.f.ctx, r.a, fl)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(codes(p.Orgs))
}

func (r reads) tops(t *testing.T) string {
	t.Helper()
	os, err := r.f.orgs.Tops(r.f.ctx, r.a)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(codes(os))
}

func (r reads) ancestors(t *testing.T, o *org.Org) string {
	t.Helper()
	os, err := r.f.orgs.Ancestors(r.f.ctx, r.a, o)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(codes(os))
}

// visible reports which of the orgs FindByID returns; the others must be NotFound.
func (r reads) visible(t *testing.T, orgs ...*org.Org) string {
	t.Helper()
	var seen []string
	for _, o := range orgs {
		got, err := r.f.orgs.FindByID(r.f.ctx, r.a, o.ID)
		switch {
		case err == nil:
			seen = append(seen, got.Code)
		case errs.KindOf(err) != errs.NotFound:
			t.Fatalf("FindByID %s: %v, want NotFound when out of scope", o.Code, err)
		}
	}
	return fmt.Sprint(seen)
}

func (f *fixture) all() []*org.Org {
	return []*org.Org{f.root, f.d1, f.d2, f.s1, f.u1, f.u2, f.u3, f.b1, f.b2, f.b3}
}

func TestScope(t *testing.T) {
	t.Parallel()
	t.Run("OrgGrant", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			r := reads{f, f.actor(t, "d1.cadre", f.d1.ID, auth.Cadre, "org", f.d1.ID)}
			if got := r.visible(t, f.all()...); got != "[D1 U1 B1]" {
				t.Errorf("visible = %s", got)
			}
			if _, err := r.f.orgs.FindByID(f.ctx, r.a, 999999); errs.KindOf(err) != errs.NotFound {
				t.Errorf("missing org: %v", err)
			}
			for _, tc := range []struct {
				name string
				f    org.Filter
				want string
			}{
				{"All", org.Filter{}, "[B1 D1 U1]"},
				{"ChildrenOfRoot", org.Filter{Parent: f.root.ID}, "[D1]"},
				{"Units", org.Filter{Level: org.LevelUnit}, "[U1]"},
				{"CodeOutside", org.Filter{Query: "U2"}, "[]"},
				{"ArchivedOutside", org.Filter{Status: "all"}, "[B1 D1 U1]"},
			} {
				if got := r.find(t, tc.f); got != tc.want {
					t.Errorf("Find %s = %s, want %s", tc.name, got, tc.want)
				}
			}
			for _, id := range []int64{f.d2.ID, f.root.ID} {
				if _, err := f.orgs.Find(f.ctx, r.a, org.Filter{Under: id}); errs.KindOf(err) != errs.NotFound {
					t.Errorf("Find under %d: %v, want NotFound", id, err)
				}
			}
			if got := r.tops(t); got != "[D1]" {
				t.Errorf("Tops = %s", got)
			}
			if n, err := f.orgs.SubtreeCount(f.ctx, r.a, f.d1.ID); err != nil || n != 2 {
				t.Errorf("SubtreeCount D1 = %d, %v", n, err)
			}
			for _, o := range []*org.Org{f.d2, f.root, f.u3} {
				if _, err := f.orgs.SubtreeCount(f.ctx, r.a, o.ID); errs.KindOf(err) != errs.NotFound {
					t.Errorf("SubtreeCount %s: %v, want NotFound", o.Code, err)
				}
			}
			if got := r.ancestors(t, f.b1); got != "[D1 U1]" {
				t.Errorf("Ancestors B1 = %s (the root must be hidden)", got)
			}
			if got := r.ancestors(t, f.d1); got != "[]" {
				t.Errorf("Ancestors D1 = %s", got)
			}

			// A cadre writes inside the grant, and cannot even see the parent outside it.
			if _, err := f.orgs.Create(f.ctx, r.a, f.u1.ID, org.Input{Name: "New", Code: "B1N", Level: org.LevelBranch}); err != nil {
				t.Errorf("cadre create in scope: %v", err)
			}
			_, err := f.orgs.Create(f.ctx, r.a, f.u2.ID, org.Input{Name: "New", Code: "B2N", Level: org.LevelBranch})
			wantKind(t, err, errs.NotFound, "err.not_found")
			_, err = f.orgs.Update(f.ctx, r.a, f.d2.ID, org.Input{Name: "X", Code: "D2", Level: org.LevelDistrict})
			wantKind(t, err, errs.NotFound, "err.not_found")
		})
	})
	t.Run("ViewerCannotWrite", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			viewer := f.actor(t, "d1.viewer", f.d1.ID, auth.Viewer, "org", f.d1.ID)
			before, mark := f.snapshot(t), f.mark(t)
			_, err := f.orgs.Create(f.ctx, viewer, f.d1.ID, org.Input{Name: "New", Code: "U1N", Level: org.LevelUnit})
			wantKind(t, err, errs.Forbidden, "err.forbidden")
			_, err = f.orgs.Update(f.ctx, viewer, f.u1.ID, org.Input{Name: "X", Code: "U1", Level: org.LevelUnit})
			wantKind(t, err, errs.Forbidden, "err.forbidden")
			_, err = f.orgs.Archive(f.ctx, viewer, f.b1.ID)
			wantKind(t, err, errs.Forbidden, "err.forbidden")
			if f.snapshot(t) != before {
				t.Error("refused writes changed the tree")
			}
			f.wantNoAudit(t, mark)
		})
	})
	t.Run("NestedGrantsMerge", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			a := f.actor(t, "multi", f.d1.ID, auth.Viewer, "org", f.u1.ID)
			for _, o := range []*org.Org{f.d1, f.u2} {
				if _, err := f.auth.GrantRole(f.ctx, f.sec, auth.NewGrant{UserID: a.UserID, Role: auth.Viewer, ScopeKind: "org", ScopeID: o.ID}); err != nil {
					t.Fatal(err)
				}
			}
			a, err := f.auth.Actor(f.ctx, a.UserID)
			if err != nil {
				t.Fatal(err)
			}
			r := reads{f, a}
			if got := r.tops(t); got != "[D1 U2]" {
				t.Errorf("Tops = %s, want D1 once (U1 lies inside it) and U2", got)
			}
			if got := r.find(t, org.Filter{}); got != "[B1 B2 D1 U1 U2]" {
				t.Errorf("Find = %s", got)
			}
		})
	})
	t.Run("RegionGrant", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			reg, err := f.orgs.CreateRegion(f.ctx, f.admin, org.RegionInput{OrgID: f.root.ID, Name: "Riverside"})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range []*org.Org{f.u1, f.u3} {
				if err := f.orgs.AddMember(f.ctx, f.admin, reg.ID, o.ID); err != nil {
					t.Fatal(err)
				}
			}
			r := reads{f, f.actor(t, "river.viewer", f.u1.ID, auth.Viewer, "region", reg.ID)}
			if got := r.visible(t, f.all()...); got != "[U1 U3 B1 B3]" {
				t.Errorf("visible = %s", got)
			}
			if got := r.find(t, org.Filter{}); got != "[B1 B3 U1 U3]" {
				t.Errorf("Find = %s", got)
			}
			if got := r.tops(t); got != "[U1 U3]" {
				t.Errorf("Tops = %s", got)
			}
			if got := r.ancestors(t, f.b3); got != "[U3]" {
				t.Errorf("Ancestors B3 = %s", got)
			}
			if n, err := f.orgs.SubtreeCount(f.ctx, r.a, f.u3.ID); err != nil || n != 1 {
				t.Errorf("SubtreeCount U3 = %d, %v", n, err)
			}
			// The region itself is owned by the root, outside the viewer's reach.
			if _, err := f.orgs.FindRegionByID(f.ctx, r.a, reg.ID); errs.KindOf(err) != errs.NotFound {
				t.Errorf("FindRegionByID: %v, want NotFound", err)
			}
			// Membership changes take effect on the next actor load.
			if err := f.orgs.RemoveMember(f.ctx, f.admin, reg.ID, f.u3.ID); err != nil {
				t.Fatal(err)
			}
			a, err := f.auth.Actor(f.ctx, r.a.UserID)
			if err != nil {
				t.Fatal(err)
			}
			if got := (reads{f, a}).find(t, org.Filter{}); got != "[B1 U1]" {
				t.Errorf("Find after removing U3 = %s", got)
			}
		})
	})
	t.Run("RootGrantSeesAll", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			r := reads{f, f.admin}
			if got := r.tops(t); got != "[SH]" {
				t.Errorf("Tops = %s", got)
			}
			if got := r.ancestors(t, f.b1); got != "[SH D1 U1]" {
				t.Errorf("Ancestors B1 = %s", got)
			}
			if n, err := f.orgs.SubtreeCount(f.ctx, f.admin, f.root.ID); err != nil || n != 9 {
				t.Errorf("SubtreeCount root = %d, %v", n, err)
			}
		})
	})
	t.Run("NoGrantSeesNothing", func(t *testing.T) {
		each(t, func(t *testing.T, f *fixture) {
			id, _, err := f.auth.CreateUser(f.ctx, f.sec, auth.NewUser{Login: "nobody", Name: "Nobody", OrgID: f.u1.ID, Password: testPassword})
			if err != nil {
				t.Fatal(err)
			}
			a, err := f.auth.Actor(f.ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			r := reads{f, a}
			if got := r.visible(t, f.all()...); got != "[]" {
				t.Errorf("visible = %s", got)
			}
			if got := r.find(t, org.Filter{}); got != "[]" {
				t.Errorf("Find = %s", got)
			}
			if got := r.tops(t); got != "[]" {
				t.Errorf("Tops = %s", got)
			}
		})
	})
}
