package cadre

import (
	"net/http"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// cadreList is the list of posts: filters, the bounded count and one keyset
// page. Bad filters show their messages above an empty list.
func (h *Handler) cadreList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	d := listData{Today: h.Cadres.now()}
	var fe errs.Fields
	under, code := h.orgFilter(r, &fe)
	f, err := filterFrom(r.URL.Query())
	f.Under, d.OrgCode = under, code
	if err == nil && len(fe) > 0 {
		err = fe.Err()
	}
	if err == nil {
		f.Limit = 20
		d.Page, err = h.Cadres.Find(ctx, a, f)
	}
	if err == nil {
		d.Count, err = h.Cadres.Count(ctx, a, f)
	}
	if d.Errors = web.FieldErrors(err); d.Errors == nil && err != nil {
		return err
	}
	d.F = f
	if d.Page.Next != "" {
		q := f.query()
		q.Set("after", d.Page.Next)
		d.NextURL = "/cadres?" + q.Encode()
	}
	web.HTML(w)
	return web.Render(ctx, w, listPage(web.NewPage(w, r, web.T(ctx, "cadre.list"), "nav.cadres"), d))
}

// cadreReport is the three-check report for the part-time cadres in scope.
func (h *Handler) cadreReport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var fe errs.Fields
	under, code := h.orgFilter(r, &fe)
	f, err := reportFilterFrom(r.URL.Query())
	f.Under = under
	d := reportData{OrgCode: code, R: Report{MinHours: f.MinHours}}
	if d.R.MinHours == 0 {
		d.R.MinHours = DefaultMinHours
	}
	if err == nil && len(fe) > 0 {
		err = fe.Err()
	}
	if err == nil {
		d.R, err = h.Cadres.Report(ctx, auth.ActorFrom(ctx), f)
	}
	if d.Errors = web.FieldErrors(err); d.Errors == nil && err != nil {
		return err
	}
	d.F = f
	if d.R.Next != "" {
		f.MinHours = d.R.MinHours
		d.NextURL = "/cadres/report?" + f.query(d.R.Next).Encode()
	}
	web.HTML(w)
	return web.Render(ctx, w, reportPage(web.NewPage(w, r, web.T(ctx, "cadre.report"), "nav.cadres"), d))
}
