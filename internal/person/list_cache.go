package person

import (
	"strconv"
	"strings"

	"qinggong/internal/auth"
)

// List pages and their counts are cached under the people version
// (db.PeopleVersionSQL, read with the session; every write to people bumps
// it in its own transaction), so a cached page is never older than the
// last committed change on any node. A district's list is the page most
// read and its query the request's largest cost; between writes, every
// reader of the same place and filter shares one result.
//
// Exact ID-card and phone searches are not cached: they are cheap, and the
// key would hold the identifier.

// maxCachedLists bounds each cache (a page of 20 is some 10 KB).
const maxCachedLists = 2000

// listKey is the cache key of f over the place pl, or "" when f is not
// cached. The day is in it because age bounds depend on it.
func (s *Service) listKey(f Filter, pl place) string {
	q := f.search()
	if exactSearch(q) {
		return ""
	}
	var b strings.Builder
	b.WriteString(s.now().In(shanghai).Format("20060102"))
	if pl.all {
		b.WriteString("|all")
	}
	for _, p := range pl.prefixes {
		b.WriteString("|")
		b.WriteString(p)
	}
	for _, v := range []string{q, f.Gender, f.Political, f.Trade, f.SkillLevel, f.Tag, f.Status, f.Sort, f.After} {
		b.WriteString("\x00")
		b.WriteString(v)
	}
	for _, n := range []int{f.AgeMin, f.AgeMax, f.Limit} {
		b.WriteString("\x00")
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

// peopleVersion is the version by read with its session; "" (no caching)
// for an actor without one.
func peopleVersion(by *auth.Actor) string {
	if by == nil {
		return ""
	}
	return by.PeopleVersion
}
