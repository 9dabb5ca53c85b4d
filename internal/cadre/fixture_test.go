package cadre_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/cadre"
	"qinggong/internal/clocktest"
	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/person"
	"qinggong/internal/pii"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const testPassword = "Qinggong-Test-2025"

// fixture is a small tree, the services over it and actors holding grants:
//
//	root (city)
//	├── D1 (district) ── U1 (unit) ── B1 (branch)
//	└── D2 (district) ── U2 (unit)
//
// admin is an org_admin on the root, cadre1 and cadre2 hold the cadre role
// on D1 and D2, viewer1 is a viewer on D1. The clock stands at 2025-03-01
// 12:00 Asia/Shanghai.
type fixture struct {
	ctx    context.Context
	d      *db.DB
	clock  *clocktest.Clock
	log    *audit.Log
	orgs   *org.Service
	auth   *auth.Service
	people *person.Service
	cadres *cadre.Service

	sec, admin, cadre1, cadre2, viewer1 *auth.Actor

	root, d1, u1, b1, d2, u2 *org.Org

	seq int // makes every generated ID-card number unique
}

// each runs fn on every database with a fresh fixture.
func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	dbtest.Each(t, func(t *testing.T, d *db.DB) { fn(t, newFixture(t, d)) })
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	c := clocktest.New()
	log := audit.New([]byte("cadre-test-key"), c.Now)
	sealer, err := pii.NewSealer(1, bytes.Repeat([]byte{7}, 32), bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{ctx: context.Background(), d: d, clock: c, log: log,
		orgs: org.New(d, log, c.Now), auth: auth.New(d, log, auth.TestHash, c.Now)}
	f.people = person.New(d, log, f.orgs, sealer, c.Now)
	f.cadres = cadre.New(d, log, f.orgs, c.Now)
	if f.root, err = f.orgs.CreateRoot(f.ctx); err != nil {
		t.Fatalf("create root: %v", err)
	}
	f.sec = f.bootstrapSecAdmin(t)
	f.admin = f.actor(t, "root.admin", auth.OrgAdmin, f.root.ID)
	f.d1 = f.mk(t, f.root, "D1", org.LevelDistrict)
	f.d2 = f.mk(t, f.root, "D2", org.LevelDistrict)
	f.u1 = f.mk(t, f.d1, "U1", org.LevelUnit)
	f.u2 = f.mk(t, f.d2, "U2", org.LevelUnit)
	f.b1 = f.mk(t, f.u1, "B1", org.LevelBranch)
	f.cadre1 = f.actor(t, "d1.cadre", auth.Cadre, f.d1.ID)
	f.cadre2 = f.actor(t, "d2.cadre", auth.Cadre, f.d2.ID)
	f.viewer1 = f.actor(t, "d1.viewer", auth.Viewer, f.d1.ID)
	return f
}

func (f *fixture) bootstrapSecAdmin(t *testing.T) *auth.Actor {
	t.Helper()
	boot := &auth.Actor{Grants: []auth.Grant{{Role: auth.SecAdmin, ScopeKind: "global"}}}
	id, _, err := f.auth.CreateUser(f.ctx, boot, auth.NewUser{Login: "sec", Name: "Security Admin", OrgID: f.root.ID, Password: testPassword})
	if err != nil {
		t.Fatalf("create secadmin: %v", err)
	}
	if _, err := f.d.W().ExecContext(f.ctx, `INSERT INTO grants (user_id, role, scope_kind, scope_id, granted_at)
		VALUES ($1, 'secadmin', 'global', 0, $2)`, id, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	return f.reload(t, id)
}

// actor creates a user holding role on an organization's subtree.
func (f *fixture) actor(t *testing.T, login string, role auth.Role, orgID int64) *auth.Actor {
	t.Helper()
	id, _, err := f.auth.CreateUser(f.ctx, f.sec, auth.NewUser{Login: login, Name: login, OrgID: orgID, Password: testPassword})
	if err != nil {
		t.Fatalf("create user %s: %v", login, err)
	}
	if _, err := f.auth.GrantRole(f.ctx, f.sec, auth.NewGrant{UserID: id, Role: role, ScopeKind: "org", ScopeID: orgID}); err != nil {
		t.Fatalf("grant %s to %s: %v", role, login, err)
	}
	return f.reload(t, id)
}

// reload builds the actor afresh, as the next request would.
func (f *fixture) reload(t *testing.T, userID int64) *auth.Actor {
	t.Helper()
	a, err := f.auth.Actor(f.ctx, userID)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *fixture) mk(t *testing.T, parent *org.Org, code, level string) *org.Org {
	t.Helper()
	o, err := f.orgs.Create(f.ctx, f.admin, parent.ID, org.Input{Name: "Org " + code, Code: code, Level: level})
	if err != nil {
		t.Fatalf("create %s: %v", code, err)
	}
	return o
}

// person registers a person named name at o (ID-card numbers from the
// fixture's sequence), as the root admin.
func (f *fixture) person(t *testing.T, name string, o *org.Org) *person.Person {
	t.Helper()
	f.seq++
	first17 := fmt.Sprintf("310115199903%02d%03d", 1+f.seq%28, 100+f.seq)
	p, err := f.people.Create(f.ctx, f.admin, person.Input{Name: name, OrgID: o.ID, IDNumber: first17 + string(pii.CheckChar(first17))})
	if err != nil {
		t.Fatalf("person %s: %v", name, err)
	}
	return p
}

// fullTime is a valid input for a full-time post of p at o.
func fullTime(p *person.Person, o *org.Org, post string) cadre.Input {
	return cadre.Input{PersonID: p.ID, OrgID: o.ID, Post: post, Basis: cadre.FullTime, TermStart: "2024-01-15", TermEnd: "2029-01-14"}
}

// partTime is a valid input for a part-time post with the three checks'
// answers given.
func partTime(p *person.Person, o *org.Org, relevance, prospects string, hours int) cadre.Input {
	return cadre.Input{PersonID: p.ID, OrgID: o.ID, Post: cadre.Deputy, Basis: cadre.PartTime, Concurrent: "车间主任",
		Relevance: relevance, Prospects: prospects, ProspectsNote: "后备干部", Hours: hours, TermStart: "2024-03-01"}
}

// appoint creates a post as by, failing the test on error.
func (f *fixture) appoint(t *testing.T, by *auth.Actor, in cadre.Input) *cadre.Cadre {
	t.Helper()
	c, err := f.cadres.Create(f.ctx, by, in)
	if err != nil {
		t.Fatalf("appoint %+v: %v", in, err)
	}
	return c
}

func (f *fixture) count(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := f.d.R().QueryRowContext(f.ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// written summarises every table a cadre write touches, so that a refused
// write can be shown to have changed nothing.
func (f *fixture) written(t *testing.T) string {
	t.Helper()
	return fmt.Sprint(f.count(t, `SELECT count(*) FROM cadres`), f.count(t, `SELECT count(*) FROM cadres WHERE updated_at <> created_at`),
		f.count(t, `SELECT count(*) FROM activity`), f.count(t, `SELECT seq FROM audit_head WHERE id = 1`))
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

// wantKind checks err's kind.
func wantKind(t *testing.T, err error, kind errs.Kind) {
	t.Helper()
	if e, ok := errs.As(err); !ok || e.Kind != kind {
		t.Fatalf("err = %v, want kind %d", err, kind)
	}
}
