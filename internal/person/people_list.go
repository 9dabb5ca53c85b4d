package person

import (
	"net/http"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

// peopleList is the registry list: filters, the count of matches and one
// keyset page.
func (h *Handler) peopleList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	d := listData{Today: h.People.now()}
	f, err := filterFrom(r.URL.Query())
	if err == nil {
		f.Limit = 20
		d.Page, err = h.People.Find(ctx, a, f)
	}
	if err == nil {
		d.Count, err = h.People.Count(ctx, a, f)
	}
	if d.Errors = web.FieldErrors(err); d.Errors == nil && err != nil {
		return err
	}
	d.F = f
	d.Orgs = h.orgNames(r, d.Page.People)
	q := f.query()
	d.Query = q.Encode()
	if d.Page.Next != "" {
		q.Set("after", d.Page.Next)
		d.NextURL = "/people?" + q.Encode()
	}
	web.HTML(w)
	return web.Render(ctx, w, listPage(web.NewPage(w, r, web.T(ctx, "person.list"), "nav.people"), d))
}
