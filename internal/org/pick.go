package org

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// PickLimit is how many organizations the picker offers at once.
const PickLimit = 20

// Pick is a picker's question: organizations in the actor's scope for
// Perm whose code, name, short name or pinyin initials start with Query.
type Pick struct {
	Query string
	Perm  auth.Permission // whose scope; "" is OrgRead
	Under int64           // only this subtree (0: the whole scope); outside the scope NotFound
	// Except leaves out this organization's subtree (a move's new parent
	// cannot lie in the moved subtree); 0 for none, unknown ignored.
	Except int64
}

// PickPerm reads a picker's permission parameter: "" is OrgRead; anything
// but a permission checked on organizations is refused.
func PickPerm(v string) (auth.Permission, error) {
	if v == "" {
		return auth.OrgRead, nil
	}
	for _, p := range auth.Permissions() {
		if string(p) == v && !p.Global() {
			return p, nil
		}
	}
	return "", (errs.Fields{"perm": "err.choose"}).Err()
}

// Pick returns at most PickLimit active organizations matching p, best
// first: the exact code, then codes, names, short names and initials that
// start with the query. In a scope of up to pickWalkMax organizations the
// scope's path ranges are walked once; in a larger one every field is a
// prefix range on its own index walked in order with a LIMIT, filtered by
// the scope (Scope.Where). Either way a lookup is a bounded walk whatever
// the tree's size. An empty query, or an actor without the permission
// anywhere, finds nothing; Under outside the scope is NotFound.
func (s *Service) Pick(ctx context.Context, by *auth.Actor, p Pick) ([]Org, error) {
	if p.Perm == "" {
		p.Perm = auth.OrgRead
	}
	q := strings.TrimSpace(p.Query)
	if n := len([]rune(q)); n > 50 {
		return nil, (errs.Fields{"q": "err.too_long"}).Err()
	}
	var under *Org
	if p.Under > 0 {
		o, err := byID(ctx, s.db.R(), p.Under)
		if err != nil || !by.Can(p.Perm, o.Path) {
			return nil, errs.ErrNotFound
		}
		under = o
	}
	sc := by.Scope(p.Perm)
	if q == "" || sc.Empty() {
		return []Org{}, nil
	}
	// Each search: a condition over one indexed column and that column.
	type search struct{ col, lo, hi string }
	var searches []search
	prefix := func(col, v string) { searches = append(searches, search{col, v, v + "\U0010FFFF"}) }
	prefix("code", q)
	if up := strings.ToUpper(q); up != q {
		prefix("code", up) // codes are mostly upper case; typing them is not
	}
	prefix("name", q)
	prefix("short_name", q)
	if ascii(q) {
		low := strings.ToLower(q)
		prefix("initials", low)
		prefix("short_initials", low)
	}
	// A small scope is walked once, by its path ranges, every search in
	// one condition; otherwise each search walks its column's index in
	// order, LIMIT PickLimit. Either way the rows are ranked here.
	small, err := s.smallScope(ctx, by, sc, under)
	if err != nil {
		return nil, err
	}
	type query struct {
		sql  string
		args []any
	}
	var except *Org
	if p.Except > 0 {
		var err error
		if except, err = s.cachedByID(ctx, actorVersion(by), p.Except); err != nil && errs.KindOf(err) != errs.NotFound {
			return nil, err
		}
	}
	where := func(a *db.Args) string {
		w := sc.Where("path", a) + " AND status = 'active'"
		if under != nil {
			w += " AND path >= " + a.Add(under.Path) + " AND path < " + a.Add(db.PathUpper(under.Path))
		}
		if except != nil {
			w += " AND NOT (path >= " + a.Add(except.Path) + " AND path < " + a.Add(db.PathUpper(except.Path)) + ")"
		}
		return w
	}
	var queries []query
	if small {
		// One walk of the scope's path ranges (ORDER BY path keeps the
		// planner on them), which hold at most pickWalkMax rows.
		var a db.Args
		w := where(&a)
		conds := make([]string, len(searches))
		for i, se := range searches {
			// An expression over the column hides its index, or both
			// planners would OR the columns' indexes over the whole city.
			col := "+" + se.col
			if s.db.Dialect == db.Postgres {
				col = "(" + se.col + " || '')"
			}
			conds[i] = "(" + col + " >= " + a.Add(se.lo) + " AND " + col + " < " + a.Add(se.hi) + ")"
		}
		queries = append(queries, query{`SELECT ` + pickColumns + ` FROM orgs WHERE ` + w + ` AND (` + strings.Join(conds, " OR ") +
			`) ORDER BY path LIMIT ` + a.Add(pickWalkMax+1), a.List()})
	} else {
		for _, se := range searches {
			var a db.Args
			w := where(&a)
			queries = append(queries, query{`SELECT ` + pickColumns + ` FROM orgs WHERE ` + w + ` AND ` + se.col + ` >= ` + a.Add(se.lo) +
				` AND ` + se.col + ` < ` + a.Add(se.hi) + ` ORDER BY ` + se.col + `, id LIMIT ` + a.Add(PickLimit), a.List()})
		}
	}
	seen := map[int64]bool{}
	var found []picked
	for _, qy := range queries {
		rows, err := s.db.R().QueryContext(ctx, qy.sql, qy.args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var c picked
			if err := scanPicked(rows, &c); err != nil {
				rows.Close()
				return nil, err
			}
			if !seen[c.ID] {
				seen[c.ID] = true
				c.rank, c.key = pickRank(&c, q)
				found = append(found, c)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(found, func(x, y picked) int {
		return cmp.Or(cmp.Compare(x.rank, y.rank), strings.Compare(x.key, y.key), cmp.Compare(x.ID, y.ID))
	})
	// The chosen few in full, mostly from the cache of organizations.
	out := make([]Org, 0, min(len(found), PickLimit))
	for i := 0; i < len(found) && i < PickLimit; i++ {
		o, err := s.cachedByID(ctx, actorVersion(by), found[i].ID)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, nil
}

// pickColumns are what ranking reads: a district's walk may match most
// of its 1,500 organizations ("s"), and decoding whole rows for them cost
// 16 ms on SQLite against 2 for these.
const pickColumns = `id, code, name, short_name, initials, short_initials`

// picked is a candidate organization with its rank.
type picked struct {
	ID                                             int64
	Code, Name, ShortName, initials, shortInitials string
	rank                                           int    // pickRank's
	key                                            string // the matched field, ordering within a rank
}

func scanPicked(sc interface{ Scan(...any) error }, c *picked) error {
	return sc.Scan(&c.ID, &c.Code, &c.Name, &c.ShortName, &c.initials, &c.shortInitials)
}

// pickRank orders matches: the exact code, then codes, names, short names,
// initials and short names' initials that start with q; key is the field
// matched, which orders a rank as its index would.
func pickRank(c *picked, q string) (int, string) {
	low, up := strings.ToLower(q), strings.ToUpper(q)
	switch {
	case strings.EqualFold(c.Code, q):
		return 0, c.Code
	case strings.HasPrefix(c.Code, q) || strings.HasPrefix(c.Code, up):
		return 1, c.Code
	case strings.HasPrefix(c.Name, q):
		return 2, c.Name
	case strings.HasPrefix(c.ShortName, q):
		return 3, c.ShortName
	case strings.HasPrefix(c.initials, low):
		return 4, c.initials
	}
	return 5, c.shortInitials
}

// pickWalkMax is the subtree size up to which a pick walks the subtree
// rather than a column's index.
const pickWalkMax = 2000

// smallScope reports whether the organizations a pick may return are few
// enough (the kept descendants counts say) to be walked in path order and
// ranked. A short prefix matches thousands of names across the city: for
// a branch's cadre, walking the name index to find the few in the branch's
// subtree looked at all of them (22 ms for "z" at city scale on SQLite),
// where the subtree holds a few dozen (0.05 ms walked). The bound caps the
// walk's worst case: a 1,500-organization district of which "s" matches
// nearly all, 5 ms on SQLite and 9 on PostgreSQL (BenchmarkCityPick).
func (s *Service) smallScope(ctx context.Context, by *auth.Actor, sc auth.Scope, under *Org) (bool, error) {
	if under != nil {
		return under.Descendants < pickWalkMax, nil
	}
	if sc.All {
		return false, nil
	}
	n := 0
	for _, p := range sc.Prefixes {
		o, err := s.cachedByID(ctx, actorVersion(by), LastID(p))
		if err != nil {
			return false, err
		}
		if n += o.Descendants + 1; n > pickWalkMax {
			return false, nil
		}
	}
	return true, nil
}

// ascii reports whether s is letters and digits only, the shape of initials.
func ascii(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// FindByCode returns the organization with code in the actor's scope for
// perm, as a form that takes a typed or picked code needs; anything else
// (unknown, outside the scope, empty) is NotFound.
func (s *Service) FindByCode(ctx context.Context, by *auth.Actor, perm auth.Permission, code string) (*Org, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return nil, errs.ErrNotFound
	}
	var o Org
	err := scanOrg(s.db.R().QueryRowContext(ctx, `SELECT `+columns+` FROM orgs WHERE code = $1`, code), &o)
	if err != nil || !by.Can(perm, o.Path) {
		return nil, errs.ErrNotFound
	}
	return &o, nil
}
