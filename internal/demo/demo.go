// Package demo fills an empty installation with a realistic Shanghai league
// organization tree: the sixteen district committees and the industry-system
// working committees under the root, their unit committees, general branches
// and branches, a few regions, and one demo account per business role. The
// same seed always gives the same tree.
package demo

import (
	"context"
	"fmt"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/cadre"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/person"
)

// Scale is the size of the tree: "small" (2,000 organizations) or "city"
// (50,000), the root included.
type Scale string

const (
	Small Scale = "small"
	City  Scale = "city"
)

// size is the number of organizations a scale makes, the root included.
func (s Scale) size() (int, error) {
	switch s {
	case Small, "":
		return 2000, nil
	case City:
		return 50000, nil
	}
	return 0, fmt.Errorf("demo: unknown scale %q (want small or city)", string(s))
}

// Options choose the scale ("" is small), the seed of the random choices,
// how many people to register and the day their ages count from.
type Options struct {
	Scale Scale
	Seed  int64
	// People is how many people to register: 0 is the scale's default
	// (20,000 small, 1,000,000 city), a negative number none.
	People int
	// Today is the day ages, league and skill dates count back from; the
	// zero value is the day of the load. With the same Seed and Today two
	// loads register the same people (it must not lie in the future).
	Today time.Time
}

// Services are what Load writes through. People may be nil: then the tree,
// regions and accounts are made but no people; Cadres may be nil: then no
// cadres are appointed.
type Services struct {
	DB     *db.DB
	Orgs   *org.Service
	Users  *auth.Service
	People *person.Service
	Cadres *cadre.Service
	Audit  *audit.Log
}

// Account is a demo account. Password is shown to the operator once; only
// its hash is stored.
type Account struct {
	Login, Name, Role, Scope, Password string
}

// Result is what Load made: the organizations created (the root excluded),
// the regions, the accounts and the people registered.
type Result struct {
	Orgs, Regions, People, Cadres, Campaigns, Events int
	Plans, Recommendations                           int
	Courses, Credited                                int // courses held, learners credited
	Accounts                                         []Account
}

// ErrNotEmpty is returned when the tree holds more than the root.
var ErrNotEmpty = errs.E(errs.Conflict, "err.demo_not_empty")

// Load fills an empty tree (only the root 共青团上海市委 exists; it is created
// when missing) and returns what it made. It refuses with ErrNotEmpty when
// the database already holds more than the root organization.
//
// The organizations are written directly, in one transaction together with
// a single "demo.load" audit record, and the rollups are rebuilt once
// afterwards; regions and accounts go through the org and accounts
// services, which audit each change; people go through the registry's
// Bulk, which checks and audits them as an import does.
func Load(ctx context.Context, s Services, opt Options) (Result, error) {
	d, orgs, log := s.DB, s.Orgs, s.Audit
	size, err := opt.Scale.size()
	if err != nil {
		return Result{}, err
	}
	people := opt.People
	switch {
	case s.People == nil || people < 0:
		people = 0
	case people == 0:
		people = opt.Scale.people()
	}
	if m := audit.MetaFrom(ctx); m.Login == "" {
		m.Login = "demo"
		ctx = audit.WithMeta(ctx, m)
	}
	root, err := orgs.CreateRoot(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("demo: root: %w", err)
	}
	firstID, err := emptyTree(ctx, d.R())
	if err != nil {
		return Result{}, err
	}
	t := build(newGen(opt.Seed), root, firstID, size, opt.Scale == City)
	members := t.chooseMembers()

	err = d.InTx(ctx, func(tx *db.Tx) error {
		// Check again inside the transaction: another load may have run since.
		if id, err := emptyTree(ctx, tx); err != nil {
			return err
		} else if id != firstID {
			return fmt.Errorf("demo: the tree changed while loading: %w", ErrNotEmpty)
		}
		if err := insertOrgs(ctx, tx, t.nodes, time.Now().UTC()); err != nil {
			return err
		}
		return log.Record(ctx, tx, audit.Entry{Action: "demo.load", ObjectType: "org", ObjectID: root.ID, OrgID: root.ID,
			Summary: fmt.Sprintf("scale=%s seed=%d %s people=%d", opt.Scale.name(), opt.Seed, t.counts(), people)})
	})
	if err != nil {
		return Result{}, err
	}
	if err := orgs.RebuildRollups(ctx); err != nil {
		return Result{}, fmt.Errorf("demo: rollups: %w", err)
	}
	if err := orgs.FillInitials(ctx); err != nil {
		return Result{}, fmt.Errorf("demo: initials: %w", err)
	}
	// Fresh statistics after a bulk load, so the planners pick the indexes
	// from the first request on.
	if err := d.Analyze(ctx); err != nil {
		return Result{}, fmt.Errorf("demo: analyze: %w", err)
	}
	regionIDs, err := createRegions(ctx, orgs, root, t, members)
	if err != nil {
		return Result{}, err
	}
	accounts, err := createAccounts(ctx, s.Users, t.accountSpecs(root, regionIDs))
	if err != nil {
		return Result{}, err
	}
	res := Result{Orgs: len(t.nodes), Regions: len(regionIDs), Accounts: accounts}
	if people > 0 {
		if res.People, err = loadPeople(ctx, s.People, root, t, opt, people); err != nil {
			return res, err
		}
		if s.Cadres != nil {
			today := opt.Today
			if today.IsZero() {
				today = time.Now()
			}
			// About one cadre per thirteen people: ~1,500 in the small demo.
			if res.Cadres, err = loadCadres(ctx, d, s.Cadres, root, opt.Seed, today, max(people/13, 1)); err != nil {
				return res, err
			}
		}
		today := opt.Today
		if today.IsZero() {
			today = time.Now()
		}
		if res.Campaigns, err = loadCampaigns(ctx, s, root, opt.Seed, today); err != nil {
			return res, err
		}
		if res.Events, err = loadEvents(ctx, s, root, opt.Seed, today); err != nil {
			return res, err
		}
		var linked []Account
		if res.Plans, res.Recommendations, linked, err = loadCareer(ctx, s, root, opt.Seed, today); err != nil {
			return res, err
		}
		res.Accounts = append(res.Accounts, linked...)
		if res.Courses, res.Credited, err = loadSkills(ctx, s, root, opt.Seed, today); err != nil {
			return res, err
		}
		if err := d.Analyze(ctx); err != nil {
			return res, fmt.Errorf("demo: analyze: %w", err)
		}
	}
	return res, nil
}

// emptyTree checks that only the root exists and returns the first free ID.
func emptyTree(ctx context.Context, q db.Q) (int64, error) {
	var n, maxID int64
	if err := q.QueryRowContext(ctx, `SELECT count(*), COALESCE(max(id), 0) FROM orgs`).Scan(&n, &maxID); err != nil {
		return 0, fmt.Errorf("demo: count organizations: %w", err)
	}
	if n > 1 {
		return 0, fmt.Errorf("demo: the database already holds %d organizations: %w", n, ErrNotEmpty)
	}
	return maxID + 1, nil
}

// name is the scale as recorded: "" means small.
func (s Scale) name() Scale {
	if s == "" {
		return Small
	}
	return s
}

// counts summarizes the tree by level, for the audit record.
func (t *tree) counts() string {
	by := map[string]int{}
	for _, n := range t.nodes {
		by[n.level]++
	}
	s := fmt.Sprintf("orgs=%d", len(t.nodes))
	for _, l := range org.Levels[1:] {
		s += fmt.Sprintf(" %s=%d", l, by[l])
	}
	return s
}

// accountSpecs names the demo accounts: an administrator of the whole
// tree, an administrator and a cadre of the Pudong committee, a viewer of
// the metro line and a viewer of the Lujiazui region.
func (t *tree) accountSpecs(root *org.Org, regionIDs []int64) []accountSpec {
	pudong := &t.nodes[districtIndex("pudong")] // the committees come first, in line order
	var metro *node
	for i := range t.lines {
		if t.nodes[i].name == "申通地铁集团团委" {
			metro = &t.nodes[i]
		}
	}
	specs := []accountSpec{
		{"city_admin", "演示·团市委管理员", auth.OrgAdmin, root.ID, "org", root.ID, "org:" + root.Name},
		{"pudong_admin", "演示·浦东新区团委管理员", auth.OrgAdmin, pudong.id, "org", pudong.id, "org:" + pudong.name},
		{"pudong_cadre", "演示·浦东新区团委干部", auth.Cadre, pudong.id, "org", pudong.id, "org:" + pudong.name},
		{"metro_viewer", "演示·地铁团委查看员", auth.Viewer, metro.id, "org", metro.id, "org:" + metro.name},
		{"lujiazui_viewer", "演示·陆家嘴金融城查看员", auth.Viewer, root.ID, "region", regionIDs[0], "region:" + regionSpecs[0].name},
	}
	// The expert reviewers of the demo selections, homed in five districts
	// (so conflicts of interest come up), viewers there.
	for i, login := range reviewerLogins {
		d := &t.nodes[i*3]
		specs = append(specs, accountSpec{login, "演示·评审专家" + ordinal(i+1), auth.Viewer, d.id, "org", d.id, "org:" + d.name})
	}
	return specs
}
