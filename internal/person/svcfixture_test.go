package person_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
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
//	├── D1 (district) ── U1 (unit) ── G1 (general branch) ── B1 (branch)
//	└── D2 (district) ── U2 (unit) ── B2 (branch)
//
// admin is an org_admin on the root, cadre1 a cadre on D1 and viewer1 a
// viewer on D1. The clock stands at 2025-03-01 12:00 Asia/Shanghai.
type fixture struct {
	ctx    context.Context
	d      *db.DB
	clock  *clocktest.Clock
	log    *audit.Log
	orgs   *org.Service
	auth   *auth.Service
	people *person.Service

	sec, admin, cadre1, viewer1 *auth.Actor

	root, d1, u1, g1, b1, d2, u2, b2 *org.Org

	seq int // makes every generated ID-card number and phone unique
}

// each runs fn on every database with a fresh fixture.
func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	dbtest.Each(t, func(t *testing.T, d *db.DB) { fn(t, newFixture(t, d)) })
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	c := clocktest.New()
	log := audit.New([]byte("person-test-key"), c.Now)
	sealer, err := pii.NewSealer(1, bytes.Repeat([]byte{7}, 32), bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{ctx: context.Background(), d: d, clock: c, log: log,
		orgs: org.New(d, log, c.Now), auth: auth.New(d, log, auth.TestHash, c.Now)}
	f.people = person.New(d, log, f.orgs, sealer, c.Now)
	if f.root, err = f.orgs.CreateRoot(f.ctx); err != nil {
		t.Fatalf("create root: %v", err)
	}
	f.sec = f.bootstrapSecAdmin(t)
	f.admin = f.actor(t, "root.admin", auth.OrgAdmin, "org", f.root.ID)
	f.d1 = f.mk(t, f.root, "D1", org.LevelDistrict)
	f.d2 = f.mk(t, f.root, "D2", org.LevelDistrict)
	f.u1 = f.mk(t, f.d1, "U1", org.LevelUnit)
	f.u2 = f.mk(t, f.d2, "U2", org.LevelUnit)
	f.g1 = f.mk(t, f.u1, "G1", org.LevelGeneralBranch)
	f.b1 = f.mk(t, f.g1, "B1", org.LevelBranch)
	f.b2 = f.mk(t, f.u2, "B2", org.LevelBranch)
	f.cadre1 = f.actor(t, "d1.cadre", auth.Cadre, "org", f.d1.ID)
	f.viewer1 = f.actor(t, "d1.viewer", auth.Viewer, "org", f.d1.ID)
	return f
}

// bootstrapSecAdmin creates the first security admin as installation does.
func (f *fixture) bootstrapSecAdmin(t *testing.T) *auth.Actor {
	t.Helper()
	boot := &auth.Actor{Grants: []auth.Grant{{Role: auth.SecAdmin, ScopeKind: "global"}}}
	id, _, err := f.auth.CreateUser(f.ctx, boot, auth.NewUser{Login: "sec", Name: "Security Admin", OrgID: f.root.ID, Password: testPassword})
	if err != nil {
		t.Fatalf("create secadmin: %v", err)
	}
	f.exec(t, `INSERT INTO grants (user_id, role, scope_kind, scope_id, granted_at) VALUES ($1, 'secadmin', 'global', 0, $2)`, id, f.clock.Now())
	return f.reload(t, id)
}

// actor creates a user holding role on scope, granted by the security admin.
func (f *fixture) actor(t *testing.T, login string, role auth.Role, scopeKind string, scopeID int64) *auth.Actor {
	t.Helper()
	id, _, err := f.auth.CreateUser(f.ctx, f.sec, auth.NewUser{Login: login, Name: login, OrgID: f.root.ID, Password: testPassword})
	if err != nil {
		t.Fatalf("create user %s: %v", login, err)
	}
	if _, err := f.auth.GrantRole(f.ctx, f.sec, auth.NewGrant{UserID: id, Role: role, ScopeKind: scopeKind, ScopeID: scopeID}); err != nil {
		t.Fatalf("grant %s to %s: %v", role, login, err)
	}
	return f.reload(t, id)
}

// reload builds the actor afresh, as the next request would (grants
// resolve to the current paths).
func (f *fixture) reload(t *testing.T, userID int64) *auth.Actor {
	t.Helper()
	a, err := f.auth.Actor(f.ctx, userID)
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

// idNumber builds a valid ID-card number born on birth (YYYYMMDD),
// unique within the fixture.
func (f *fixture) idNumber(birth string, male bool) string {
	f.seq++
	g := 2 * (f.seq % 5)
	if male {
		g++
	}
	first17 := fmt.Sprintf("31%04d%s%02d%d", 100+f.seq/500, birth, (f.seq/5)%100, g)
	return first17 + string(pii.CheckChar(first17))
}

// phone returns a valid mobile number unique within the fixture.
func (f *fixture) phone() string {
	f.seq++
	return fmt.Sprintf("139%08d", 30000000+f.seq)
}

// input is a valid Input for a male born on 1999-03-15 at o.
func (f *fixture) input(name string, o *org.Org) person.Input {
	return person.Input{Name: name, OrgID: o.ID, IDNumber: f.idNumber("19990315", true), Phone: f.phone()}
}

// create adds a person through the service, failing the test on error.
func (f *fixture) create(t *testing.T, by *auth.Actor, in person.Input) *person.Person {
	t.Helper()
	p, err := f.people.Create(f.ctx, by, in)
	if err != nil {
		t.Fatalf("create %s: %v", in.Name, err)
	}
	return p
}

// add creates a person named name at o as the root admin.
func (f *fixture) add(t *testing.T, name string, o *org.Org) *person.Person {
	t.Helper()
	return f.create(t, f.admin, f.input(name, o))
}

func (f *fixture) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if _, err := f.d.W().ExecContext(f.ctx, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func (f *fixture) count(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := f.d.R().QueryRowContext(f.ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// written summarises every table a person write touches, so that a
// refused write can be shown to have changed nothing.
func (f *fixture) written(t *testing.T) string {
	t.Helper()
	return fmt.Sprint(
		f.count(t, `SELECT count(*) FROM people`),
		f.count(t, `SELECT count(*) FROM person_tags`),
		f.count(t, `SELECT count(*) FROM skill_changes`),
		f.count(t, `SELECT COALESCE(sum(people), 0) FROM org_people`),
		f.count(t, `SELECT count(*) FROM activity`),
		f.count(t, `SELECT seq FROM audit_head WHERE id = 1`),
		f.count(t, `SELECT count(*) FROM people WHERE updated_at <> created_at`),
	)
}

// mark is the audit sequence number before a write.
func (f *fixture) mark(t *testing.T) int64 {
	return f.count(t, `SELECT seq FROM audit_head WHERE id = 1`)
}

// auditSince lists "action object summary" of the rows written after mark.
func (f *fixture) auditSince(t *testing.T, mark int64) []string {
	t.Helper()
	rows, err := f.d.R().QueryContext(f.ctx, `SELECT action, object_id, summary FROM audit WHERE seq > $1 ORDER BY seq`, mark)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var act, sum string
		var obj int64
		if err := rows.Scan(&act, &obj, &sum); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %d %s", act, obj, sum))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// wantRollupsClean checks every stored people count against a live count.
func (f *fixture) wantRollupsClean(t *testing.T) {
	t.Helper()
	bad, err := person.CheckRollups(f.ctx, f.d.R())
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("CheckRollups: %q", bad)
	}
}

// findAll reads every page of f for by (Limit 7, to cross pages) and
// returns the people's names in order.
func (f *fixture) findAll(t *testing.T, by *auth.Actor, fl person.Filter) []person.Person {
	t.Helper()
	var out []person.Person
	fl.Limit = 7
	for range 1000 {
		p, err := f.people.Find(f.ctx, by, fl)
		if err != nil {
			t.Fatalf("find %+v: %v", fl, err)
		}
		out = append(out, p.People...)
		if p.Next == "" {
			return out
		}
		fl.After = p.Next
	}
	t.Fatal("find: paging does not end")
	return nil
}

// names are the sorted names of the people f finds for by.
func (f *fixture) names(t *testing.T, by *auth.Actor, fl person.Filter) string {
	t.Helper()
	var out []string
	for _, p := range f.findAll(t, by, fl) {
		out = append(out, p.Name)
	}
	slices.Sort(out)
	return fmt.Sprint(out)
}

// counted is Count for by, failing the test on error.
func (f *fixture) counted(t *testing.T, by *auth.Actor, fl person.Filter) person.Count {
	t.Helper()
	c, err := f.people.Count(f.ctx, by, fl)
	if err != nil {
		t.Fatalf("count %+v: %v", fl, err)
	}
	return c
}

// advanceDays moves the clock forward whole days.
func (f *fixture) advanceDays(n int) { f.clock.Advance(time.Duration(n) * 24 * time.Hour) }

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
