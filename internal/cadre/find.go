package cadre

import (
	"context"
	"slices"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// Filter selects cadre posts for lists and counts. The zero value is every
// serving post in the actor's scope, in organization order.
type Filter struct {
	Under     int64  // only this organization's subtree
	Post      string // secretary, deputy, member
	Basis     string // full_time, part_time
	Relevance string // high, medium, low (part-time posts)
	Status    string // "" serving, "ended", or "all"
	After     string // cursor of the previous page
	Limit     int    // 1–500, default 20
}

// Page is one keyset page; Next is the cursor of the following page, "" on
// the last.
type Page struct {
	Cadres []Cadre `json:"items"`
	Next   string  `json:"next"`
}

// Count is the number of matches: exact up to CountCap, else Capped.
type Count struct {
	N      int64 `json:"count"`
	Capped bool  `json:"capped"`
}

// CountCap bounds a count: beyond it the list says "10,000+" rather than
// scanning without limit.
const CountCap = 10000

// scope is where a filter may look, as SQL over c.org_path: the actor's
// scope for perm narrowed to the filter's organization subtree. An
// organization the actor cannot read is NotFound.
func (s *Service) scope(ctx context.Context, by *auth.Actor, perm auth.Permission, under int64) (auth.Scope, error) {
	sc := by.Scope(perm)
	if under <= 0 {
		return sc, nil
	}
	o, err := s.orgs.FindByID(ctx, by, under)
	if err != nil {
		return auth.Scope{}, err
	}
	switch {
	case sc.All:
		return auth.Scope{Prefixes: []string{o.Path}}, nil
	case sc.Contains(o.Path):
		return auth.Scope{Prefixes: []string{o.Path}}, nil
	}
	// The organization is readable but lies above the cadre scope: keep the
	// parts of the scope inside its subtree.
	var out []string
	for _, p := range sc.Prefixes {
		if strings.HasPrefix(p, o.Path) {
			out = append(out, p)
		}
	}
	return auth.Scope{Prefixes: out}, nil
}

// conditions builds the WHERE clause of f (without the cursor).
func conditions(f Filter, sc auth.Scope, a *db.Args) (string, error) {
	var fe errs.Fields
	where := []string{sc.Where("c.org_path", a)}
	for _, x := range []struct {
		field, col, v string
		allowed       []string
	}{
		{"post", "c.post", f.Post, Posts}, {"basis", "c.basis", f.Basis, Bases}, {"relevance", "c.relevance", f.Relevance, Relevances},
	} {
		if x.v == "" {
			continue
		}
		if !slices.Contains(x.allowed, x.v) {
			fe.Add(x.field, "err.invalid")
		}
		where = append(where, x.col+" = "+a.Add(x.v))
	}
	switch f.Status {
	case "":
		where = append(where, "c.status = 'serving'")
	case "all":
	case Ended:
		where = append(where, "c.status = 'ended'")
	default:
		fe.Add("status", "err.invalid")
	}
	return strings.Join(where, " AND "), fe.Err()
}

// Find lists the posts matching f in the actor's CadreRead scope, one
// keyset page in (org_path, id) index order: no OFFSET, no COUNT.
func (s *Service) Find(ctx context.Context, by *auth.Actor, f Filter) (Page, error) {
	sc, err := s.scope(ctx, by, auth.CadreRead, f.Under)
	if err != nil {
		return Page{}, err
	}
	var a db.Args
	where, err := conditions(f, sc, &a)
	if err != nil {
		return Page{}, err
	}
	cur, ok := parseCursor(f.After)
	if !ok {
		return Page{}, (errs.Fields{"after": "err.cursor"}).Err()
	}
	if sc.Empty() {
		return Page{Cadres: []Cadre{}}, nil
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 20
	}
	return s.page(ctx, where+cur.after(&a), &a, f.Limit)
}

// page reads up to limit posts matching where, in index order, and the
// cursor of the next page.
func (s *Service) page(ctx context.Context, where string, a *db.Args, limit int) (Page, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+columns+fromJoined+` WHERE `+where+
		` ORDER BY c.org_path, c.id LIMIT `+a.Add(limit+1), a.List()...)
	if err != nil {
		return Page{}, err
	}
	defer rows.Close()
	p := Page{Cadres: make([]Cadre, 0, min(limit+1, 64))}
	for rows.Next() {
		var c Cadre
		if err := scanCadre(rows, &c); err != nil {
			return Page{}, err
		}
		p.Cadres = append(p.Cadres, c)
	}
	if len(p.Cadres) > limit {
		p.Cadres = p.Cadres[:limit]
		last := &p.Cadres[limit-1]
		p.Next = cursor{path: last.OrgPath, id: last.ID}.String()
	}
	return p, rows.Err()
}

// Count counts the posts matching f in the actor's scope, exactly up to
// CountCap.
func (s *Service) Count(ctx context.Context, by *auth.Actor, f Filter) (Count, error) {
	sc, err := s.scope(ctx, by, auth.CadreRead, f.Under)
	if err != nil {
		return Count{}, err
	}
	var a db.Args
	where, err := conditions(f, sc, &a)
	if err != nil || sc.Empty() {
		return Count{}, err
	}
	var n int64
	err = s.db.R().QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM cadres c WHERE `+where+` LIMIT `+
		a.Add(CountCap+1)+`) t`, a.List()...).Scan(&n)
	if n > CountCap {
		return Count{N: CountCap, Capped: true}, err
	}
	return Count{N: n}, err
}

// ForPerson returns the posts a person holds and held, serving first, then
// newest term first (at most 100): those in the actor's CadreRead scope, of
// a person the actor may read (PersonRead); a person outside that scope is
// NotFound. For the person page.
func (s *Service) ForPerson(ctx context.Context, by *auth.Actor, personID int64) ([]Cadre, error) {
	p, err := personByID(ctx, s.db.R(), personID)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.PersonRead, p.orgPath) {
		return nil, errs.ErrNotFound
	}
	var a db.Args
	where := "c.person_id = " + a.Add(personID) + " AND " + by.Scope(auth.CadreRead).Where("c.org_path", &a)
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+columns+fromJoined+` WHERE `+where+
		` ORDER BY CASE WHEN c.status = 'serving' THEN 0 ELSE 1 END, c.term_start DESC, c.id DESC LIMIT 100`, a.List()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Cadre{}
	for rows.Next() {
		var c Cadre
		if err := scanCadre(rows, &c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
