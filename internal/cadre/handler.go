package cadre

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/web"
)

// Handler serves the cadre pages and API.
type Handler struct {
	Cadres *Service
	Orgs   *org.Service
}

// Routes registers every cadre route with its permission; the API routes
// declare the same permissions as their pages.
func Routes(r *web.Router, h *Handler) {
	r.Get("/cadres", auth.CadreRead, h.cadreList)
	r.Get("/cadres/new", auth.CadreWrite, h.cadreNew)
	r.Post("/cadres", auth.CadreWrite, h.cadreCreate)
	r.Get("/cadres/report", auth.CadreRead, h.cadreReport)
	r.Get("/cadres/{id}", auth.CadreRead, h.cadreShow)
	r.Get("/cadres/{id}/edit", auth.CadreWrite, h.cadreEdit)
	r.Post("/cadres/{id}/edit", auth.CadreWrite, h.cadreUpdate)
	r.Post("/cadres/{id}/end", auth.CadreWrite, h.cadreEnd)

	r.Get("/api/v1/cadres", auth.CadreRead, h.apiList)
	r.Post("/api/v1/cadres", auth.CadreWrite, h.apiCreate)
	r.Get("/api/v1/cadres/report", auth.CadreRead, h.apiReport)
	r.Get("/api/v1/cadres/{id}", auth.CadreRead, h.apiGet)
	r.Put("/api/v1/cadres/{id}", auth.CadreWrite, h.apiUpdate)
	r.Post("/api/v1/cadres/{id}/end", auth.CadreWrite, h.apiEnd)
}

// number reads a non-negative integer parameter; "" is 0.
func number(fe *errs.Fields, name, v string) int64 {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		fe.Add(name, "err.invalid")
		return 0
	}
	return n
}

// filterFrom reads list filters from a query string (page and API).
func filterFrom(q url.Values) (Filter, error) {
	var fe errs.Fields
	f := Filter{Under: number(&fe, "org", q.Get("org")), Post: q.Get("post"), Basis: q.Get("basis"),
		Relevance: q.Get("relevance"), Status: q.Get("status"), After: q.Get("after"), Limit: int(number(&fe, "limit", q.Get("limit")))}
	return f, fe.Err()
}

// query is the filter as a query string, without the cursor.
func (f Filter) query() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"post": f.Post, "basis": f.Basis, "relevance": f.Relevance, "status": f.Status} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Under > 0 {
		v.Set("org", strconv.FormatInt(f.Under, 10))
	}
	return v
}

// reportFilterFrom reads the report's filters from a query string.
func reportFilterFrom(q url.Values) (ReportFilter, error) {
	var fe errs.Fields
	f := ReportFilter{Under: number(&fe, "org", q.Get("org")), MinHours: int(number(&fe, "min_hours", q.Get("min_hours"))),
		Flagged: q.Get("flagged") == "1" || q.Get("flagged") == "true", After: q.Get("after"), Limit: int(number(&fe, "limit", q.Get("limit")))}
	if f.MinHours > MaxHours {
		fe.Add("min_hours", "err.cadre_hours")
	}
	return f, fe.Err()
}

// query is the report filter as a query string with the cursor after.
func (f ReportFilter) query(after string) url.Values {
	v := url.Values{"min_hours": {strconv.Itoa(f.MinHours)}, "after": {after}}
	if f.Under > 0 {
		v.Set("org", strconv.FormatInt(f.Under, 10))
	}
	if f.Flagged {
		v.Set("flagged", "1")
	}
	return v
}

// orgFilter resolves the organization a page filters by: a typed code
// (org_code) wins over the ID of a link (org). It returns the ID and the
// code to show.
func (h *Handler) orgFilter(r *http.Request, fe *errs.Fields) (int64, string) {
	ctx, a, q := r.Context(), auth.ActorFrom(r.Context()), r.URL.Query()
	if code := strings.TrimSpace(q.Get("org_code")); code != "" {
		o, err := h.Cadres.OrgByCode(ctx, a, code)
		if err != nil {
			fe.Add("org_code", "err.org_unknown")
			return 0, code
		}
		return o.ID, o.Code
	}
	id, err := strconv.ParseInt(q.Get("org"), 10, 64)
	if err != nil || id <= 0 {
		return 0, ""
	}
	if o, err := h.Orgs.FindByID(ctx, a, id); err == nil {
		return id, o.Code
	}
	return id, ""
}

// formInput reads the appointment or edit form.
func formInput(r *http.Request) (Input, errs.Fields) {
	var fe errs.Fields
	in := Input{Post: r.PostFormValue("post"), Basis: r.PostFormValue("basis"), Concurrent: r.PostFormValue("concurrent_post"),
		Relevance: r.PostFormValue("relevance"), Prospects: r.PostFormValue("prospects"), ProspectsNote: r.PostFormValue("prospects_note"),
		TermStart: r.PostFormValue("term_start"), TermEnd: r.PostFormValue("term_end"), CoManagement: r.PostFormValue("co_management")}
	in.PersonID = number(&fe, "person_id", r.PostFormValue("person_id"))
	if v := strings.TrimSpace(r.PostFormValue("hours_per_week")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			fe.Add("hours_per_week", "err.cadre_hours")
		}
		in.Hours = n
	}
	return in, fe
}

// merged is the form's own field messages together with the service's
// (the organization's reported on the code typed); an error of another
// kind is returned as it is.
func merged(fe errs.Fields, err error) error {
	fields := web.FieldErrors(err)
	if err != nil && fields == nil {
		return err
	}
	for k, v := range fields {
		if k == "org_id" {
			k = "org_code"
		}
		fe.Add(k, v)
	}
	return fe.Err()
}
