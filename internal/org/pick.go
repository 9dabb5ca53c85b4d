package org

import (
	"context"
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
// start with the query. Every field is one prefix range on its own index
// walked in order with a LIMIT, filtered by the scope (Scope.Where), so a
// lookup costs a few index probes whatever the tree's size. An empty
// query, or an actor without the permission anywhere, finds nothing.
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
	seen := map[int64]bool{}
	var exact, out []Org
	for _, se := range searches {
		var a db.Args
		where := []string{sc.Where("path", &a), "status = 'active'",
			se.col + " >= " + a.Add(se.lo), se.col + " < " + a.Add(se.hi)}
		if under != nil {
			where = append(where, "path >= "+a.Add(under.Path), "path < "+a.Add(db.PathUpper(under.Path)))
		}
		rows, err := s.db.R().QueryContext(ctx, `SELECT `+columns+` FROM orgs WHERE `+strings.Join(where, " AND ")+
			` ORDER BY `+se.col+`, id LIMIT `+a.Add(PickLimit), a.List()...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var o Org
			if err := scanOrg(rows, &o); err != nil {
				rows.Close()
				return nil, err
			}
			if seen[o.ID] {
				continue
			}
			seen[o.ID] = true
			if strings.EqualFold(o.Code, q) {
				exact = append(exact, o)
			} else {
				out = append(out, o)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out = append(exact, out...)
	if len(out) > PickLimit {
		out = out[:PickLimit]
	}
	return out, nil
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
