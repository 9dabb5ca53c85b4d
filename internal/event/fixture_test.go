package event_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/clocktest"
	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/errs"
	"qinggong/internal/event"
	"qinggong/internal/org"
	"qinggong/internal/person"
	"qinggong/internal/pii"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const testPassword = "Qinggong-Test-2025"

// fixture is a small tree with the services over it:
//
//	root (city)
//	├── D1 ── U1 ── B1
//	└── D2 ── U2 ── B2
//
// city organizes (org_admin on the root), u1 and b2 are cadres of their
// organizations. The clock stands at 2025-03-01 12:00 Asia/Shanghai.
type fixture struct {
	ctx    context.Context
	d      *db.DB
	clock  *clocktest.Clock
	orgs   *org.Service
	auth   *auth.Service
	people *person.Service
	events *event.Service

	sec, city, u1, b2            *auth.Actor
	root, D1, U1, B1, D2, U2, B2 *org.Org
	seq                          int
}

func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	dbtest.Each(t, func(t *testing.T, d *db.DB) { fn(t, newFixture(t, d)) })
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	c := clocktest.New()
	log := audit.New([]byte("event-test-key"), c.Now)
	sealer, err := pii.NewSealer(1, bytes.Repeat([]byte{7}, 32), bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{ctx: context.Background(), d: d, clock: c, orgs: org.New(d, log, c.Now), auth: auth.New(d, log, auth.TestHash, c.Now)}
	f.people = person.New(d, log, f.orgs, sealer, c.Now)
	f.events = event.New(d, log, f.orgs, f.people, c.Now)
	if f.root, err = f.orgs.CreateRoot(f.ctx); err != nil {
		t.Fatal(err)
	}
	boot := &auth.Actor{Grants: []auth.Grant{{Role: auth.SecAdmin, ScopeKind: "global"}}}
	id, _, err := f.auth.CreateUser(f.ctx, boot, auth.NewUser{Login: "ev.sec", Name: "sec", OrgID: f.root.ID, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.W().ExecContext(f.ctx, `INSERT INTO grants (user_id, role, scope_kind, scope_id, granted_at) VALUES ($1, 'secadmin', 'global', 0, $2)`,
		id, c.Now()); err != nil {
		t.Fatal(err)
	}
	f.sec = f.reload(t, id)
	f.city = f.actor(t, "ev.city", auth.OrgAdmin, f.root)
	f.D1 = f.mk(t, f.root, "D1", org.LevelDistrict)
	f.D2 = f.mk(t, f.root, "D2", org.LevelDistrict)
	f.U1 = f.mk(t, f.D1, "U1", org.LevelUnit)
	f.U2 = f.mk(t, f.D2, "U2", org.LevelUnit)
	f.B1 = f.mk(t, f.U1, "B1", org.LevelBranch)
	f.B2 = f.mk(t, f.U2, "B2", org.LevelBranch)
	f.u1 = f.actor(t, "ev.u1", auth.Cadre, f.U1)
	f.b2 = f.actor(t, "ev.b2", auth.Cadre, f.B2)
	return f
}

func (f *fixture) reload(t testing.TB, id int64) *auth.Actor {
	t.Helper()
	a, err := f.auth.Actor(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *fixture) actor(t *testing.T, login string, role auth.Role, at *org.Org) *auth.Actor {
	t.Helper()
	id, _, err := f.auth.CreateUser(f.ctx, f.sec, auth.NewUser{Login: login, Name: login, OrgID: at.ID, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.auth.GrantRole(f.ctx, f.sec, auth.NewGrant{UserID: id, Role: role, ScopeKind: "org", ScopeID: at.ID}); err != nil {
		t.Fatal(err)
	}
	return f.reload(t, id)
}

func (f *fixture) mk(t *testing.T, parent *org.Org, code, level string) *org.Org {
	t.Helper()
	o, err := f.orgs.Create(f.ctx, f.city, parent.ID, org.Input{Name: "Org " + code, Code: code, Level: level})
	if err != nil {
		t.Fatalf("create %s: %v", code, err)
	}
	return o
}

// person registers a young worker at o.
func (f *fixture) person(t testing.TB, name string, o *org.Org) *person.Person {
	t.Helper()
	f.seq++
	first17 := fmt.Sprintf("310115%s%03d", "19980101", f.seq%1000)
	if f.seq >= 1000 {
		first17 = fmt.Sprintf("3101151998%02d%02d%03d", 1+f.seq/1000%12, 1+f.seq/12000, f.seq%1000)
	}
	p, err := f.people.Create(f.ctx, f.city, person.Input{Name: name, OrgID: o.ID, IDNumber: first17 + string(pii.CheckChar(first17))})
	if err != nil {
		t.Fatalf("person %s: %v", name, err)
	}
	return p
}

// self gives p a login linked to their record and returns its actor.
func (f *fixture) self(t testing.TB, p *person.Person) *auth.Actor {
	t.Helper()
	id, _, err := f.auth.CreateUser(f.ctx, f.sec, auth.NewUser{Login: fmt.Sprintf("ev.p%d", p.ID), Name: p.Name, OrgID: p.OrgID, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.d.W().ExecContext(f.ctx, `UPDATE people SET user_id = $1 WHERE id = $2`, id, p.ID); err != nil {
		t.Fatal(err)
	}
	return f.reload(t, id)
}

// at is a time relative to the fixture's clock's start.
func (f *fixture) at(d time.Duration) time.Time { return clocktest.Start.Add(d) }

// open creates and publishes an event of the city's for everyone in the
// city, registration open now for a day, one two-hour session in two days.
func (f *fixture) open(t testing.TB, capacity int, required bool, edit func(*event.Input)) *event.Event {
	t.Helper()
	in := event.Input{OrgID: f.root.ID, Kind: "seminar", Title: "青年职业生涯导航活动与青年人才培养研讨会", Place: "市青年活动中心",
		Capacity: capacity, RegOpens: f.at(-time.Hour), RegCloses: f.at(24 * time.Hour), RegRequired: required,
		Sessions: []event.SessionInput{{Starts: f.at(48 * time.Hour), Ends: f.at(50 * time.Hour)}}}
	if edit != nil {
		edit(&in)
	}
	e, err := f.events.Create(f.ctx, f.city, in)
	if err == nil {
		e, err = f.events.Publish(f.ctx, f.city, e.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (f *fixture) count(t testing.TB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.d.R().QueryRowContext(f.ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantKind(t testing.TB, err error, k errs.Kind) {
	t.Helper()
	if errs.KindOf(err) != k {
		t.Fatalf("error %v (kind %v), want kind %v", err, errs.KindOf(err), k)
	}
}

func wantMsg(t testing.TB, err error, k errs.Kind, msg string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != k || e.Msg != msg {
		t.Fatalf("error %v, want %v %s", err, k, msg)
	}
}

func wantField(t testing.TB, err error, field, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Fields[field] != key {
		t.Fatalf("error %v, want %s: %s", err, field, key)
	}
}
