// Package apptest starts a whole Qinggong (real router, middleware, sessions
// and database) for HTTP tests, with a small fixture tree and one user per
// role, and gives clients that log in like a browser.
package apptest

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"qinggong/internal/app"
	"qinggong/internal/auth"
	"qinggong/internal/config"
	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/org"
)

// Password is every fixture user's password.
const Password = "Fixture-Pass-2026"

// Env is a running instance with its fixture.
type Env struct {
	T      testing.TB
	App    *app.App
	Server *httptest.Server
	// Orgs by fixture name: C (root), D1, D2 (districts), S1 (system),
	// U1 (unit in D1), U2 (unit in D2), U3 (unit in S1), B1 (branch in U1), B2 (branch in U2).
	Orgs map[string]*org.Org
	// Region R1 is owned by C and holds U1 and U3.
	Region *org.Region
	// Users by login: see the fixture in New.
	Users map[string]int64
	Now   time.Time
	logs  *logBuffer

	snapOnce sync.Once // the database copy Clone starts from
	snapshot string
	snapErr  error
}

// Logs is everything the instance has logged so far (tests scan it for
// personal data that must never be written there).
func (e *Env) Logs() string { return e.logs.String() }

// logBuffer is a log writer safe for the server's goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Clock is the fake time the instance runs on; tests may move it.
type Clock struct{ T time.Time }

// New starts an instance on the named database ("sqlite" or "postgres").
func New(t testing.TB, dbName string) *Env {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t, dbName)
	logs := &logBuffer{}
	a := wire(d, logs)
	if _, err := a.Bootstrap(ctx, Password); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	e := &Env{T: t, App: a, Orgs: map[string]*org.Org{}, Users: map[string]int64{}, logs: logs}
	root, _ := a.Orgs.Root(ctx)
	e.Orgs["C"] = root
	boot := &auth.Actor{Login: "fixture", Grants: []auth.Grant{
		{Role: auth.SecAdmin, ScopeKind: "global"},
		{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}},
	}}
	ctx = auth.WithAuditMeta(ctx, boot) // the fixture's writes are audited as "fixture"
	mk := func(name, parent, level string) {
		o, err := a.Orgs.Create(ctx, boot, e.Orgs[parent].ID, org.Input{Name: name + "团委", Code: "FX-" + name, Level: level})
		if err != nil {
			t.Fatalf("fixture org %s: %v", name, err)
		}
		e.Orgs[name] = o
	}
	mk("D1", "C", org.LevelDistrict)
	mk("D2", "C", org.LevelDistrict)
	mk("S1", "C", org.LevelSystem)
	mk("U1", "D1", org.LevelUnit)
	mk("U2", "D2", org.LevelUnit)
	mk("U3", "S1", org.LevelUnit)
	mk("B1", "U1", org.LevelBranch)
	mk("B2", "U2", org.LevelBranch)
	for k, o := range e.Orgs { // refresh rollups and paths
		e.Orgs[k], _ = a.Orgs.FindByID(ctx, boot, o.ID)
	}
	rg, err := a.Orgs.CreateRegion(ctx, boot, org.RegionInput{OrgID: root.ID, Name: "陆家嘴测试区"})
	if err != nil {
		t.Fatalf("fixture region: %v", err)
	}
	for _, m := range []string{"U1", "U3"} {
		if err := a.Orgs.AddMember(ctx, boot, rg.ID, e.Orgs[m].ID); err != nil {
			t.Fatalf("fixture region member: %v", err)
		}
	}
	e.Region, _ = a.Orgs.FindRegionByID(ctx, boot, rg.ID)
	for _, login := range []string{"admin", "sysadmin", "secadmin", "auditor"} {
		u, err := a.Users.FindUserByLogin(ctx, login)
		if err != nil {
			t.Fatal(err)
		}
		if login != "admin" {
			if err := a.Users.SetPassword(ctx, u.ID, Password, false); err != nil {
				t.Fatal(err)
			}
		}
		e.Users[login] = u.ID
	}
	// Business users: <role>_<org>, e.g. org_admin_D1, cadre_U1, viewer_R1 (region).
	user := func(login, home string, role auth.Role, kind string, scope int64) {
		id, _, err := a.Users.CreateUser(ctx, boot, auth.NewUser{Login: strings.ToLower(login), Name: login, OrgID: e.Orgs[home].ID, Password: Password})
		if err != nil {
			t.Fatalf("fixture user %s: %v", login, err)
		}
		if role != "" {
			if _, err := a.Users.GrantRole(ctx, boot, auth.NewGrant{UserID: id, Role: role, ScopeKind: kind, ScopeID: scope}); err != nil {
				t.Fatalf("fixture grant %s: %v", login, err)
			}
		}
		e.Users[strings.ToLower(login)] = id
	}
	for _, o := range []string{"D1", "U1"} {
		user("org_admin_"+o, o, auth.OrgAdmin, "org", e.Orgs[o].ID)
		user("cadre_"+o, o, auth.Cadre, "org", e.Orgs[o].ID)
		user("viewer_"+o, o, auth.Viewer, "org", e.Orgs[o].ID)
	}
	user("viewer_r1", "C", auth.Viewer, "region", rg.ID)
	user("norole", "B1", "", "", 0)
	e.Server = httptest.NewServer(a.Handler())
	t.Cleanup(e.Server.Close)
	return e
}

// wire builds the instance every env runs: the fixed secret lets a clone
// read what its original's sessions and tokens wrote.
func wire(d *db.DB, logs *logBuffer) *app.App {
	return app.Wire(d, config.Default(), []byte("0123456789abcdef0123456789abcdef"), app.Options{Hash: auth.TestHash, Log: logs})
}

// Clone starts a second instance over a copy of e's SQLite database, so it
// holds e's fixture and everything written to e before the first Clone, at
// a fraction of New's cost: New commits every fixture write with a full
// sync, the copy is one file. e must not be written to after its first
// Clone (the copy is taken once). On PostgreSQL Clone returns nil.
func (e *Env) Clone(t testing.TB) *Env {
	t.Helper()
	if e.App.DB.Dialect != db.SQLite {
		return nil
	}
	e.snapOnce.Do(func() {
		e.snapshot = filepath.Join(e.T.TempDir(), "snapshot.db")
		_, e.snapErr = e.App.DB.W().ExecContext(context.Background(), `VACUUM INTO '`+strings.ReplaceAll(e.snapshot, "'", "''")+`'`)
	})
	if e.snapErr != nil {
		t.Fatalf("apptest: snapshot: %v", e.snapErr)
	}
	data, err := os.ReadFile(e.snapshot)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "clone.db")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(context.Background(), "sqlite:"+file)
	if err != nil {
		t.Fatalf("apptest: open clone: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	logs := &logBuffer{}
	c := &Env{T: t, App: wire(d, logs), Orgs: maps.Clone(e.Orgs), Region: e.Region, Users: maps.Clone(e.Users), Now: e.Now, logs: logs}
	c.Server = httptest.NewServer(c.App.Handler())
	t.Cleanup(c.Server.Close)
	return c
}

// Client is a browser-like client with its own cookies.
type Client struct {
	e     *Env
	http  *http.Client
	Token string // when set, sent as a bearer token instead of cookies
	// Header holds extra request headers (e.g. Accept-Language) sent with every request.
	Header http.Header
	tb     testing.TB // reports failures; the Env's test unless For was used
}

// For returns a copy of c that reports failures to t (inside a fuzz target
// or a subtest, where the Env's own test must not be used).
func (c *Client) For(t testing.TB) *Client {
	cp := *c
	cp.tb = t
	return &cp
}

func (c *Client) t() testing.TB {
	if c.tb != nil {
		return c.tb
	}
	return c.e.T
}

// Anon returns a client that is not logged in.
func (e *Env) Anon() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Login returns a client logged in as login (fixture password).
func (e *Env) Login(login string) *Client {
	e.T.Helper()
	c := e.Anon()
	res := c.PostForm("/login", url.Values{"login": {login}, "password": {Password}})
	if res.StatusCode != http.StatusSeeOther {
		e.T.Fatalf("login %s: status %d: %s", login, res.StatusCode, res.Body)
	}
	return c
}

// Bearer returns a client that calls the API with a fresh token of login.
func (e *Env) Bearer(login string) *Client {
	e.T.Helper()
	tok, err := e.App.Users.CreateToken(context.Background(), e.Users[login], "test", 24*time.Hour)
	if err != nil {
		e.T.Fatal(err)
	}
	c := e.Anon()
	c.Token = tok
	return c
}

// Response is a finished response with its body read.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       string
}

// JSON decodes the body into v.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

// Do sends a request; body may be nil, a string, url.Values (a form) or any
// value (sent as JSON).
func (c *Client) Do(method, path string, body any) *Response {
	c.t().Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ctype = strings.NewReader(b), "application/json"
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		j, _ := json.Marshal(b)
		rd, ctype = strings.NewReader(string(j)), "application/json"
	}
	req, err := http.NewRequest(method, c.e.Server.URL+path, rd)
	if err != nil {
		c.t().Fatal(err)
	}
	for k, v := range c.Header {
		req.Header[k] = v
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t().Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &Response{StatusCode: res.StatusCode, Header: res.Header, Body: string(b)}
}

// Get sends a GET.
func (c *Client) Get(path string) *Response { return c.Do("GET", path, nil) }

// PostForm posts a form.
func (c *Client) PostForm(path string, v url.Values) *Response { return c.Do("POST", path, v) }
