package auth_test

import (
	"fmt"
	"testing"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/org"
)

func (f *fixture) grants(t *testing.T, userID int64) int {
	t.Helper()
	return f.count(t, `SELECT count(*) FROM grants WHERE user_id = $1`, userID)
}

func TestGrants(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, f *fixture) {
		admin := f.actor(t, "root.admin", f.root, auth.OrgAdmin, f.root)
		d1Admin := f.actor(t, "d1.admin", f.d1, auth.OrgAdmin, f.d1)
		t.Run("OfficerOnlyBySecAdmin", func(t *testing.T) {
			olive := f.user(t, "olive", f.root)
			mark := f.mark(t)
			_, err := f.auth.GrantRole(f.ctx, admin, auth.NewGrant{UserID: olive, Role: auth.Auditor})
			wantKind(t, err, errs.Forbidden, "err.forbidden")
			if f.grants(t, olive) != 0 || len(f.auditSince(t, mark)) != 0 {
				t.Fatal("refused officer grant wrote something")
			}
			// The scope given for an officer role is ignored: officers are global.
			if _, err := f.auth.GrantRole(f.ctx, f.sec, auth.NewGrant{UserID: olive, Role: auth.Auditor, ScopeKind: "org", ScopeID: f.d1.ID}); err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(f.auditSince(t, mark)); got != "[grant.create ok]" {
				t.Errorf("audit = %s", got)
			}
			a := f.load(t, olive)
			if a.Officer() != auth.Auditor || a.MainRole() != "auditor" || !a.Can(auth.AuditRead, "") || a.Can(auth.AccountAdmin, "") {
				t.Errorf("auditor actor = %+v", a)
			}
			if g := a.Grants[0]; g.ScopeKind != "global" || g.ScopeID != 0 {
				t.Errorf("officer grant scope = %s:%d", g.ScopeKind, g.ScopeID)
			}
			if !a.Scope(auth.OrgRead).Empty() || a.HasAnywhere(auth.OrgRead) {
				t.Error("an auditor reads organizations")
			}
		})
		t.Run("ErrOfficerExclusive", func(t *testing.T) {
			otto := f.user(t, "otto", f.root)
			f.grant(t, otto, auth.Auditor, "global", 0)
			oscar := f.user(t, "oscar", f.u1)
			f.grant(t, oscar, auth.Viewer, "org", f.d1.ID)
			mark := f.mark(t)
			for _, tc := range []struct {
				name string
				g    auth.NewGrant
			}{
				{"SecondOfficerRole", auth.NewGrant{UserID: otto, Role: auth.SysAdmin}},
				{"SameOfficerRoleAgain", auth.NewGrant{UserID: otto, Role: auth.Auditor}},
				{"BusinessRoleToOfficer", auth.NewGrant{UserID: otto, Role: auth.Viewer, ScopeKind: "org", ScopeID: f.d1.ID}},
				{"OfficerRoleBesideBusinessRole", auth.NewGrant{UserID: oscar, Role: auth.SecAdmin}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					_, err := f.auth.GrantRole(f.ctx, f.sec, tc.g)
					wantKind(t, err, errs.Conflict, "err.officer_exclusive")
				})
			}
			if f.grants(t, otto) != 1 || f.grants(t, oscar) != 1 || len(f.auditSince(t, mark)) != 0 {
				t.Error("refused grants wrote something")
			}
		})
		t.Run("ErrOfficerExclusiveRecheck", func(t *testing.T) {
			// A grant on an empty region resolves to no paths, so the check
			// before the transaction misses it; the one inside must not.
			reg, err := f.orgs.CreateRegion(f.ctx, admin, org.RegionInput{OrgID: f.root.ID, Name: "Empty"})
			if err != nil {
				t.Fatal(err)
			}
			rita := f.user(t, "rita", f.u1)
			f.grant(t, rita, auth.Viewer, "region", reg.ID)
			mark := f.mark(t)
			_, err = f.auth.GrantRole(f.ctx, f.sec, auth.NewGrant{UserID: rita, Role: auth.Auditor})
			wantKind(t, err, errs.Conflict, "err.officer_exclusive")
			if f.grants(t, rita) != 1 || len(f.auditSince(t, mark)) != 0 {
				t.Error("refused grant wrote something")
			}
		})
		t.Run("ErrSelfGrant", func(t *testing.T) {
			_, err := f.auth.GrantRole(f.ctx, f.sec, auth.NewGrant{UserID: f.sec.UserID, Role: auth.Viewer, ScopeKind: "org", ScopeID: f.d1.ID})
			wantKind(t, err, errs.Forbidden, "err.grant_self")
			_, err = f.auth.GrantRole(f.ctx, admin, auth.NewGrant{UserID: admin.UserID, Role: auth.Cadre, ScopeKind: "org", ScopeID: f.d1.ID})
			wantKind(t, err, errs.Forbidden, "err.grant_self")
			if f.grants(t, admin.UserID) != 1 || f.grants(t, f.sec.UserID) != 1 {
				t.Error("self grant written")
			}
		})
		t.Run("ScopeOutside", func(t *testing.T) {
			reg, err := f.orgs.CreateRegion(f.ctx, admin, org.RegionInput{OrgID: f.root.ID, Name: "City"})
			if err != nil {
				t.Fatal(err)
			}
			dave := f.user(t, "dave", f.u1)
			mark := f.mark(t)
			for _, tc := range []struct {
				name string
				kind string
				id   int64
			}{
				{"OtherDistrict", "org", f.d2.ID},
				{"Root", "org", f.root.ID},
				{"UnknownOrg", "org", 999999},
				{"RegionOwnedAbove", "region", reg.ID},
				{"UnknownRegion", "region", 999999},
			} {
				t.Run(tc.name, func(t *testing.T) {
					_, err := f.auth.GrantRole(f.ctx, d1Admin, auth.NewGrant{UserID: dave, Role: auth.Viewer, ScopeKind: tc.kind, ScopeID: tc.id})
					wantField(t, err, "scope_id", "err.scope_outside")
				})
			}
			_, err = f.auth.GrantRole(f.ctx, d1Admin, auth.NewGrant{UserID: dave, Role: auth.Viewer, ScopeKind: "global"})
			wantField(t, err, "scope_kind", "err.scope_kind")
			_, err = f.auth.GrantRole(f.ctx, d1Admin, auth.NewGrant{UserID: dave, Role: "emperor", ScopeKind: "org", ScopeID: f.u1.ID})
			wantField(t, err, "role", "err.role_unknown")
			if f.grants(t, dave) != 0 || len(f.auditSince(t, mark)) != 0 {
				t.Fatal("refused grants wrote something")
			}

			// Inside its own subtree the D1 admin grants, on an account it can see.
			if _, err := f.auth.GrantRole(f.ctx, d1Admin, auth.NewGrant{UserID: dave, Role: auth.Cadre, ScopeKind: "org", ScopeID: f.u1.ID}); err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(f.auditSince(t, mark)); got != "[grant.create ok]" {
				t.Errorf("audit = %s", got)
			}
			a := f.load(t, dave)
			if !a.Can(auth.OrgWrite, f.u1.Path) || a.Can(auth.OrgRead, f.d1.Path) {
				t.Errorf("dave's grants = %+v", a.Grants)
			}
			erin := f.user(t, "erin", f.d2)
			_, err = f.auth.GrantRole(f.ctx, d1Admin, auth.NewGrant{UserID: erin, Role: auth.Viewer, ScopeKind: "org", ScopeID: f.u1.ID})
			wantKind(t, err, errs.NotFound, "err.not_found")
			_, err = f.auth.GrantRole(f.ctx, d1Admin, auth.NewGrant{UserID: dave, Role: auth.Cadre, ScopeKind: "org", ScopeID: f.u1.ID})
			wantKind(t, err, errs.Conflict, "err.grant_exists")
		})
		t.Run("RevokeNextLoad", func(t *testing.T) {
			rosa := f.user(t, "rosa", f.u1)
			gid := f.grant(t, rosa, auth.Viewer, "org", f.d1.ID)
			other := f.grant(t, rosa, auth.Viewer, "org", f.d2.ID)
			before := f.load(t, rosa)

			wantKind(t, f.auth.RevokeGrant(f.ctx, d1Admin, other), errs.NotFound, "err.not_found")
			wantKind(t, f.auth.RevokeGrant(f.ctx, d1Admin, 999999), errs.NotFound, "err.not_found")
			wantKind(t, f.auth.RevokeGrant(f.ctx, d1Admin, d1Admin.Grants[0].ID), errs.Forbidden, "err.grant_self")
			mark := f.mark(t)
			if err := f.auth.RevokeGrant(f.ctx, d1Admin, gid); err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(f.auditSince(t, mark)); got != "[grant.revoke ok]" {
				t.Errorf("audit = %s", got)
			}
			// The actor already built keeps its grants; the next load does not.
			if !before.Can(auth.OrgRead, f.u1.Path) {
				t.Error("the loaded actor changed under its request")
			}
			after := f.load(t, rosa)
			if after.Can(auth.OrgRead, f.u1.Path) || !after.Can(auth.OrgRead, f.d2.Path) || len(after.Grants) != 1 {
				t.Errorf("grants after revoke = %+v", after.Grants)
			}
			// A session opened before the revoke sees it on its next request too.
			tok, _, err := f.auth.Login(f.ctx, "rosa", testPassword)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.auth.RevokeGrant(f.ctx, f.sec, other); err != nil {
				t.Fatal(err)
			}
			a, err := f.auth.Session(f.ctx, tok)
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Grants) != 0 || a.HasAnywhere(auth.OrgRead) {
				t.Errorf("session grants after revoke = %+v", a.Grants)
			}
		})
		t.Run("RevokeOfficerOnlyBySecAdmin", func(t *testing.T) {
			boris := f.user(t, "boris", f.root)
			gid := f.grant(t, boris, auth.Auditor, "global", 0)
			wantKind(t, f.auth.RevokeGrant(f.ctx, admin, gid), errs.Forbidden, "err.forbidden")
			if err := f.auth.RevokeGrant(f.ctx, f.sec, gid); err != nil {
				t.Fatal(err)
			}
			if f.grants(t, boris) != 0 {
				t.Error("grant still stored")
			}
		})
		t.Run("Expiry", func(t *testing.T) {
			// Expiry times may come in any zone (a form in Shanghai time); they
			// must compare as instants on both databases.
			shanghai := time.FixedZone("CST", 8*3600)
			eve := f.user(t, "eve", f.u1)
			expires := f.clock.Now().Add(time.Hour).In(shanghai)
			if _, err := f.auth.GrantRole(f.ctx, f.sec, auth.NewGrant{UserID: eve, Role: auth.Viewer, ScopeKind: "org", ScopeID: f.d1.ID, ExpiresAt: &expires}); err != nil {
				t.Fatal(err)
			}
			past := f.clock.Now().Add(-time.Hour).In(shanghai)
			if _, err := f.auth.GrantRole(f.ctx, f.sec, auth.NewGrant{UserID: eve, Role: auth.Viewer, ScopeKind: "org", ScopeID: f.d2.ID, ExpiresAt: &past}); err != nil {
				t.Fatal(err)
			}
			a := f.load(t, eve)
			if !a.Can(auth.OrgRead, f.u1.Path) || a.Can(auth.OrgRead, f.d2.Path) {
				t.Errorf("grants before expiry = %+v", a.Grants)
			}
			f.clock.Advance(time.Hour + time.Second)
			if a := f.load(t, eve); len(a.Grants) != 0 {
				t.Errorf("grants after expiry = %+v", a.Grants)
			}
		})
	})
}
