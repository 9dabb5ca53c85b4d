package demo_test

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"
	"unicode/utf8"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/cadre"
	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/demo"
	"qinggong/internal/org"
	"qinggong/internal/person"
	"qinggong/internal/pii"
	"qinggong/internal/skills"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// env is one database with its services and the root organization.
type env struct {
	d      *db.DB
	log    *audit.Log
	orgs   *org.Service
	users  *auth.Service
	people *person.Service
	cadres *cadre.Service
	root   *org.Org
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	log := audit.New([]byte("demo-test-audit-key-0123456789abcdef"), nil)
	e := &env{d: d, log: log, orgs: org.New(d, log, nil), users: auth.New(d, log, auth.TestHash, nil)}
	seal, err := pii.NewSealer(1, bytes.Repeat([]byte{3}, 32), bytes.Repeat([]byte{5}, 32))
	if err != nil {
		t.Fatal(err)
	}
	e.people = person.New(d, log, e.orgs, seal, nil)
	e.cadres = cadre.New(d, log, e.orgs, nil)
	root, err := e.orgs.CreateRoot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e.root = root
	return e
}

// services are the env's services for Load.
func (e *env) services() demo.Services {
	return demo.Services{DB: e.d, Orgs: e.orgs, Users: e.users, People: e.people, Cadres: e.cadres, Audit: e.log}
}

func (e *env) load(t *testing.T, opt demo.Options) demo.Result {
	t.Helper()
	res, err := demo.Load(context.Background(), e.services(), opt)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return res
}

// row is an organization as stored.
type row struct {
	id, parent                               int64
	path                                     string
	depth                                    int
	code, name, level, unitType, district    string
	address, contact, established, shortName string
	children, descendants                    int
}

func (e *env) rows(t *testing.T) []row {
	t.Helper()
	rs, err := e.d.R().QueryContext(context.Background(), `SELECT id, COALESCE(parent_id, 0), path, depth, code, name, level,
		unit_type, district, address, contact, established, short_name, children, descendants FROM orgs ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []row
	for rs.Next() {
		var r row
		if err := rs.Scan(&r.id, &r.parent, &r.path, &r.depth, &r.code, &r.name, &r.level, &r.unitType, &r.district,
			&r.address, &r.contact, &r.established, &r.shortName, &r.children, &r.descendants); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

var (
	codePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{2,40}$`)
	rank        = map[string]int{org.LevelCity: 0, org.LevelDistrict: 1, org.LevelSystem: 1, org.LevelUnit: 2,
		org.LevelGeneralBranch: 3, org.LevelBranch: 4}
)

func TestLoadSmall(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		res, took := loadTimed(t, e, demo.Options{Scale: demo.Small, Seed: 1})
		t.Logf("small scale on %s: %d organizations, %d people in %s", d.Dialect, res.Orgs+1, res.People, took)
		rows := e.rows(t)
		if n := len(rows); n < 1960 || n > 2040 || res.Orgs != n-1 {
			t.Fatalf("%d organizations stored, Result.Orgs = %d; want 2,000 ± 2%%", n, res.Orgs)
		}
		checkTree(t, rows)
		if bad, err := e.orgs.CheckRollups(ctx); err != nil || len(bad) > 0 {
			t.Fatalf("CheckRollups = %d bad (%v), %v", len(bad), bad[:min(5, len(bad))], err)
		}
		if root := rows[0]; root.descendants != len(rows)-1 || root.children != 28 {
			t.Fatalf("root rollups: %d children, %d descendants", root.children, root.descendants)
		}
		checkRegions(t, e, rows, res.Regions, 10, 40)
		checkAudit(t, e)
		// About 1,500 cadres: secretaries and some deputies, mostly part-time.
		if res.Cadres < 1200 || res.Cadres > 1600 {
			t.Errorf("Result.Cadres = %d; want about 1,500", res.Cadres)
		}
		var serving, partTime int
		if err := e.d.R().QueryRowContext(context.Background(), `SELECT count(*), count(CASE WHEN basis = 'part_time' THEN 1 END)
			FROM cadres WHERE status = 'serving'`).Scan(&serving, &partTime); err != nil || serving != res.Cadres || partTime*10 < serving*7 {
			t.Errorf("cadres stored: %d serving, %d part-time (%v); want all %d serving, most part-time", serving, partTime, err, res.Cadres)
		}
		if res.People != 20000 {
			t.Fatalf("Result.People = %d; want 20,000", res.People)
		}
		checkPeople(t, e, res.People, time.Time{})
		checkCareer(t, e, res)
		if res.Courses != 11 || res.Credited < 150 {
			t.Errorf("Result.Courses = %d, Credited = %d; want 11 and some 250", res.Courses, res.Credited)
		}
		if bad, err := skills.New(e.d, e.log, e.orgs, e.people, nil, nil, nil).Check(ctx); err != nil || len(bad) > 0 {
			t.Errorf("demo credit sums differ from the ledger: %v %v", bad, err)
		}
		// The identity sequence (PostgreSQL) must have moved past the explicit IDs.
		admin := &auth.Actor{Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: e.root.ID, Paths: []string{e.root.Path}}}}
		o, err := e.orgs.Create(ctx, admin, rows[1].id, org.Input{Name: "新建单位团委", Code: "NEW-UNIT", Level: org.LevelUnit})
		if err != nil || o.ID <= rows[len(rows)-1].id {
			t.Fatalf("Create after load: %v, %v", o, err)
		}
	})
}

// checkTree checks every organization on its own and against its parent.
func checkTree(t *testing.T, rows []row) {
	t.Helper()
	byID := map[int64]*row{}
	codes := map[string]bool{}
	levels := map[string]int{}
	systemUnitDistricts := map[string]bool{}
	for i := range rows {
		r := &rows[i]
		byID[r.id] = r
		levels[r.level]++
		if codes[r.code] {
			t.Fatalf("code %s is used twice", r.code)
		}
		codes[r.code] = true
		if !codePattern.MatchString(r.code) || r.name == "" || utf8.RuneCountInString(r.name) > 100 ||
			utf8.RuneCountInString(r.shortName) > 30 || utf8.RuneCountInString(r.address) > 200 || utf8.RuneCountInString(r.contact) > 100 {
			t.Fatalf("invalid organization %+v", *r)
		}
		if r.district == "" || !slices.Contains(org.Districts, r.district) || (r.unitType != "" && !slices.Contains(org.UnitTypes, r.unitType)) {
			t.Fatalf("%s: district %q, unit type %q", r.code, r.district, r.unitType)
		}
		if i == 0 {
			continue // the root, made by CreateRoot
		}
		if d, err := time.Parse("2006-01-02", r.established); err != nil || !d.Before(time.Now()) {
			t.Fatalf("%s: established %q", r.code, r.established)
		}
		if r.address == "" || r.contact == "" {
			t.Fatalf("%s: no address or contact", r.code)
		}
		p, ok := byID[r.parent]
		if !ok {
			t.Fatalf("%s: parent %d not stored before it", r.code, r.parent)
		}
		if r.path != p.path+strconv.FormatInt(r.id, 10)+"/" || r.depth != p.depth+1 {
			t.Fatalf("%s: path %s depth %d under %s depth %d", r.code, r.path, r.depth, p.path, p.depth)
		}
		if !(rank[r.level] > rank[p.level] || (p.level == org.LevelUnit && r.level == org.LevelUnit)) {
			t.Fatalf("%s (%s) under %s (%s) breaks the level order", r.code, r.level, p.code, p.level)
		}
		if r.level == org.LevelUnit && r.unitType == "" {
			t.Fatalf("%s: unit without unit type", r.code)
		}
		if r.level == org.LevelUnit && p.level == org.LevelSystem {
			systemUnitDistricts[r.district] = true
		}
	}
	if levels[org.LevelDistrict] != 16 || levels[org.LevelSystem] < 10 || levels[org.LevelUnit] == 0 ||
		levels[org.LevelGeneralBranch] == 0 || levels[org.LevelBranch] == 0 {
		t.Fatalf("levels: %v", levels)
	}
	for i, key := range org.Districts {
		if r := rows[1+i]; r.level != org.LevelDistrict || r.district != key || r.parent != rows[0].id {
			t.Fatalf("district committee %d is %s %s (%s)", i+1, r.code, r.name, r.district)
		}
	}
	// 条/块: the system lines' units sit in many districts.
	if len(systemUnitDistricts) < 6 {
		t.Fatalf("system units sit in only %d districts", len(systemUnitDistricts))
	}
}

// checkRegions checks that the regions hold unit committees of several
// lines, located in the region's district.
func checkRegions(t *testing.T, e *env, rows []row, n, lo, hi int) {
	t.Helper()
	ctx := context.Background()
	admin := &auth.Actor{Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: e.root.ID, Paths: []string{e.root.Path}}}}
	regions, err := e.orgs.FindRegions(ctx, admin, "", 0)
	if err != nil || len(regions) != n || n != 4 {
		t.Fatalf("FindRegions = %d regions, %v; Result.Regions = %d", len(regions), err, n)
	}
	want := map[string]string{"陆家嘴金融城": "pudong", "张江科学城": "pudong", "虹桥国际中央商务区": "minhang", "临港新片区": "pudong"}
	byID := map[int64]row{}
	for _, r := range rows {
		byID[r.id] = r
	}
	for _, rg := range regions {
		p, err := e.orgs.RegionMembers(ctx, admin, rg.ID, "", 200)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Orgs) < lo || len(p.Orgs) > hi || rg.Members != len(p.Orgs) || rg.OrgID != e.root.ID {
			t.Fatalf("%s: %d members (counter %d)", rg.Name, len(p.Orgs), rg.Members)
		}
		lines := map[int64]bool{}
		for _, m := range p.Orgs {
			if m.Level != org.LevelUnit || m.District != want[rg.Name] {
				t.Fatalf("%s: member %s is a %s in %s", rg.Name, m.Code, m.Level, m.District)
			}
			lines[ancestorAt(byID, m.ID, 2)] = true
		}
		if len(lines) < 2 {
			t.Fatalf("%s: members from %d line(s)", rg.Name, len(lines))
		}
	}
}

// ancestorAt returns the ID of id's ancestor at depth (2: the line committee).
func ancestorAt(byID map[int64]row, id int64, depth int) int64 {
	for byID[id].depth > depth {
		id = byID[id].parent
	}
	return id
}

// checkAudit checks the chain and that the organizations were recorded once.
func checkAudit(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	if _, prob, err := e.log.Verify(ctx, e.d.R()); err != nil || prob != nil {
		t.Fatalf("audit Verify: %v, %v", prob, err)
	}
	var loads, creates int
	e.d.R().QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE action = 'demo.load'`).Scan(&loads)
	e.d.R().QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE action = 'org.create'`).Scan(&creates)
	if loads != 1 || creates != 1 { // the one org.create is the root's
		t.Fatalf("audit: %d demo.load, %d org.create", loads, creates)
	}
}

func TestLoadRefusesNonEmptyTree(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		t.Run("SecondLoad", func(t *testing.T) {
			e := newEnv(t, dbtest.Open(t, dbName(d)))
			e.load(t, demo.Options{Scale: demo.Small, Seed: 3, People: 1000})
			before, people := len(e.rows(t)), e.peopleCount(t)
			_, err := demo.Load(ctx, e.services(), demo.Options{Scale: demo.Small, Seed: 3, People: 1000})
			if !errors.Is(err, demo.ErrNotEmpty) {
				t.Fatalf("second Load: %v; want ErrNotEmpty", err)
			}
			if after := len(e.rows(t)); after != before || e.peopleCount(t) != people || people != 1000 {
				t.Fatalf("refused Load changed the data: %d → %d organizations, %d → %d people", before, after, people, e.peopleCount(t))
			}
		})
		t.Run("OneOrgCreated", func(t *testing.T) {
			e := newEnv(t, d)
			admin := &auth.Actor{Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: e.root.ID, Paths: []string{e.root.Path}}}}
			if _, err := e.orgs.Create(ctx, admin, e.root.ID, org.Input{Name: "黄浦区团委", Code: "HP", Level: org.LevelDistrict}); err != nil {
				t.Fatal(err)
			}
			_, err := demo.Load(ctx, e.services(), demo.Options{Scale: demo.Small, Seed: 1})
			if !errors.Is(err, demo.ErrNotEmpty) {
				t.Fatalf("Load: %v; want ErrNotEmpty", err)
			}
		})
		t.Run("UnknownScale", func(t *testing.T) {
			e := newEnv(t, d)
			if _, err := demo.Load(ctx, e.services(), demo.Options{Scale: "huge"}); err == nil {
				t.Fatal("Load accepted scale huge")
			}
		})
	})
}

func dbName(d *db.DB) string { return d.Dialect.String() }

// TestDeterministic loads the same seed into two databases of every kind:
// every (code, name, path) and every person agrees, across engines too;
// another seed differs.
func TestDeterministic(t *testing.T) {
	today := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	key := func(t *testing.T, name string, seed int64) []string {
		e := newEnv(t, dbtest.Open(t, name))
		e.load(t, demo.Options{Scale: demo.Small, Seed: seed, People: 2000, Today: today})
		var out []string
		for _, r := range e.rows(t) {
			out = append(out, r.code+"\t"+r.name+"\t"+r.path+"\t"+r.address)
		}
		return append(out, e.peopleKeys(t)...)
	}
	var first []string
	for _, name := range dbtest.Names() {
		a, b := key(t, name, 42), key(t, name, 42)
		if !slices.Equal(a, b) {
			t.Fatalf("%s: two loads with seed 42 differ", name)
		}
		if first == nil {
			first = a
		} else if !slices.Equal(first, a) {
			t.Fatalf("%s: seed 42 differs from the first database's", name)
		}
		if c := key(t, name, 43); slices.Equal(a, c) {
			t.Fatalf("%s: seeds 42 and 43 give the same tree", name)
		}
	}
}

// checkCareer: the year's plans and recommendations are there, the unit
// rollups agree with the rows, and the two career logins were made.
func checkCareer(t *testing.T, e *env, res demo.Result) {
	t.Helper()
	ctx := context.Background()
	if res.Plans < 100 || res.Recommendations != 20 {
		t.Errorf("Result.Plans = %d, Recommendations = %d; want about 160 and 20", res.Plans, res.Recommendations)
	}
	var plans, rolled, mentored, withMentor, reviewed, recent int
	q := e.d.R()
	if err := q.QueryRowContext(ctx, `SELECT count(*), count(CASE WHEN mentor_id <> 0 THEN 1 END) FROM career_plans`).Scan(&plans, &withMentor); err != nil {
		t.Fatal(err)
	}
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(plans), 0), COALESCE(SUM(mentored), 0) FROM career_rollup WHERE org_id = $1`, e.root.ID).
		Scan(&rolled, &mentored); err != nil {
		t.Fatal(err)
	}
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM career_plans WHERE last_review IS NOT NULL`).Scan(&reviewed); err != nil {
		t.Fatal(err)
	}
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(plans), 0) FROM career_review_rollup WHERE org_id = $1`, e.root.ID).Scan(&recent); err != nil {
		t.Fatal(err)
	}
	if plans != res.Plans || rolled != plans || mentored != withMentor || recent != reviewed || reviewed == 0 || withMentor == 0 {
		t.Errorf("plans %d (result %d), rolled up %d; mentored %d rolled %d; reviewed %d rolled %d", plans, res.Plans, rolled, withMentor, mentored, reviewed, recent)
	}
	logins := map[string]bool{}
	for _, a := range res.Accounts {
		logins[a.Login] = a.Password != ""
	}
	if !logins["qingnian"] || !logins["daoshi"] {
		t.Errorf("career logins missing from %v", logins)
	}
}
