package org

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

const columns = `id, COALESCE(parent_id, 0), path, depth, name, short_name, code, level, unit_type, district,
	address, contact, established, status, children, descendants, created_at, updated_at`

// briefColumns are what tree and list pages show; leaving out the free text
// and the timestamps halves the cost of decoding a page of rows.
const briefColumns = `id, name, code, level, status, children, descendants`

func scanBrief(sc interface{ Scan(...any) error }, o *Org) error {
	return sc.Scan(&o.ID, &o.Name, &o.Code, &o.Level, &o.Status, &o.Children, &o.Descendants)
}

func scanOrg(sc interface{ Scan(...any) error }, o *Org) error {
	return sc.Scan(&o.ID, &o.ParentID, &o.Path, &o.Depth, &o.Name, &o.ShortName, &o.Code, &o.Level, &o.UnitType,
		&o.District, &o.Address, &o.Contact, &o.Established, &o.Status, &o.Children, &o.Descendants, &o.CreatedAt, &o.UpdatedAt)
}

func byID(ctx context.Context, q db.Q, id int64) (*Org, error) {
	var o Org
	err := scanOrg(q.QueryRowContext(ctx, `SELECT `+columns+` FROM orgs WHERE id = $1`, id), &o)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return &o, err
}

// FindByID returns the organization if the actor may read it; outside the
// actor's scope it is NotFound, exactly like a missing one.
func (s *Service) FindByID(ctx context.Context, by *auth.Actor, id int64) (*Org, error) {
	o, err := s.cachedByID(ctx, actorVersion(by), id)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.OrgRead, o.Path) {
		return nil, errs.ErrNotFound
	}
	return o, nil
}

// Root returns the root organization (no scope check: its name is public).
func (s *Service) Root(ctx context.Context) (*Org, error) {
	var o Org
	err := scanOrg(s.db.R().QueryRowContext(ctx, `SELECT `+columns+` FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1`), &o)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return &o, err
}

// Ancestors returns the chain from the root down to o's parent that the
// actor may read (for breadcrumbs).
func (s *Service) Ancestors(ctx context.Context, by *auth.Actor, o *Org) ([]Org, error) {
	ids := db.PathIDs(o.Path)
	if len(ids) < 2 {
		return nil, nil
	}
	out := make([]Org, 0, len(ids)-1)
	for _, id := range ids[:len(ids)-1] {
		a, err := s.cachedByID(ctx, actorVersion(by), id)
		if err != nil {
			return nil, err
		}
		if by.Can(auth.OrgRead, a.Path) {
			out = append(out, *a)
		}
	}
	return out, nil
}

// actorVersion is the cache version the actor's request read ("" for none).
func actorVersion(a *auth.Actor) string {
	if a == nil {
		return ""
	}
	return a.Version
}

// Page is one page of a keyset-paged list; Next is the cursor of the next
// page, "" on the last.
type Page struct {
	Orgs []Org
	Next string
}

// Filter selects organizations for lists.
type Filter struct {
	Under    int64  // only this organization's subtree (0: the actor's whole scope)
	Parent   int64  // only direct children of this organization
	Query    string // name prefix or exact code
	Level    string
	District string
	Status   string // "active" (default), "archived" or "all"
	After    string // cursor from the previous page
	Limit    int
	// Brief reads only what tree and list pages show: ID, name, code,
	// level, status and the two counts.
	Brief bool
}

// Find lists organizations in the actor's OrgRead scope, in code order,
// keyset-paged (no OFFSET, no COUNT).
func (s *Service) Find(ctx context.Context, by *auth.Actor, f Filter) (Page, error) {
	if f.Parent > 0 && f.Under == 0 && f.Query == "" && f.Level == "" && f.District == "" && actorVersion(by) != "" {
		return s.children(ctx, by, f)
	}
	return s.find(ctx, by, f)
}

// children is one page of a parent's children. Scopes are whole subtrees,
// so whoever can read the parent can read all its children: the page is
// the same for every such actor and is cached under the cache version.
// A parent outside the actor's scope lists nothing.
func (s *Service) children(ctx context.Context, by *auth.Actor, f Filter) (Page, error) {
	if _, err := s.FindByID(ctx, by, f.Parent); err != nil {
		if errs.KindOf(err) == errs.NotFound {
			return Page{}, nil
		}
		return Page{}, err
	}
	key := fmt.Sprintf("%d|%s|%s|%d|%t", f.Parent, f.Status, f.After, f.Limit, f.Brief)
	if p, ok := s.cache.page(by.Version, key); ok {
		return p, nil
	}
	p, err := s.find(ctx, by, f)
	if err != nil {
		return Page{}, err
	}
	s.cache.putPage(by.Version, key, p)
	return p, nil
}

func (s *Service) find(ctx context.Context, by *auth.Actor, f Filter) (Page, error) {
	var a db.Args
	var where []string
	where = append(where, by.Scope(auth.OrgRead).Where("path", &a))
	if f.Parent > 0 {
		where = append(where, "parent_id = "+a.Add(f.Parent))
	}
	if f.Under > 0 {
		u, err := s.FindByID(ctx, by, f.Under)
		if err != nil {
			return Page{}, err
		}
		where = append(where, "path >= "+a.Add(u.Path), "path < "+a.Add(db.PathUpper(u.Path)))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, "((name >= "+a.Add(q)+" AND name < "+a.Add(q+"\U0010FFFF")+") OR code = "+a.Add(q)+")")
	}
	if f.Level != "" {
		where = append(where, "level = "+a.Add(f.Level))
	}
	if f.District != "" {
		where = append(where, "district = "+a.Add(f.District))
	}
	switch f.Status {
	case "all":
	case "archived":
		where = append(where, "status = 'archived'")
	default:
		where = append(where, "status = 'active'")
	}
	if f.After != "" {
		where = append(where, "code > "+a.Add(f.After))
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	cols, scan := columns, scanOrg
	if f.Brief {
		cols, scan = briefColumns, scanBrief
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+cols+` FROM orgs WHERE `+strings.Join(where, " AND ")+
		` ORDER BY code LIMIT `+a.Add(f.Limit+1), a.List()...)
	if err != nil {
		return Page{}, err
	}
	defer rows.Close()
	var p Page
	p.Orgs = make([]Org, 0, min(f.Limit+1, 32))
	for rows.Next() {
		var o Org
		if err := scan(rows, &o); err != nil {
			return Page{}, err
		}
		p.Orgs = append(p.Orgs, o)
	}
	if len(p.Orgs) > f.Limit {
		p.Orgs = p.Orgs[:f.Limit]
		p.Next = p.Orgs[f.Limit-1].Code
	}
	return p, rows.Err()
}

// Tops returns the highest organizations of the actor's read scope: the
// starting points of the tree browser.
func (s *Service) Tops(ctx context.Context, by *auth.Actor) ([]Org, error) {
	sc := by.Scope(auth.OrgRead)
	if sc.All {
		r, err := s.Root(ctx)
		if err != nil {
			return nil, err
		}
		return []Org{*r}, nil
	}
	var out []Org
	for _, p := range sc.Prefixes {
		ids := db.PathIDs(p)
		o, err := byID(ctx, s.db.R(), ids[len(ids)-1])
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, nil
}

// SubtreeCount is the number of active organizations under id (itself
// excluded), read from the rollup column.
func (s *Service) SubtreeCount(ctx context.Context, by *auth.Actor, id int64) (int, error) {
	o, err := s.FindByID(ctx, by, id)
	if err != nil {
		return 0, err
	}
	return o.Descendants, nil
}

// CheckRollups recomputes every organization's children and descendants
// counts by scanning and returns the IDs whose stored rollups differ.
func (s *Service) CheckRollups(ctx context.Context) ([]int64, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT o.id, o.children, o.descendants,
		(SELECT count(*) FROM orgs c WHERE c.parent_id = o.id AND c.status = 'active'),
		(SELECT count(*) FROM orgs d WHERE d.path > o.path AND d.path < `+pathUpperSQL("o.path")+` AND d.status = 'active')
		FROM orgs o ORDER BY o.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var bad []int64
	for rows.Next() {
		var id int64
		var c, d, c2, d2 int
		if err := rows.Scan(&id, &c, &d, &c2, &d2); err != nil {
			return nil, err
		}
		if c != c2 || d != d2 {
			bad = append(bad, id)
		}
	}
	return bad, rows.Err()
}

// pathUpperSQL is db.PathUpper in SQL, for maintenance scans.
func pathUpperSQL(col string) string {
	return "substr(" + col + ", 1, length(" + col + ") - 1) || '0'"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
