package org_test

import (
	"context"
	"fmt"
	"qinggong/internal/clocktest"
	"testing"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/errs"
	"qinggong/internal/org"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const testPassword = "Qinggong-Test-2025"

// fixture is a small tree and the services over it:
//
//	root (city)
//	├── D1 (district) ── U1 (unit) ── B1 (branch)
//	├── D2 (district) ── U2 (unit) ── B2 (branch)
//	└── S1 (system)   ── U3 (unit) ── B3 (branch)
//
// admin is an org_admin on the root, sec the security admin.
type fixture struct {
	ctx   context.Context
	d     *db.DB
	clock *clocktest.Clock
	log   *audit.Log
	orgs  *org.Service
	auth  *auth.Service
	sec   *auth.Actor
	admin *auth.Actor

	root, d1, d2, s1, u1, u2, u3, b1, b2, b3 *org.Org
}

// each runs fn on every database with a fresh fixture.
func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	dbtest.Each(t, func(t *testing.T, d *db.DB) { fn(t, newFixture(t, d)) })
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	c := clocktest.New()
	log := audit.New([]byte("org-test-key"), c.Now)
	f := &fixture{ctx: context.Background(), d: d, clock: c, log: log,
		orgs: org.New(d, log, c.Now), auth: auth.New(d, log, auth.TestHash, c.Now)}
	root, err := f.orgs.CreateRoot(f.ctx)
	if err != nil {
		t.Fatalf("create root: %v", err)
	}
	f.root = root
	f.sec = f.bootstrapSecAdmin(t)
	f.admin = f.actor(t, "root.admin", root.ID, auth.OrgAdmin, "org", root.ID)

	f.d1 = f.mk(t, f.root, "D1", org.LevelDistrict)
	f.d2 = f.mk(t, f.root, "D2", org.LevelDistrict)
	f.s1 = f.mk(t, f.root, "S1", org.LevelSystem)
	f.u1 = f.mk(t, f.d1, "U1", org.LevelUnit)
	f.u2 = f.mk(t, f.d2, "U2", org.LevelUnit)
	f.u3 = f.mk(t, f.s1, "U3", org.LevelUnit)
	f.b1 = f.mk(t, f.u1, "B1", org.LevelBranch)
	f.b2 = f.mk(t, f.u2, "B2", org.LevelBranch)
	f.b3 = f.mk(t, f.u3, "B3", org.LevelBranch)
	f.refresh(t)
	return f
}

// bootstrapSecAdmin creates the first security admin the way installation
// does: the account through the service, its officer grant by a direct insert.
func (f *fixture) bootstrapSecAdmin(t *testing.T) *auth.Actor {
	t.Helper()
	boot := &auth.Actor{Grants: []auth.Grant{{Role: auth.SecAdmin, ScopeKind: "global"}}}
	id, _, err := f.auth.CreateUser(f.ctx, boot, auth.NewUser{Login: "sec", Name: "Security Admin", OrgID: f.root.ID, Password: testPassword})
	if err != nil {
		t.Fatalf("create secadmin: %v", err)
	}
	err = f.d.InTx(f.ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(f.ctx, `INSERT INTO grants (user_id, role, scope_kind, scope_id, granted_at) VALUES ($1, 'secadmin', 'global', 0, $2)`, id, f.clock.Now())
		return err
	})
	if err != nil {
		t.Fatalf("grant secadmin: %v", err)
	}
	a, err := f.auth.Actor(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// actor creates a user at home holding role on scope, granted by the security admin.
func (f *fixture) actor(t *testing.T, login string, home int64, role auth.Role, scopeKind string, scopeID int64) *auth.Actor {
	t.Helper()
	id, _, err := f.auth.CreateUser(f.ctx, f.sec, auth.NewUser{Login: login, Name: login, OrgID: home, Password: testPassword})
	if err != nil {
		t.Fatalf("create user %s: %v", login, err)
	}
	if _, err := f.auth.GrantRole(f.ctx, f.sec, auth.NewGrant{UserID: id, Role: role, ScopeKind: scopeKind, ScopeID: scopeID}); err != nil {
		t.Fatalf("grant %s to %s: %v", role, login, err)
	}
	a, err := f.auth.Actor(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// mk creates an organization named for its code.
func (f *fixture) mk(t *testing.T, parent *org.Org, code, level string) *org.Org {
	t.Helper()
	o, err := f.orgs.Create(f.ctx, f.admin, parent.ID, org.Input{Name: "Org " + code, Code: code, Level: level})
	if err != nil {
		t.Fatalf("create %s: %v", code, err)
	}
	return o
}

// get re-reads an organization, bypassing scope.
func (f *fixture) get(t *testing.T, id int64) *org.Org {
	t.Helper()
	o, err := f.orgs.FindByID(f.ctx, f.admin, id)
	if err != nil {
		t.Fatalf("get %d: %v", id, err)
	}
	return o
}

// refresh re-reads every organization of the fixture.
func (f *fixture) refresh(t *testing.T) {
	t.Helper()
	for _, p := range []**org.Org{&f.root, &f.d1, &f.d2, &f.s1, &f.u1, &f.u2, &f.u3, &f.b1, &f.b2, &f.b3} {
		*p = f.get(t, (*p).ID)
	}
}

func (f *fixture) path(ids ...int64) string {
	s := "/"
	for _, id := range ids {
		s += fmt.Sprint(id) + "/"
	}
	return s
}

// wantRollups checks an organization's stored children and descendants.
func (f *fixture) wantRollups(t *testing.T, o *org.Org, children, descendants int) {
	t.Helper()
	got := f.get(t, o.ID)
	if got.Children != children || got.Descendants != descendants {
		t.Errorf("%s rollups = %d children, %d descendants; want %d, %d", o.Code, got.Children, got.Descendants, children, descendants)
	}
}

// wantRollupsConsistent checks every stored rollup against a full scan.
func (f *fixture) wantRollupsConsistent(t *testing.T) {
	t.Helper()
	bad, err := f.orgs.CheckRollups(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("CheckRollups found bad rollups on %v", bad)
	}
}

// mark is the audit sequence number before a write.
func (f *fixture) mark(t *testing.T) int64 {
	t.Helper()
	var seq int64
	if err := f.d.R().QueryRowContext(f.ctx, `SELECT seq FROM audit_head WHERE id = 1`).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	return seq
}

// wantAudit checks that exactly one audit row was written since mark, with
// that action and object.
func (f *fixture) wantAudit(t *testing.T, mark int64, action string, objectID int64) {
	t.Helper()
	rows, err := f.d.R().QueryContext(f.ctx, `SELECT action, object_id, result FROM audit WHERE seq > $1 ORDER BY seq`, mark)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var act, result string
		var obj int64
		if err := rows.Scan(&act, &obj, &result); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %d %s", act, obj, result))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%s %d ok", action, objectID); len(got) != 1 || got[0] != want {
		t.Errorf("audit rows since %d = %q, want exactly [%s]", mark, got, want)
	}
}

// wantNoAudit checks that nothing was audited since mark.
func (f *fixture) wantNoAudit(t *testing.T, mark int64) {
	t.Helper()
	if now := f.mark(t); now != mark {
		t.Errorf("%d audit rows written by a refused change", now-mark)
	}
}

// snapshot is every organization's place and counters, to show that a
// refused change wrote nothing.
func (f *fixture) snapshot(t *testing.T) string {
	t.Helper()
	rows, err := f.d.R().QueryContext(f.ctx, `SELECT id, COALESCE(parent_id, 0), path, depth, status, children, descendants, updated_at FROM orgs ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var s string
	for rows.Next() {
		var id, parent, depth, children, descendants int64
		var path, status string
		var updated time.Time
		if err := rows.Scan(&id, &parent, &path, &depth, &status, &children, &descendants, &updated); err != nil {
			t.Fatal(err)
		}
		s += fmt.Sprintf("%d %d %s %d %s %d %d %d\n", id, parent, path, depth, status, children, descendants, updated.UnixMilli())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return s
}

// wantFields checks that err is Invalid with exactly the field messages want.
func wantFields(t *testing.T, err error, want map[string]string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.Invalid {
		t.Fatalf("err = %v, want Invalid %v", err, want)
	}
	if fmt.Sprint(map[string]string(e.Fields)) != fmt.Sprint(want) {
		t.Errorf("fields = %v, want %v", e.Fields, want)
	}
}

// wantKind checks err's kind and, when msg is not "", its catalog key.
func wantKind(t *testing.T, err error, kind errs.Kind, msg string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || (msg != "" && e.Msg != msg) {
		t.Fatalf("err = %v, want kind %d %s", err, kind, msg)
	}
}

func codes(orgs []org.Org) []string {
	out := []string{}
	for _, o := range orgs {
		out = append(out, o.Code)
	}
	return out
}
