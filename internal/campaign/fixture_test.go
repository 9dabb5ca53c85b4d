package campaign_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/campaign"
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

// fixture is a small tree with the services over it:
//
//	root (city)
//	├── D1 ── U1 ── B1
//	│        └── U3
//	└── D2 ── U2 ── B2
//
// city organizes (org_admin on the root), d1 is D1's org_admin, u1, b1
// and b2 are cadres of their organizations. The clock stands at
// 2025-03-01 12:00 Asia/Shanghai.
type fixture struct {
	ctx       context.Context
	d         *db.DB
	orgs      *org.Service
	auth      *auth.Service
	people    *person.Service
	campaigns *campaign.Service

	sec, city, d1, u1, b1, b2 *auth.Actor

	root, D1, U1, U3, B1, D2, U2, B2 *org.Org
	seq                              int
}

func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	dbtest.Each(t, func(t *testing.T, d *db.DB) { fn(t, newFixture(t, d)) })
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	c := clocktest.New()
	log := audit.New([]byte("campaign-test-key"), c.Now)
	sealer, err := pii.NewSealer(1, bytes.Repeat([]byte{7}, 32), bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{ctx: context.Background(), d: d, orgs: org.New(d, log, c.Now), auth: auth.New(d, log, auth.TestHash, c.Now)}
	f.people = person.New(d, log, f.orgs, sealer, c.Now)
	f.campaigns = campaign.New(d, log, f.orgs, c.Now)
	f.campaigns.Register(campaign.PersonKind{People: f.people})
	f.campaigns.Register(campaign.OrgKind{Orgs: f.orgs})
	if f.root, err = f.orgs.CreateRoot(f.ctx); err != nil {
		t.Fatal(err)
	}
	boot := &auth.Actor{Grants: []auth.Grant{{Role: auth.SecAdmin, ScopeKind: "global"}}}
	id, _, err := f.auth.CreateUser(f.ctx, boot, auth.NewUser{Login: "cmp.sec", Name: "sec", OrgID: f.root.ID, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.W().ExecContext(f.ctx, `INSERT INTO grants (user_id, role, scope_kind, scope_id, granted_at) VALUES ($1, 'secadmin', 'global', 0, $2)`,
		id, c.Now()); err != nil {
		t.Fatal(err)
	}
	f.sec = f.reload(t, id)
	f.city = f.actor(t, "cmp.city", auth.OrgAdmin, f.root)
	f.D1 = f.mk(t, f.root, "D1", org.LevelDistrict)
	f.D2 = f.mk(t, f.root, "D2", org.LevelDistrict)
	f.U1 = f.mk(t, f.D1, "U1", org.LevelUnit)
	f.U3 = f.mk(t, f.D1, "U3", org.LevelUnit)
	f.U2 = f.mk(t, f.D2, "U2", org.LevelUnit)
	f.B1 = f.mk(t, f.U1, "B1", org.LevelBranch)
	f.B2 = f.mk(t, f.U2, "B2", org.LevelBranch)
	f.d1 = f.actor(t, "cmp.d1", auth.OrgAdmin, f.D1)
	f.u1 = f.actor(t, "cmp.u1", auth.Cadre, f.U1)
	f.b1 = f.actor(t, "cmp.b1", auth.Cadre, f.B1)
	f.b2 = f.actor(t, "cmp.b2", auth.Cadre, f.B2)
	return f
}

func (f *fixture) reload(t *testing.T, id int64) *auth.Actor {
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

// person registers a young worker born on birth (YYYYMMDD) at o with a
// skill grade and political status.
func (f *fixture) person(t *testing.T, name string, o *org.Org, birth string, skill int, political string) *person.Person {
	t.Helper()
	f.seq++
	first17 := fmt.Sprintf("310115%s%03d", birth, 10+f.seq)
	p, err := f.people.Create(f.ctx, f.city, person.Input{Name: name, OrgID: o.ID, IDNumber: first17 + string(pii.CheckChar(first17)),
		SkillLevel: skill, Political: political})
	if err != nil {
		t.Fatalf("person %s: %v", name, err)
	}
	return p
}

// open creates a person campaign organized by the city, total nominations
// total, and moves it to nominating.
func (f *fixture) open(t *testing.T, rules campaign.Rules, total int) *campaign.Campaign {
	t.Helper()
	c, err := f.campaigns.Create(f.ctx, f.city, campaign.Input{Title: "十大杰出青年技师", Kind: "top_technicians", OrgID: f.root.ID,
		NomineeKind: campaign.NomineePerson, Rules: rules, Winners: 2, Total: total})
	if err != nil {
		t.Fatalf("create campaign: %v", err)
	}
	if c, err = f.campaigns.Advance(f.ctx, f.city, c.ID, campaign.StageNominating); err != nil {
		t.Fatal(err)
	}
	return c
}

const moral = "思想政治素质好，爱岗敬业，遵纪守法，群众基础好。"

func wantKind(t *testing.T, err error, k errs.Kind) {
	t.Helper()
	if errs.KindOf(err) != k {
		t.Fatalf("error %v (kind %v), want kind %v", err, errs.KindOf(err), k)
	}
}

func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Fields[field] != key {
		t.Fatalf("error %v, want %s: %s", err, field, key)
	}
}

func (f *fixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.d.R().QueryRowContext(f.ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
