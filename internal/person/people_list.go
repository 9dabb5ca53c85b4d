package person

import (
	"net/http"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
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
		err = h.underCode(r, &f)
	}
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
	d.UnderCode = r.URL.Query().Get("under_code")
	if o, err := h.Orgs.FindByID(ctx, a, f.Under); f.Under > 0 && err == nil {
		d.UnderCode, d.UnderLabel = o.Code, o.Name+"（"+o.Code+"）"
	}
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

// underCode reads the organization filter's picker (web.OrgPicker), which
// sends a code as under_code: the list resolves it within the caller's
// people scope and from then on names the organization by ID (?under=),
// so its links, pages and export stay shareable. A picker sent empty
// clears the filter.
func (h *Handler) underCode(r *http.Request, f *Filter) error {
	q := r.URL.Query()
	if !q.Has("under_code") {
		return nil
	}
	f.Under = 0
	code := strings.TrimSpace(q.Get("under_code"))
	if code == "" {
		return nil
	}
	ctx := r.Context()
	o, err := h.Orgs.FindByCode(ctx, auth.ActorFrom(ctx), auth.PersonRead, code)
	if err != nil {
		return (errs.Fields{"under_code": "err.org_unknown"}).Err()
	}
	f.Under = o.ID
	return nil
}
