// Package svctest is the service-level fixture of the modules built on the
// people registry (career, talent): a small tree, actors with roles on it,
// people and logins linked to them, on a fake clock. Each module's tests
// add their own service over it.
package svctest

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/clocktest"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/person"
	"qinggong/internal/pii"
)

const password = "Qinggong-Test-2025"

// Fixture is the tree
//
//	root (city)
//	├── D1 ── U1 ── B1
//	└── D2 ── U2 ── B2
//
// with City (org_admin on the root), D1 (org_admin on D1), U1 and B2
// (cadres of their organizations) and V1 (viewer of U1). The clock stands
// at clocktest.Start.
type Fixture struct {
	Ctx    context.Context
	DB     *db.DB
	Clock  *clocktest.Clock
	Audit  *audit.Log
	Orgs   *org.Service
	Auth   *auth.Service
	People *person.Service

	Sec, City, D1Admin, U1, B2, V1     *auth.Actor
	Root, D1, U1Org, B1, D2, U2, B2Org *org.Org
	seq                                int
}

// New builds the fixture on d.
func New(t testing.TB, d *db.DB) *Fixture {
	t.Helper()
	c := clocktest.New()
	log := audit.New([]byte("svc-test-key"), c.Now)
	sealer, err := pii.NewSealer(1, bytes.Repeat([]byte{7}, 32), bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	f := &Fixture{Ctx: context.Background(), DB: d, Clock: c, Audit: log, Orgs: org.New(d, log, c.Now), Auth: auth.New(d, log, auth.TestHash, c.Now)}
	f.People = person.New(d, log, f.Orgs, sealer, c.Now)
	if f.Root, err = f.Orgs.CreateRoot(f.Ctx); err != nil {
		t.Fatal(err)
	}
	boot := &auth.Actor{Grants: []auth.Grant{{Role: auth.SecAdmin, ScopeKind: "global"}}}
	id, _, err := f.Auth.CreateUser(f.Ctx, boot, auth.NewUser{Login: "svc.sec", Name: "sec", OrgID: f.Root.ID, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.W().ExecContext(f.Ctx, `INSERT INTO grants (user_id, role, scope_kind, scope_id, granted_at) VALUES ($1, 'secadmin', 'global', 0, $2)`,
		id, c.Now()); err != nil {
		t.Fatal(err)
	}
	f.Sec = f.Reload(t, id)
	f.City = f.Actor(t, "svc.city", auth.OrgAdmin, f.Root)
	f.D1 = f.Mk(t, f.Root, "D1", org.LevelDistrict)
	f.D2 = f.Mk(t, f.Root, "D2", org.LevelDistrict)
	f.U1Org = f.Mk(t, f.D1, "U1", org.LevelUnit)
	f.U2 = f.Mk(t, f.D2, "U2", org.LevelUnit)
	f.B1 = f.Mk(t, f.U1Org, "B1", org.LevelBranch)
	f.B2Org = f.Mk(t, f.U2, "B2", org.LevelBranch)
	f.D1Admin = f.Actor(t, "svc.d1", auth.OrgAdmin, f.D1)
	f.U1 = f.Actor(t, "svc.u1", auth.Cadre, f.U1Org)
	f.B2 = f.Actor(t, "svc.b2", auth.Cadre, f.B2Org)
	f.V1 = f.Actor(t, "svc.v1", auth.Viewer, f.U1Org)
	return f
}

// Reload reads an actor afresh.
func (f *Fixture) Reload(t testing.TB, id int64) *auth.Actor {
	t.Helper()
	a, err := f.Auth.Actor(f.Ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Actor creates a login with role on at.
func (f *Fixture) Actor(t testing.TB, login string, role auth.Role, at *org.Org) *auth.Actor {
	t.Helper()
	id, _, err := f.Auth.CreateUser(f.Ctx, f.Sec, auth.NewUser{Login: login, Name: login, OrgID: at.ID, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Auth.GrantRole(f.Ctx, f.Sec, auth.NewGrant{UserID: id, Role: role, ScopeKind: "org", ScopeID: at.ID}); err != nil {
		t.Fatal(err)
	}
	return f.Reload(t, id)
}

// Mk creates an organization under parent.
func (f *Fixture) Mk(t testing.TB, parent *org.Org, code, level string) *org.Org {
	t.Helper()
	o, err := f.Orgs.Create(f.Ctx, f.City, parent.ID, org.Input{Name: "Org " + code, Code: code, Level: level})
	if err != nil {
		t.Fatalf("create %s: %v", code, err)
	}
	return o
}

// Person registers a young worker at o.
func (f *Fixture) Person(t testing.TB, name string, o *org.Org) *person.Person {
	t.Helper()
	f.seq++
	first17 := fmt.Sprintf("3101151998%02d%02d%03d", 1+f.seq/1000%12, 1+f.seq/12000, f.seq%1000)
	p, err := f.People.Create(f.Ctx, f.City, person.Input{Name: name, OrgID: o.ID, IDNumber: first17 + string(pii.CheckChar(first17))})
	if err != nil {
		t.Fatalf("person %s: %v", name, err)
	}
	return p
}

// Self gives p a login linked to their record and returns its actor.
func (f *Fixture) Self(t testing.TB, p *person.Person) *auth.Actor {
	t.Helper()
	id, _, err := f.Auth.CreateUser(f.Ctx, f.Sec, auth.NewUser{Login: fmt.Sprintf("svc.p%d", p.ID), Name: p.Name, OrgID: p.OrgID, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.DB.W().ExecContext(f.Ctx, `UPDATE people SET user_id = $1 WHERE id = $2`, id, p.ID); err != nil {
		t.Fatal(err)
	}
	return f.Reload(t, id)
}

// Count runs a counting query.
func (f *Fixture) Count(t testing.TB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.DB.R().QueryRowContext(f.Ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// WantKind fails unless err is of kind k.
func WantKind(t testing.TB, err error, k errs.Kind) {
	t.Helper()
	if errs.KindOf(err) != k {
		t.Fatalf("error %v (kind %v), want kind %v", err, errs.KindOf(err), k)
	}
}

// WantMsg fails unless err is of kind k with message msg.
func WantMsg(t testing.TB, err error, k errs.Kind, msg string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != k || e.Msg != msg {
		t.Fatalf("error %v, want %v %s", err, k, msg)
	}
}

// WantField fails unless err carries the field error key on field.
func WantField(t testing.TB, err error, field, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Fields[field] != key {
		t.Fatalf("error %v, want %s: %s", err, field, key)
	}
}
