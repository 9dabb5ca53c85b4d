package org_test

import (
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/org"
)

func TestRegionArchive(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		r := f.region(t, f.root, "Riverside")
		if err := f.orgs.AddMember(f.ctx, f.admin, r.ID, f.u2.ID); err != nil {
			t.Fatal(err)
		}
		// A viewer through the region sees U2's subtree while it is active.
		viewer := f.actor(t, "region.viewer", f.u2.ID, auth.Viewer, "region", r.ID)
		if !viewer.Can(auth.OrgRead, f.b2.Path) {
			t.Fatal("region grant does not cover B2")
		}
		d2Admin := f.actor(t, "d2.admin", f.d2.ID, auth.OrgAdmin, "org", f.d2.ID)
		rootCadre := f.actor(t, "root.cadre", f.root.ID, auth.Cadre, "org", f.root.ID)

		// Outside the owner's scope: NotFound; read but not write: Forbidden.
		_, err := f.orgs.ArchiveRegion(f.ctx, d2Admin, r.ID)
		wantKind(t, err, errs.NotFound, "")
		_, err = f.orgs.ArchiveRegion(f.ctx, rootCadre, r.ID)
		wantKind(t, err, errs.Forbidden, "err.forbidden")
		_, err = f.orgs.ArchiveRegion(f.ctx, f.admin, 999999)
		wantKind(t, err, errs.NotFound, "")

		mark := f.mark(t)
		got, err := f.orgs.ArchiveRegion(f.ctx, f.admin, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != "archived" || got.Active() || got.Members != 1 {
			t.Errorf("archived region = %+v", got)
		}
		f.wantAudit(t, mark, "region.archive", r.ID)

		mark = f.mark(t)
		_, err = f.orgs.ArchiveRegion(f.ctx, f.admin, r.ID)
		wantKind(t, err, errs.Conflict, "err.region_archived")
		err = f.orgs.AddMember(f.ctx, f.admin, r.ID, f.u1.ID)
		wantKind(t, err, errs.Conflict, "err.region_archived")
		err = f.orgs.RemoveMember(f.ctx, f.admin, r.ID, f.u2.ID)
		wantKind(t, err, errs.Conflict, "err.region_archived")
		f.wantNoAudit(t, mark)

		// Lists: gone from the active list, in the archived one.
		if rs, err := f.orgs.FindRegions(f.ctx, f.admin, "", 0); err != nil || len(rs) != 0 {
			t.Errorf("FindRegions after archive = %v, %v", regionNames(rs), err)
		}
		if rs, err := f.orgs.FindArchivedRegions(f.ctx, f.admin, "", 0); err != nil || regionNames(rs) != "[Riverside@"+f.root.Name+"]" {
			t.Errorf("FindArchivedRegions = %v, %v", regionNames(rs), err)
		}
		// Still readable, renamable.
		if _, err := f.orgs.UpdateRegion(f.ctx, f.admin, r.ID, org.RegionInput{Name: "Old riverside"}); err != nil {
			t.Errorf("rename an archived region: %v", err)
		}

		// Its grants confer nothing, and it takes no new ones.
		reloaded, err := f.auth.Actor(f.ctx, viewer.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if reloaded.Can(auth.OrgRead, f.b2.Path) || reloaded.HasAnywhere(auth.OrgRead) {
			t.Error("a grant on an archived region still confers rights")
		}
		_, err = f.auth.GrantRole(f.ctx, f.sec, auth.NewGrant{UserID: viewer.UserID, Role: auth.Cadre, ScopeKind: "region", ScopeID: r.ID})
		wantFields(t, err, map[string]string{"scope_id": "err.scope_outside"})

		_, err = f.orgs.RestoreRegion(f.ctx, d2Admin, r.ID)
		wantKind(t, err, errs.NotFound, "")
		mark = f.mark(t)
		got, err = f.orgs.RestoreRegion(f.ctx, f.admin, r.ID)
		if err != nil || !got.Active() {
			t.Fatalf("restore = %+v, %v", got, err)
		}
		f.wantAudit(t, mark, "region.restore", r.ID)
		_, err = f.orgs.RestoreRegion(f.ctx, f.admin, r.ID)
		wantKind(t, err, errs.Conflict, "err.region_active")
		reloaded, err = f.auth.Actor(f.ctx, viewer.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if !reloaded.Can(auth.OrgRead, f.b2.Path) {
			t.Error("a restored region's grant does not confer its rights again")
		}
		if err := f.orgs.AddMember(f.ctx, f.admin, r.ID, f.u1.ID); err != nil {
			t.Errorf("add a member after restoring: %v", err)
		}
	})
}
