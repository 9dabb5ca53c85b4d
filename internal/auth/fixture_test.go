package auth_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"qinggong/internal/clocktest"
	"testing"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/errs"
	"qinggong/internal/org"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const testPassword = "Qinggong-Test-2025"

// fixture is a small tree, root ─ D1 ─ U1 and root ─ D2, with the
// security admin (sec) bootstrapped.
type fixture struct {
	ctx   context.Context
	d     *db.DB
	clock *clocktest.Clock
	log   *audit.Log
	auth  *auth.Service
	orgs  *org.Service
	sec   *auth.Actor

	root, d1, d2, u1 *org.Org
}

// each runs fn on every database with a fresh fixture.
func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	dbtest.Each(t, func(t *testing.T, d *db.DB) { fn(t, newFixture(t, d)) })
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	c := clocktest.New()
	log := audit.New([]byte("auth-test-key"), c.Now)
	f := &fixture{ctx: context.Background(), d: d, clock: c, log: log,
		auth: auth.New(d, log, auth.TestHash, c.Now), orgs: org.New(d, log, c.Now)}
	var err error
	if f.root, err = f.orgs.CreateRoot(f.ctx); err != nil {
		t.Fatal(err)
	}
	// The tree is built by a stand-in for the installer, before any account exists.
	builder := &auth.Actor{Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: f.root.ID, Paths: []string{f.root.Path}}}}
	mk := func(parent *org.Org, code, level string) *org.Org {
		o, err := f.orgs.Create(f.ctx, builder, parent.ID, org.Input{Name: "Org " + code, Code: code, Level: level})
		if err != nil {
			t.Fatalf("create %s: %v", code, err)
		}
		return o
	}
	f.d1 = mk(f.root, "D1", org.LevelDistrict)
	f.d2 = mk(f.root, "D2", org.LevelDistrict)
	f.u1 = mk(f.d1, "U1", org.LevelUnit)

	boot := &auth.Actor{Grants: []auth.Grant{{Role: auth.SecAdmin, ScopeKind: "global"}}}
	id, _, err := f.auth.CreateUser(f.ctx, boot, auth.NewUser{Login: "sec", Name: "Security Admin", OrgID: f.root.ID, Password: testPassword})
	if err != nil {
		t.Fatalf("create secadmin: %v", err)
	}
	f.exec(t, `INSERT INTO grants (user_id, role, scope_kind, scope_id, granted_at) VALUES ($1, 'secadmin', 'global', 0, $2)`, id, c.Now())
	f.sec = f.load(t, id)
	return f
}

func (f *fixture) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if _, err := f.d.W().ExecContext(f.ctx, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.d.R().QueryRowContext(f.ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// user creates an account with testPassword, by the security admin.
func (f *fixture) user(t *testing.T, login string, home *org.Org) int64 {
	t.Helper()
	id, _, err := f.auth.CreateUser(f.ctx, f.sec, auth.NewUser{Login: login, Name: login, OrgID: home.ID, Password: testPassword})
	if err != nil {
		t.Fatalf("create user %s: %v", login, err)
	}
	return id
}

// grant grants role on scope by the security admin.
func (f *fixture) grant(t *testing.T, userID int64, role auth.Role, scopeKind string, scopeID int64) int64 {
	t.Helper()
	id, err := f.auth.GrantRole(f.ctx, f.sec, auth.NewGrant{UserID: userID, Role: role, ScopeKind: scopeKind, ScopeID: scopeID})
	if err != nil {
		t.Fatalf("grant %s: %v", role, err)
	}
	return id
}

func (f *fixture) load(t *testing.T, userID int64) *auth.Actor {
	t.Helper()
	a, err := f.auth.Actor(f.ctx, userID)
	if err != nil {
		t.Fatalf("load actor %d: %v", userID, err)
	}
	return a
}

// actor creates a user at home holding role on an org and loads it.
func (f *fixture) actor(t *testing.T, login string, home *org.Org, role auth.Role, scope *org.Org) *auth.Actor {
	t.Helper()
	id := f.user(t, login, home)
	f.grant(t, id, role, "org", scope.ID)
	return f.load(t, id)
}

// mark is the audit sequence number before a write.
func (f *fixture) mark(t *testing.T) int64 {
	t.Helper()
	return int64(f.count(t, `SELECT seq FROM audit_head WHERE id = 1`))
}

// auditSince lists "action result" for every audit row after mark.
func (f *fixture) auditSince(t *testing.T, mark int64) []string {
	t.Helper()
	rows, err := f.d.R().QueryContext(f.ctx, `SELECT action, result FROM audit WHERE seq > $1 ORDER BY seq`, mark)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a, r string
		if err := rows.Scan(&a, &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, a+" "+r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// wantKind checks err's kind and, when msg is not "", its catalog key.
func wantKind(t *testing.T, err error, kind errs.Kind, msg string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || (msg != "" && e.Msg != msg) {
		t.Fatalf("err = %v, want kind %d %s", err, kind, msg)
	}
}

// wantField checks that err is Invalid with msg on field.
func wantField(t *testing.T, err error, field, msg string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.Invalid || e.Fields[field] != msg {
		t.Fatalf("err = %v, want Invalid %s=%s", err, field, msg)
	}
}
