package person

import (
	"context"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/org"
	"qinggong/internal/web"
)

// OrgFacts is the registry's line on an organization's page (registered
// with org.Service.OnFacts): its subtree's active people, read from the
// kept counts (org_people) like an unfiltered list's total, linking to the
// list filtered to the subtree, and for holders of person.export there a
// link to that list's export (when there is anyone to export). Nothing for
// whoever may not read its people.
func (s *Service) OrgFacts(ctx context.Context, by *auth.Actor, o *org.Org) ([]org.Fact, error) {
	if !by.Can(auth.PersonRead, o.Path) {
		return nil, nil
	}
	c, err := s.Count(ctx, by, Filter{Under: o.ID})
	if err != nil {
		return nil, err
	}
	href := "/people?under=" + strconv.FormatInt(o.ID, 10)
	f := org.Fact{Label: "person.org_people", Value: web.Tf(ctx, "person.org_people_n", countText(c)), Href: href}
	if c.N > 0 && by.Can(auth.PersonExport, o.Path) { // the list shows its export form only when it has people
		f.Links = append(f.Links, org.FactLink{Label: "person.org_people_export", Href: href + "#export"})
	}
	return []org.Fact{f}, nil
}
