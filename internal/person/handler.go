package person

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"qinggong/internal/auth"
	"qinggong/internal/cadre"
	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/web"
)

// Handler serves the people registry's pages and API.
type Handler struct {
	People *Service
	Orgs   *org.Service
	Users  *auth.Service
	Cadres *cadre.Service // posts shown on the person page; nil leaves them out
}

// Routes registers every people route with its permission.
func Routes(r *web.Router, h *Handler) {
	r.Get("/people", auth.PersonRead, h.peopleList)
	r.Get("/people/new", auth.PersonWrite, h.personNew)
	r.Post("/people", auth.PersonWrite, h.personCreate)
	r.Get("/people/{id}", auth.PersonRead, h.personShow)
	r.Get("/people/{id}/timeline", auth.PersonRead, h.personTimeline)
	r.Get("/people/{id}/edit", auth.PersonWrite, h.personEdit)
	r.Post("/people/{id}/edit", auth.PersonWrite, h.personUpdate)
	r.Post("/people/{id}/reveal", auth.RevealPII, h.personReveal)
	r.Post("/people/export", auth.PersonExport, h.peopleExport)
	r.Post("/people/{id}/transfers", auth.PersonWrite, h.transferRequest)
	r.Get("/transfers", auth.PersonRead, h.transferList)
	r.Post("/transfers/{id}/approve", auth.PersonWrite, h.transferApprove)
	r.Post("/transfers/{id}/reject", auth.PersonWrite, h.transferReject)
	r.Post("/transfers/{id}/cancel", auth.PersonWrite, h.transferCancel)

	r.Get("/people/import", auth.PersonWrite, h.importForm)
	r.Get("/people/import/template", auth.PersonWrite, h.importTemplate)
	r.Post("/people/imports", auth.PersonWrite, h.importUpload)
	r.Get("/imports/{id}", auth.PersonWrite, h.importShow)
	r.Post("/imports/{id}/confirm", auth.PersonWrite, h.importConfirm)
	r.Post("/imports/{id}/discard", auth.PersonWrite, h.importDiscard)

	apiRoutes(r, h)
	selfRoutes(r, h)
}

// filterFrom reads list filters from a query string (pages, API, export).
func filterFrom(q url.Values) (Filter, error) {
	var fe errs.Fields
	num := func(name string) int64 {
		v := strings.TrimSpace(q.Get(name))
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
	// under is the organization's ID (the list's shareable form, as the
	// organization page links it); org is its older name, still read.
	under := "under"
	if q.Get(under) == "" {
		under = "org"
	}
	f := Filter{
		Under: num(under), Region: num("region"), Query: q.Get("q"), AgeMin: int(num("age_min")), AgeMax: int(num("age_max")),
		Gender: q.Get("gender"), Political: q.Get("political"), Trade: q.Get("trade"), SkillLevel: q.Get("skill_level"),
		Tag: q.Get("tag"), Status: q.Get("status"), Sort: q.Get("sort"), After: q.Get("after"), Limit: int(num("limit")),
	}
	if len([]rune(f.Query)) > 50 {
		fe.Add("q", "err.too_long")
	}
	return f, fe.Err()
}

// query is the filter as a query string (for links to the next page and
// the export form), without the cursor.
func (f Filter) query() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" && s != "0" {
			v.Set(k, s)
		}
	}
	set("under", strconv.FormatInt(f.Under, 10))
	set("region", strconv.FormatInt(f.Region, 10))
	set("q", f.Query)
	set("age_min", strconv.Itoa(f.AgeMin))
	set("age_max", strconv.Itoa(f.AgeMax))
	set("gender", f.Gender)
	set("political", f.Political)
	set("trade", f.Trade)
	if f.SkillLevel != "" {
		v.Set("skill_level", f.SkillLevel)
	}
	set("tag", f.Tag)
	set("status", f.Status)
	set("sort", f.Sort)
	return v
}

// formInput reads the person form.
func formInput(r *http.Request) (Input, errs.Fields) {
	var fe errs.Fields
	in := Input{
		Name: r.PostFormValue("name"), Gender: r.PostFormValue("gender"), BirthDate: r.PostFormValue("birth_date"),
		IDNumber: r.PostFormValue("id_number"), Phone: r.PostFormValue("phone"), Email: r.PostFormValue("email"),
		Ethnicity: r.PostFormValue("ethnicity"), Education: r.PostFormValue("education"), Political: r.PostFormValue("political"),
		LeagueJoined: r.PostFormValue("league_joined"), Employer: r.PostFormValue("employer"), Job: r.PostFormValue("job"),
		Trade: r.PostFormValue("trade"), SkillDate: r.PostFormValue("skill_date"), SkillBody: r.PostFormValue("skill_body"),
		Title: r.PostFormValue("title"), Tags: SplitTags(r.PostFormValue("tags")), Status: r.PostFormValue("status"),
		Notes: r.PostFormValue("notes"),
	}
	if v := r.PostFormValue("org_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			fe.Add("org_id", "err.org_unknown")
		}
		in.OrgID = n
	}
	if v := r.PostFormValue("skill_level"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			fe.Add("skill_level", "err.skill_level")
		}
		in.SkillLevel = n
	}
	return in, fe
}

// orgNames names the organizations of a page of people (cached reads).
func (h *Handler) orgNames(r *http.Request, people []Person) map[int64]string {
	out := map[int64]string{}
	a := auth.ActorFrom(r.Context())
	for _, p := range people {
		if _, ok := out[p.OrgID]; ok {
			continue
		}
		if o, err := h.Orgs.FindByID(r.Context(), a, p.OrgID); err == nil {
			out[p.OrgID] = o.Name
		}
	}
	return out
}

// render writes a page with status. The component is built by the caller
// first, so that web.NewPage can still set its cookie before the header goes.
func render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	web.HTML(w)
	w.WriteHeader(status)
	return web.Render(r.Context(), w, c)
}

// labels are the list's column names, looked up once per table rather
// than once per cell (each row repeats them for the phone layout).
type labels struct{ name, gender, age, id, org, trade, skill, political string }

func columnLabels(ctx context.Context) labels {
	return labels{web.T(ctx, "pf.name"), web.T(ctx, "pf.gender"), web.T(ctx, "person.age"), web.T(ctx, "pf.id_number"),
		web.T(ctx, "pf.org_id"), web.T(ctx, "pf.trade"), web.T(ctx, "pf.skill_level"), web.T(ctx, "pf.political")}
}
