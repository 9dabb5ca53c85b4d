package person

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/pii"
)

// Filter selects people for lists, counts and exports. The zero value is
// every active person in the actor's scope, by organization.
type Filter struct {
	Under      int64  // only this organization's subtree
	Region     int64  // only the subtrees of this region's members
	Query      string // name prefix, pinyin initials (zs), or an exact ID-card or phone number
	AgeMin     int    // 0: no bound
	AgeMax     int    // 0: no bound
	Gender     string
	Political  string
	Trade      string
	SkillLevel string // "" any, "0" none, "1"…"5"
	Tag        string
	Status     string // "" active, "all", or one status
	Sort       string
	After      string
	Limit      int
}

// Plain reports whether f filters by nothing but place and status, so that
// its count can be read from the rollups.
func (f Filter) Plain() bool {
	return f.search() == "" && f.AgeMin == 0 && f.AgeMax == 0 && f.Gender == "" && f.Political == "" &&
		f.Trade == "" && f.SkillLevel == "" && f.Tag == ""
}

// Page is one keyset page; Next is the cursor of the following page, "" on the last.
type Page struct {
	People []Person `json:"items"`
	Next   string   `json:"next"`
}

// Count is the number of matches: exact up to CountCap, else Capped.
type Count struct {
	N      int64 `json:"count"`
	Capped bool  `json:"capped"` // more than CountCap
}

// searchOrder is the order f's page is served in. A search by name or by
// pinyin initials (without a chosen order) comes in that index's order.
// It also decides the plan, which neither planner gets right here: for a
// big subtree the name (or initials) index is the way, and walking the
// subtree in path order would look at every person in it to find a few
// names (SQLite took the path range of a 130,000-person district and
// sorted it: 200 ms, against 0.4 ms through the name index; PostgreSQL
// spent 13–29 ms on a district search the same way). For a small subtree
// the path walk is the way: it reads at most nameWalkMin people, where the
// name index might walk every 王 in the district to find a branch's three.
// A phone number is always looked up in the phone index. The indexes lead
// with the district (see districtSQL), so a plan through them names the
// place's districts (pl.districts).
func (s *Service) searchOrder(ctx context.Context, f Filter, pl *place) (string, error) {
	q := f.search()
	order := f.Sort
	named := q != "" && !exactSearch(q)
	if order == "" && named {
		order = SortName
		if isLetters(q) {
			order = sortInitials
		}
	}
	if pl.empty() {
		return order, nil
	}
	byIndex := looksLikePhone(q)
	if order == SortName || order == sortInitials {
		byIndex = pl.all
		if !pl.all {
			c, err := s.rollupCount(ctx, *pl, "all")
			if err != nil {
				return "", err
			}
			byIndex = c.N > nameWalkMin
		}
	}
	if !byIndex {
		return order, nil
	}
	ds, err := s.districts(ctx, *pl)
	if err != nil {
		return "", err
	}
	pl.districts = ds
	// An expression over the column hides its index from the planner.
	pl.pathCol = "+org_path"
	if s.db.Dialect == db.Postgres {
		pl.pathCol = "(org_path || '')"
	}
	return order, nil
}

// nameWalkMin is the subtree size from which a list in name order walks
// the name index rather than the subtree.
var nameWalkMin int64 = 5000

// CountCap bounds a filtered count: beyond it the list says "10,000+"
// rather than scanning without limit.
const CountCap = 10000

// place is where a filter may look: All, or a set of disjoint subtrees.
type place struct {
	all      bool
	prefixes []string
	// pathCol is how conditions name the path column: an expression
	// keeps the planner off its index (see searchOrder).
	pathCol string
	// districts, when set, are the districts of a plan through the
	// district-led indexes (see searchOrder).
	districts []string
}

func (p place) empty() bool { return !p.all && len(p.prefixes) == 0 }

// where restricts org_path to the place (one index range per subtree).
func (p place) where(a *db.Args) string {
	col := p.pathCol
	if col == "" {
		col = "org_path"
	}
	return auth.Scope{All: p.all, Prefixes: p.prefixes}.Where(col, a)
}

// resolve intersects the actor's scope for perm with the filter's
// organization and region. An organization or region the actor cannot
// read is NotFound.
func (s *Service) resolve(ctx context.Context, by *auth.Actor, perm auth.Permission, f Filter) (place, error) {
	sc := by.Scope(perm)
	pl := place{all: sc.All, prefixes: sc.Prefixes}
	if f.Under > 0 {
		o, err := s.orgs.FindByID(ctx, by, f.Under)
		if err != nil {
			return place{}, err
		}
		pl = intersect(pl, []string{o.Path})
	}
	if f.Region > 0 {
		paths, err := s.orgs.RegionPaths(ctx, by, f.Region)
		if err != nil {
			return place{}, err
		}
		pl = intersect(pl, paths)
	}
	return pl, nil
}

// intersect narrows p to the subtrees of paths.
func intersect(p place, paths []string) place {
	var out []string
	for _, w := range paths {
		if p.all {
			out = append(out, w)
			continue
		}
		for _, s := range p.prefixes {
			switch {
			case strings.HasPrefix(w, s):
				out = append(out, w)
			case strings.HasPrefix(s, w):
				out = append(out, s)
			}
		}
	}
	return place{prefixes: disjoint(out)}
}

// disjoint sorts prefixes and drops those inside another.
func disjoint(ps []string) []string {
	slices.Sort(ps)
	out := ps[:0]
	for _, p := range ps {
		if len(out) > 0 && strings.HasPrefix(p, out[len(out)-1]) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// conditions builds the WHERE clause of f over place (without the cursor).
func (s *Service) conditions(f Filter, pl place, a *db.Args) (string, error) {
	var fe errs.Fields
	where := []string{pl.where(a)}
	if len(pl.districts) > 0 {
		in := make([]string, len(pl.districts))
		for i, d := range pl.districts {
			in[i] = a.Add(d)
		}
		where = append(where, districtSQL(s.db.Dialect)+" IN ("+strings.Join(in, ", ")+")")
	}
	if q := f.search(); q != "" {
		switch {
		case looksLikeID(q):
			where = append(where, "id_hash = "+a.Add(s.IDIndex(strings.ToUpper(q))))
		case looksLikePhone(q):
			where = append(where, "phone_hash = "+a.Add(s.PhoneIndex(q))+" AND length(phone_hash) > 0") // the partial index's condition
		case isLetters(q):
			q = strings.ToLower(q)
			where = append(where, "initials >= "+a.Add(q)+" AND initials < "+a.Add(q+"{"))
		default:
			where = append(where, "name >= "+a.Add(q)+" AND name < "+a.Add(q+"\U0010FFFF"))
		}
	}
	today := s.now().In(shanghai)
	if f.AgeMin < 0 || f.AgeMin > 120 {
		fe.Add("age_min", "err.invalid")
	} else if f.AgeMin > 0 {
		where = append(where, "birth_date <= "+a.Add(yearsBefore(today, f.AgeMin)))
	}
	if f.AgeMax < 0 || f.AgeMax > 120 || (f.AgeMax > 0 && f.AgeMax < f.AgeMin) {
		fe.Add("age_max", "err.invalid")
	} else if f.AgeMax > 0 {
		where = append(where, "birth_date > "+a.Add(yearsBefore(today, f.AgeMax+1)))
	}
	if f.Gender != "" {
		if !slices.Contains(genders, f.Gender) {
			fe.Add("gender", "err.invalid")
		}
		where = append(where, "gender = "+a.Add(f.Gender))
	}
	if f.Political != "" {
		if !slices.Contains(politicals, f.Political) {
			fe.Add("political", "err.invalid")
		}
		where = append(where, "political = "+a.Add(f.Political))
	}
	if t := strings.TrimSpace(f.Trade); t != "" {
		where = append(where, "trade = "+a.Add(t))
	}
	if f.SkillLevel != "" {
		n, err := strconv.Atoi(f.SkillLevel)
		if err != nil || n < 0 || n > 5 {
			fe.Add("skill_level", "err.skill_level")
		}
		where = append(where, "skill_level = "+a.Add(n))
	}
	if t := strings.TrimSpace(f.Tag); t != "" {
		// An IN list over the tag's index: measured at half the cost of a
		// per-row EXISTS for a tag held by 8% of the city (the bounded
		// count still walks ~125,000 rows: see docs/PERFORMANCE.md).
		where = append(where, "id IN (SELECT person_id FROM person_tags WHERE tag = "+a.Add(t)+")")
	}
	switch f.Status {
	case "all":
	case "":
		where = append(where, "status = 'active'")
	default:
		if !slices.Contains(statuses, f.Status) {
			fe.Add("status", "err.invalid")
		}
		where = append(where, "status = "+a.Add(f.Status))
	}
	switch f.Sort {
	case "", SortOrg, SortName, SortNew, sortInitials:
	default:
		fe.Add("sort", "err.invalid")
	}
	return strings.Join(where, " AND "), fe.Err()
}

// Find lists the people matching f in the actor's PersonRead scope, one
// keyset page in index order (no OFFSET, no COUNT).
func (s *Service) Find(ctx context.Context, by *auth.Actor, f Filter) (Page, error) {
	return s.find(ctx, by, auth.PersonRead, f)
}

func (s *Service) find(ctx context.Context, by *auth.Actor, perm auth.Permission, f Filter) (Page, error) {
	pl, err := s.resolve(ctx, by, perm, f)
	if err != nil {
		return Page{}, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 20
	}
	// Before any other work: only pages of valid filters are stored, so a
	// hit needs neither the checks nor searchOrder's query again.
	var key string
	if !pl.empty() {
		if key = s.listKey(f, pl); key != "" {
			if p, ok := s.pages.Get(peopleVersion(by), key); ok {
				return p, nil
			}
		}
	}
	query, args, err := s.findQuery(ctx, &f, pl)
	if err != nil {
		return Page{}, err
	}
	if query == "" {
		return Page{People: []Person{}}, nil
	}
	rows, err := s.db.R().QueryContext(ctx, query, args...)
	if err != nil {
		return Page{}, err
	}
	defer rows.Close()
	p := Page{People: make([]Person, 0, min(f.Limit+1, 64))}
	for rows.Next() {
		var x Person
		if err := scanBrief(rows, &x); err != nil {
			return Page{}, err
		}
		p.People = append(p.People, x)
	}
	if len(p.People) > f.Limit {
		p.People = p.People[:f.Limit]
		last := &p.People[f.Limit-1]
		p.Next = cursor{key: keyOf(last, f.Sort), id: last.ID}.String()
	}
	if err := rows.Err(); err != nil {
		return Page{}, err
	}
	if key != "" {
		p.People = p.People[:len(p.People):len(p.People)] // a caller's append must not write into the cache
		s.pages.Put(peopleVersion(by), key, p)
	}
	return p, nil
}

// findQuery is the statement of f's page over pl and its arguments, ""
// for an empty place; it sets f.Sort to the order served (searchOrder).
func (s *Service) findQuery(ctx context.Context, f *Filter, pl place) (string, []any, error) {
	var err error
	if f.Sort, err = s.searchOrder(ctx, *f, &pl); err != nil {
		return "", nil, err
	}
	var a db.Args
	if pl.empty() {
		_, err := s.conditions(*f, pl, &a) // a bad filter is an error even where nobody is in scope
		return "", nil, err
	}
	cur, ok := parseCursor(f.After)
	if !ok {
		return "", nil, (errs.Fields{"after": "err.invalid"}).Err()
	}
	var q string
	if len(pl.districts) > 1 && (f.Sort == SortName || f.Sort == sortInitials) {
		q, err = s.perDistrict(*f, pl, cur, &a)
	} else {
		q, err = s.pageQuery(*f, pl, cur, &a)
	}
	return q, a.List(), err
}

// pageQuery is the statement of one page of f over pl in f.Sort's order.
func (s *Service) pageQuery(f Filter, pl place, cur cursor, a *db.Args) (string, error) {
	where, err := s.conditions(f, pl, a)
	if err != nil {
		return "", err
	}
	order := "org_path, id"
	switch f.Sort {
	case SortName, sortInitials:
		order = f.Sort + ", id"
		where += after(f.Sort, cur, a)
	case SortNew:
		order = "id DESC"
		if cur.id > 0 {
			where += " AND id < " + a.Add(cur.id)
		}
	default:
		where += after("org_path", cur, a)
	}
	return `SELECT ` + briefColumns + ` FROM people WHERE ` + where + ` ORDER BY ` + order + ` LIMIT ` + a.Add(f.Limit+1), nil
}

// perDistrict is the statement of one page of f in name (or initials)
// order over several districts: each district's first rows in that order,
// read from its range of the index, then merged. A single ORDER BY over
// the city would make SQLite sort every match (all of the city's 王s).
func (s *Service) perDistrict(f Filter, pl place, cur cursor, a *db.Args) (string, error) {
	col, limit := f.Sort, a.Add(f.Limit+1)
	arms := make([]string, len(pl.districts))
	for i, d := range pl.districts {
		arm := pl
		arm.all, arm.prefixes, arm.districts = false, within(pl, d), []string{d}
		where, err := s.conditions(f, arm, a)
		if err != nil {
			return "", err
		}
		arms[i] = fmt.Sprintf(`SELECT * FROM (SELECT id, %[1]s FROM people WHERE %[2]s%[3]s ORDER BY %[1]s, id LIMIT %[4]s) d%[5]d`,
			col, where, after(col, cur, a), limit, i)
	}
	return `SELECT ` + briefColumns + ` FROM people WHERE id IN (SELECT id FROM (` + strings.Join(arms, ` UNION ALL `) +
		`) u ORDER BY ` + col + `, id LIMIT ` + limit + `) ORDER BY ` + col + `, id`, nil
}

// within is the part of pl in district d, as prefixes.
func within(pl place, d string) []string {
	var out []string
	for _, p := range pl.prefixes {
		switch {
		case strings.HasPrefix(p, d):
			out = append(out, p)
		case strings.HasPrefix(d, p): // the root's subtree holds every district
			return []string{d}
		}
	}
	if pl.all {
		return []string{d}
	}
	return out
}

// after is the keyset condition of the page after cur in (col, id) order.
func after(col string, cur cursor, a *db.Args) string {
	if cur.id == 0 {
		return ""
	}
	k := a.Add(cur.key)
	return " AND " + col + " >= " + k + " AND (" + col + " > " + k + " OR id > " + a.Add(cur.id) + ")"
}

// Count counts the people matching f in the actor's scope: from the rollups
// when f filters by place and status only, else exactly up to CountCap.
func (s *Service) Count(ctx context.Context, by *auth.Actor, f Filter) (Count, error) {
	pl, err := s.resolve(ctx, by, auth.PersonRead, f)
	if err != nil {
		return Count{}, err
	}
	f.After, f.Limit = "", 0 // one count for every page
	var key string
	if !pl.empty() {
		if key = s.listKey(f, pl); key != "" { // as in find: before any other work
			if c, ok := s.counts.Get(peopleVersion(by), key); ok {
				return c, nil
			}
		}
	}
	q, args, err := s.countQuery(ctx, f, pl)
	if err != nil || pl.empty() {
		return Count{}, err
	}
	var c Count
	if f.Plain() {
		c, err = s.rollupCount(ctx, pl, f.Status)
	} else {
		var n int64
		err = s.db.R().QueryRowContext(ctx, q, args...).Scan(&n)
		c = Count{N: min(n, CountCap), Capped: n > CountCap}
	}
	if err != nil {
		return Count{}, err
	}
	if key != "" {
		s.counts.Put(peopleVersion(by), key, c)
	}
	return c, nil
}

// countQuery is the bounded count of f over pl (checking f): the statement
// and its arguments.
func (s *Service) countQuery(ctx context.Context, f Filter, pl place) (string, []any, error) {
	if !f.Plain() { // a plain count reads the rollups
		if _, err := s.searchOrder(ctx, f, &pl); err != nil { // the same plan as the page's
			return "", nil, err
		}
	}
	var a db.Args
	where, err := s.conditions(f, pl, &a)
	if err != nil {
		return "", nil, err
	}
	return `SELECT count(*) FROM (SELECT 1 FROM people WHERE ` + where + ` LIMIT ` + a.Add(CountCap+1) + `) t`, a.List(), nil
}

// rollupCount sums the kept counts of the place's subtrees.
func (s *Service) rollupCount(ctx context.Context, pl place, status string) (Count, error) {
	var ids []int64
	if pl.all {
		r, err := s.orgs.Root(ctx)
		if err != nil {
			return Count{}, err
		}
		ids = []int64{r.ID}
	}
	for _, p := range pl.prefixes {
		ids = append(ids, org.LastID(p))
	}
	var a db.Args
	in := make([]string, len(ids))
	for i, id := range ids {
		in[i] = a.Add(id)
	}
	q := `SELECT COALESCE(sum(people), 0) FROM org_people WHERE org_id IN (` + strings.Join(in, ", ") + `)`
	switch status {
	case "all":
	case "":
		q += ` AND status = 'active'`
	default:
		q += ` AND status = ` + a.Add(status)
	}
	var n int64
	err := s.db.R().QueryRowContext(ctx, q, a.List()...).Scan(&n)
	return Count{N: n}, err
}

// exactSearch reports whether q is an identifier searched by its keyed
// hash (an ID-card or mobile number) rather than a name.
func exactSearch(q string) bool { return looksLikeID(q) || looksLikePhone(q) }

func looksLikePhone(q string) bool { return len(q) == 11 && isDigits(q) }

func looksLikeID(q string) bool {
	if len(q) != 18 {
		return false
	}
	return isDigits(q[:17]) && (isDigits(q[17:]) || q[17] == 'X' || q[17] == 'x')
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return s != "" && len(s) <= 20
}

// yearsBefore is the date n years before day, as YYYY-MM-DD; 29 February
// becomes the 28th in a common year (AddDate would roll it to 1 March and
// count people born that day a year too old).
func yearsBefore(day time.Time, n int) string {
	y, m, d := day.Date()
	y -= n
	if m == time.February && d == 29 && !(y%4 == 0 && (y%100 != 0 || y%400 == 0)) {
		d = 28
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// search is the filter's search text; an ID-card or phone number typed
// with full-width digits, spaces or dashes is searched as the number.
func (f Filter) search() string {
	q := strings.TrimSpace(f.Query)
	if n := pii.Number(q); n != q && exactSearch(n) {
		return n
	}
	return q
}
