package talent

import (
	"context"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// Filter narrows the pool.
type Filter struct {
	Kind   string // "" for every kind
	Level  string // the receiving committee's level; "" for every level
	OrgID  int64  // recommended from this organization's subtree; 0 for all
	Status string // "" accepted (the pool), or submitted, returned, "all"
	Side   string // "" both, "received" (vetted here) or "sent" (recommended from here)
	After  int64
	Limit  int // 1–200, 50 when 0
}

// Page is one page of recommendations, newest first.
type Page struct {
	Items []Recommendation `json:"items"`
	Next  int64            `json:"next,omitempty"`
}

// Pool lists the recommendations the actor sees: received by committees
// in their CareerRead scope, or sent from organizations in their
// TalentRecommend or CareerRead scope.
func (s *Service) Pool(ctx context.Context, by *auth.Actor, f Filter) (*Page, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	var fe errs.Fields
	if f.Limit > 200 {
		fe.Add("limit", "err.invalid")
	}
	if f.Kind != "" && !KnownKind(f.Kind) {
		fe.Add("kind", "err.choose")
	}
	switch f.Status {
	case "", Submitted, Accepted, Returned, "all":
	default:
		fe.Add("status", "err.choose")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	a := &db.Args{}
	// Only the conditions used may add arguments (PostgreSQL types every one).
	received := func() string { return by.Scope(auth.CareerRead).Where("r.to_path", a) }
	sent := func() string {
		return "(" + by.Scope(auth.TalentRecommend).Where("r.from_path", a) + " OR " + by.Scope(auth.CareerRead).Where("r.from_path", a) + ")"
	}
	var where []string
	switch f.Side {
	case "received":
		where = append(where, received())
	case "sent":
		where = append(where, sent())
	default:
		where = append(where, "("+received()+" OR "+sent()+")")
	}
	switch f.Status {
	case "":
		where = append(where, "r.status = "+a.Add(Accepted))
	case "all":
	default:
		where = append(where, "r.status = "+a.Add(f.Status))
	}
	if f.Kind != "" {
		where = append(where, "r.kind = "+a.Add(f.Kind))
	}
	if f.Level != "" {
		where = append(where, "r.to_level = "+a.Add(f.Level))
	}
	if f.OrgID != 0 {
		o, err := s.orgs.FindByID(ctx, by, f.OrgID)
		if err != nil {
			return nil, (errs.Fields{"org": "err.org_unknown"}).Err()
		}
		where = append(where, "r.from_path >= "+a.Add(o.Path)+" AND r.from_path < "+a.Add(db.PathUpper(o.Path)))
	}
	if f.After > 0 {
		where = append(where, "r.id < "+a.Add(f.After))
	}
	return s.page(ctx, `SELECT `+columns+from+` WHERE `+strings.Join(where, " AND ")+` ORDER BY r.id DESC LIMIT `+a.Add(f.Limit+1),
		a.List(), f.Limit)
}

func (s *Service) page(ctx context.Context, query string, args []any, limit int) (*Page, error) {
	rows, err := s.db.R().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := &Page{Items: []Recommendation{}}
	for rows.Next() {
		var r Recommendation
		if err := scan(rows, &r); err != nil {
			return nil, err
		}
		out.Items = append(out.Items, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.Next = out.Items[limit-1].ID
	}
	return out, nil
}

// Case is a typical case as published: the person's name, kind, the
// organizations and the committee's text, nothing else of the record.
type Case struct {
	ID          int64  `json:"id"`
	PersonName  string `json:"person_name"`
	Kind        string `json:"kind"`
	FromOrgName string `json:"from_org_name"`
	ToOrgName   string `json:"to_org_name"`
	Text        string `json:"text"`
}

// Typical lists the typical cases, newest first, to any logged-in user.
func (s *Service) Typical(ctx context.Context, after int64, limit int) ([]Case, int64, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	a := &db.Args{}
	where := "r.typical = " + a.Add(true)
	if after > 0 {
		where += " AND r.id < " + a.Add(after)
	}
	p, err := s.page(ctx, `SELECT `+columns+from+` WHERE `+where+` ORDER BY r.id DESC LIMIT `+a.Add(limit+1), a.List(), limit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Case, len(p.Items))
	for i, r := range p.Items {
		out[i] = Case{ID: r.ID, PersonName: r.PersonName, Kind: r.Kind, FromOrgName: r.FromOrgName, ToOrgName: r.ToOrgName, Text: r.TypicalText}
	}
	return out, p.Next, nil
}

// Counts is the pool of an organization's subtree by kind (for the
// career-navigation view): accepted recommendations sent from it.
func (s *Service) Counts(ctx context.Context, by *auth.Actor, path string) (map[string]int, error) {
	out := map[string]int{}
	if !by.Can(auth.CareerRead, path) {
		return out, nil
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT kind, count(*) FROM talent_recommendations
		WHERE from_path >= $1 AND from_path < $2 AND status = $3 GROUP BY kind`, path, db.PathUpper(path), Accepted)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}
