package skills

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/org"
)

// Month is one month's credits posted in a subtree.
type Month struct {
	Month   string `json:"month"` // YYYY-MM
	Credits int    `json:"credits"`
	Entries int    `json:"entries"`
	Persons int    `json:"persons"` // people who earned credits that month (from the activity rollup)
}

// Overview is an organization's skills figures, all read from rollups.
type Overview struct {
	Org        org.Org        `json:"org"`
	Months     []Month        `json:"months"`     // the last twelve, oldest first
	Categories map[string]int `json:"categories"` // this year's credits by category
	Year       int            `json:"year"`
	YearTotal  int            `json:"year_total"`
	Children   []ChildTotal   `json:"children"`
	// ChildrenNext continues the children (?units_after=), fifty at a time.
	ChildrenNext string       `json:"children_next,omitempty"`
	Trades       []TradeTotal `json:"trades"`     // this year's credits by trade, the largest first
	Appraisals   []TradeTotal `json:"appraisals"` // the twelve months' appraisal passes by trade, the most first
}

// TradeTotal is one trade's figure ("" for entries without a trade).
type TradeTotal struct {
	Trade string `json:"trade"`
	N     int    `json:"n"`
}

// sortedTotals is m as totals, the largest first (then by trade).
func sortedTotals(m map[string]int) []TradeTotal {
	out := make([]TradeTotal, 0, len(m))
	for t, n := range m {
		if n != 0 {
			out = append(out, TradeTotal{Trade: t, N: n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Trade < out[j].Trade
	})
	return out
}

// ChildTotal is a child organization's credits this year.
type ChildTotal struct {
	Org     org.Org `json:"org"`
	Credits int     `json:"credits"`
}

// Overview reads the subtree's figures: O(months × categories + children)
// rollup rows, whatever the ledger's size.
func (s *Service) Overview(ctx context.Context, by *auth.Actor, o *org.Org, children []org.Org) (*Overview, error) {
	if !by.Can(auth.OrgRead, o.Path) {
		return nil, errs.ErrNotFound
	}
	// Kept under the credits version (any posting moves it) and the cache
	// version (the tree, whose children this shows), per month.
	version := ""
	if by.CreditsVersion != "" && by.Version != "" {
		version = by.CreditsVersion + "|" + by.Version
	}
	var key strings.Builder
	fmt.Fprintf(&key, "%d|%s", o.ID, s.now().In(shanghai).Format("2006-01"))
	for _, c := range children {
		fmt.Fprintf(&key, "|%d", c.ID)
	}
	if ov, ok := s.overviews.Get(version, key.String()); ok {
		return ov, nil
	}
	ov, err := s.overview(ctx, o, children)
	if err != nil {
		return nil, err
	}
	s.overviews.Put(version, key.String(), ov)
	return ov, nil
}

func (s *Service) overview(ctx context.Context, o *org.Org, children []org.Org) (*Overview, error) {
	now := s.now().In(shanghai)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, shanghai).AddDate(0, -11, 0)
	out := &Overview{Org: *o, Categories: map[string]int{}, Year: now.Year(), Children: []ChildTotal{}}
	idx := map[string]int{}
	for i := range 12 {
		m := first.AddDate(0, i, 0).Format("2006-01")
		idx[m] = i
		out.Months = append(out.Months, Month{Month: m})
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT month, category, trade, credits, entries FROM credit_rollup WHERE org_id = $1 AND month >= $2`,
		o.ID, first.Format("2006-01")) // the twelve months hold January of this year
	if err != nil {
		return nil, err
	}
	year := now.Format("2006")
	trades := map[string]int{}
	for rows.Next() {
		var m, c, t string
		var credits, entries int
		if err := rows.Scan(&m, &c, &t, &credits, &entries); err != nil {
			rows.Close()
			return nil, err
		}
		if i, ok := idx[m]; ok {
			out.Months[i].Credits += credits
			out.Months[i].Entries += entries
		}
		if strings.HasPrefix(m, year) {
			out.Categories[c] += credits
			out.YearTotal += credits
			trades[t] += credits
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out.Trades = sortedTotals(trades)
	// Appraisal sessions are few (a few a month per district): their kept
	// pass counts are summed over the subtree's sessions of the months.
	a := &db.Args{}
	rows, err = s.db.R().QueryContext(ctx, `SELECT trade, SUM(passed) FROM appraisal_sessions WHERE org_path >= `+a.Add(o.Path)+` AND org_path < `+a.Add(db.PathUpper(o.Path))+
		` AND starts >= `+a.Add(first.UTC())+` GROUP BY trade`, a.List()...)
	if err != nil {
		return nil, err
	}
	passes := map[string]int{}
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			rows.Close()
			return nil, err
		}
		passes[t] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out.Appraisals = sortedTotals(passes)
	rows, err = s.db.R().QueryContext(ctx, `SELECT month, persons FROM activity_rollup WHERE org_id = $1 AND kind = $2 AND month >= $3`,
		o.ID, KindCredit, first.Format("2006-01"))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var m string
		var n int
		if err := rows.Scan(&m, &n); err != nil {
			rows.Close()
			return nil, err
		}
		if i, ok := idx[m]; ok {
			out.Months[i].Persons = n
		}
	}
	rows.Close()
	if len(children) == 0 {
		return out, rows.Err()
	}
	ids := make([]int64, len(children))
	for i, c := range children {
		ids[i] = c.ID
	}
	totals, err := s.creditsOf(ctx, ids, year+"-01", year+"-12")
	if err != nil {
		return nil, err
	}
	for _, c := range children {
		out.Children = append(out.Children, ChildTotal{Org: c, Credits: totals[c.ID]})
	}
	return out, nil
}

// creditsOf sums the kept cells of each organization over the months from
// first to last (YYYY-MM, both included).
func (s *Service) creditsOf(ctx context.Context, orgs []int64, first, last string) (map[int64]int, error) {
	a := &db.Args{}
	ph := make([]string, len(orgs))
	for i, id := range orgs {
		ph[i] = a.Add(id)
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT org_id, SUM(credits) FROM credit_rollup WHERE month >= `+a.Add(first)+
		` AND month <= `+a.Add(last)+` AND org_id IN (`+strings.Join(ph, ", ")+`) GROUP BY org_id`, a.List()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
