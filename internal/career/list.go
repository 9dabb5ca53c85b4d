package career

import (
	"context"
	"strings"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/org"
)

// Filter narrows a list of plans.
type Filter struct {
	OrgID int64 // plans of this organization's subtree; 0 for the whole scope
	Year  int   // 0 for every year
	After int64 // keyset cursor: plans with a smaller ID
	Limit int   // 1–200, 50 when 0
}

// Page is one page of plans, newest first.
type Page struct {
	Items []Plan `json:"items"`
	Next  int64  `json:"next,omitempty"`
}

// List returns the plans of people in the actor's CareerRead scope.
func (s *Service) List(ctx context.Context, by *auth.Actor, f Filter) (*Page, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 200 {
		return nil, (errs.Fields{"limit": "err.invalid"}).Err()
	}
	a := &db.Args{}
	where := []string{by.Scope(auth.CareerRead).Where("p.org_path", a)}
	if f.OrgID != 0 {
		o, err := s.orgs.FindByID(ctx, by, f.OrgID)
		if err != nil {
			return nil, (errs.Fields{"org": "err.org_unknown"}).Err()
		}
		where = append(where, "p.org_path >= "+a.Add(o.Path)+" AND p.org_path < "+a.Add(db.PathUpper(o.Path)))
	}
	if f.Year != 0 {
		where = append(where, "p.year = "+a.Add(f.Year))
	}
	if f.After > 0 {
		where = append(where, "p.id < "+a.Add(f.After))
	}
	return s.page(ctx, `SELECT `+planColumns+planFrom+` WHERE `+strings.Join(where, " AND ")+` ORDER BY p.id DESC LIMIT `+
		a.Add(f.Limit+1), a.List(), f.Limit)
}

func (s *Service) page(ctx context.Context, query string, args []any, limit int) (*Page, error) {
	rows, err := s.db.R().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := &Page{Items: []Plan{}}
	for rows.Next() {
		var p Plan
		if err := scanPlan(rows, &p); err != nil {
			return nil, err
		}
		out.Items = append(out.Items, p)
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

// Mine is the actor's own plans and those they mentor, newest first.
type Mine struct {
	Own      []Plan `json:"own"`
	Mentored []Plan `json:"mentored"`
	Linked   bool   `json:"linked"` // the login has a record (else it can write no plan of its own)
}

// MyPlans returns the actor's own plans and their mentees' (at most 100 each).
func (s *Service) MyPlans(ctx context.Context, by *auth.Actor) (*Mine, error) {
	out := &Mine{Own: []Plan{}, Mentored: []Plan{}}
	self, err := s.people.Self(ctx, by)
	if err != nil {
		return out, nil
	}
	out.Linked = true
	own, err := s.page(ctx, `SELECT `+planColumns+planFrom+` WHERE p.person_id = $1 ORDER BY p.id DESC LIMIT 101`, []any{self.ID}, 100)
	if err != nil {
		return nil, err
	}
	ment, err := s.page(ctx, `SELECT `+planColumns+planFrom+` WHERE p.mentor_id = $1 ORDER BY p.id DESC LIMIT 101`, []any{self.ID}, 100)
	if err != nil {
		return nil, err
	}
	out.Own, out.Mentored = own.Items, ment.Items
	return out, nil
}

// UnitCount is one organization's plan counts for a year.
type UnitCount struct {
	Org      org.Org `json:"org"`
	Plans    int     `json:"plans"`
	Mentored int     `json:"mentored"`
	Reviewed int     `json:"reviewed_6m"` // plans whose latest review is in the last six months
}

// ReviewWindow is how far back "recently reviewed" reaches, in months.
const ReviewWindow = 6

// Units returns the counts of an organization and each of its children
// for a year, read from the rollups: O(children), whatever the number of
// plans below.
func (s *Service) Units(ctx context.Context, by *auth.Actor, o *org.Org, children []org.Org, year int) (UnitCount, []UnitCount, error) {
	if !by.Can(auth.CareerRead, o.Path) {
		return UnitCount{}, nil, errs.ErrNotFound
	}
	ids := []any{o.ID}
	for _, c := range children {
		ids = append(ids, c.ID)
	}
	a := &db.Args{}
	in := make([]string, len(ids))
	for i, id := range ids {
		in[i] = a.Add(id)
	}
	list := strings.Join(in, ", ")
	counts := map[int64]*UnitCount{}
	get := func(id int64) *UnitCount {
		if counts[id] == nil {
			counts[id] = &UnitCount{}
		}
		return counts[id]
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT org_id, plans, mentored FROM career_rollup WHERE year = `+a.Add(year)+
		` AND org_id IN (`+list+`)`, a.List()...)
	if err != nil {
		return UnitCount{}, nil, err
	}
	for rows.Next() {
		var id int64
		var plans, mentored int
		if err := rows.Scan(&id, &plans, &mentored); err != nil {
			rows.Close()
			return UnitCount{}, nil, err
		}
		c := get(id)
		c.Plans, c.Mentored = plans, mentored
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return UnitCount{}, nil, err
	}
	b := &db.Args{}
	in2 := make([]string, len(ids))
	for i, id := range ids {
		in2[i] = b.Add(id)
	}
	since := month(s.now().AddDate(0, -(ReviewWindow - 1), 0))
	rows, err = s.db.R().QueryContext(ctx, `SELECT org_id, SUM(plans) FROM career_review_rollup WHERE month >= `+b.Add(since)+
		` AND org_id IN (`+strings.Join(in2, ", ")+`) GROUP BY org_id`, b.List()...)
	if err != nil {
		return UnitCount{}, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return UnitCount{}, nil, err
		}
		get(id).Reviewed = n
	}
	if err := rows.Err(); err != nil {
		return UnitCount{}, nil, err
	}
	self := *get(o.ID)
	self.Org = *o
	out := make([]UnitCount, len(children))
	for i, c := range children {
		out[i] = *get(c.ID)
		out[i].Org = c
	}
	return self, out, nil
}

// Year is the current year in Shanghai.
func (s *Service) Year() int { return s.now().In(shanghai).Year() }

// Now is the service's clock (pages show dates against it).
func (s *Service) Now() time.Time { return s.now() }
