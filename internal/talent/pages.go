package talent

import (
	"net/http"
	"strconv"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/web"
)

// The pages: the pool with its filters (kind, level, organization, status,
// side), the recommendation form, one recommendation with the receiving
// committee's decisions, and the typical cases.

func pageRoutes(r *web.Router, h *Handler) {
	r.Get("/talent", auth.CareerRead, h.pool)
	r.Get("/talent/new", auth.TalentRecommend, h.newForm)
	r.Post("/talent", auth.TalentRecommend, h.create)
	r.Get("/talent/typical", auth.Authenticated, h.typical)
	r.Get("/talent/{id}", auth.CareerRead, h.show)
	r.Post("/talent/{id}/vet", auth.TalentVet, h.vet)
	r.Post("/talent/{id}/typical", auth.TalentVet, h.markTypical)
	r.Post("/talent/{id}/carry", auth.TalentVet, h.carry)
}

func (h *Handler) pool(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := filter(r)
	p, err := h.Talent.Pool(ctx, auth.ActorFrom(ctx), f)
	if web.FieldErrors(err) != nil {
		f = Filter{} // a hand-edited query: the plain pool
		p, err = h.Talent.Pool(ctx, auth.ActorFrom(ctx), f)
	}
	if err != nil {
		return err
	}
	return web.Render(ctx, w, poolPage(web.NewPage(w, r, web.T(ctx, "talent.pool"), "nav.talent"), p, f))
}

// formData is what the recommendation form shows.
type formData struct {
	V      map[string][]string
	Who    string
	Errors map[string]string
}

func (d formData) get(k string) string {
	if v := d.V[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (h *Handler) newForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d := formData{V: map[string][]string{"kind": {Kinds[1]}}}
	if id, err := strconv.ParseInt(r.URL.Query().Get("person"), 10, 64); err == nil {
		p, err := h.Talent.people.Get(ctx, auth.ActorFrom(ctx), id)
		if err != nil {
			return err
		}
		d.V["person_id"], d.Who = []string{strconv.FormatInt(p.ID, 10)}, p.Name
	}
	return h.renderForm(w, r, d)
}

func (h *Handler) renderForm(w http.ResponseWriter, r *http.Request, d formData) error {
	ctx := r.Context()
	if d.Errors != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return web.Render(ctx, w, formPage(web.NewPage(w, r, web.T(ctx, "talent.new"), "nav.talent"), d))
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	if err := r.ParseForm(); err != nil {
		return err
	}
	v := r.PostForm
	d := formData{V: v}
	in := Input{Kind: v.Get("kind"), Evidence: v.Get("evidence"), Moral: v.Get("moral")}
	in.PersonID, _ = strconv.ParseInt(v.Get("person_id"), 10, 64)
	if p, err := h.Talent.people.Get(ctx, a, in.PersonID); err == nil {
		d.Who = p.Name // the form shown again still says whom it recommends
	}
	fe := errs.Fields{}
	if in.PersonID == 0 {
		if num := strings.TrimSpace(v.Get("id_number")); num != "" {
			if p, err := h.Talent.people.ByIDNumber(ctx, a, num); err == nil {
				in.PersonID = p.ID
			}
		}
		if in.PersonID == 0 {
			fe.Add("id_number", "err.talent_person")
		}
	}
	if code := strings.TrimSpace(v.Get("to_code")); code != "" {
		var id int64
		if err := h.Talent.db.R().QueryRowContext(ctx, `SELECT id FROM orgs WHERE code = $1`, code).Scan(&id); err == nil {
			in.ToOrgID = id
		} else {
			fe.Add("to_org_id", "err.talent_to")
		}
	}
	if len(fe) > 0 {
		d.Errors = map[string]string(fe)
		return h.renderForm(w, r, d)
	}
	rec, err := h.Talent.Recommend(ctx, a, in)
	if e, ok := errs.As(err); ok && e.Kind == errs.Conflict {
		d.Errors = map[string]string{"form": e.Msg}
		return h.renderForm(w, r, d)
	}
	if fields := web.FieldErrors(err); fields != nil {
		d.Errors = fields
		if m, ok := fields["person_id"]; ok {
			d.Errors["id_number"] = m
		}
		return h.renderForm(w, r, d)
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/talent/"+strconv.FormatInt(rec.ID, 10), "talent.recommended")
}

// showData is what a recommendation's page shows.
type showData struct {
	R         *Recommendation
	Vet       bool               // the actor's committee received it
	Campaigns []campaign.Summary // nominating person campaigns it may go into
}

func (h *Handler) show(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	rec, err := h.Talent.Get(ctx, a, id)
	if err != nil {
		return err
	}
	d := showData{R: rec, Vet: a.Can(auth.TalentVet, rec.ToPath)}
	if d.Vet && rec.Status == Accepted && rec.NominationID == 0 {
		if d.Campaigns, err = h.Talent.campaigns.NominatingFor(ctx, a, rec.ToPath); err != nil {
			return err
		}
	}
	return web.Render(ctx, w, showPage(web.NewPage(w, r, rec.PersonName, "nav.talent"), d))
}

// act runs a decision on the recommendation of the path and comes back to
// its page; a refusal is shown there as the flash.
func (h *Handler) act(w http.ResponseWriter, r *http.Request, ok string, fn func(id int64) error) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return web.Back(w, r, "/talent/"+strconv.FormatInt(id, 10), ok, fn(id))
}

func (h *Handler) vet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	accept := r.PostFormValue("decision") == "accept"
	msg := "talent.returned"
	if accept {
		msg = "talent.accepted"
	}
	return h.act(w, r, msg, func(id int64) error {
		_, err := h.Talent.Vet(ctx, auth.ActorFrom(ctx), id, VetInput{Accept: accept, Note: r.PostFormValue("note")})
		return err
	})
}

func (h *Handler) markTypical(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	typical := r.PostFormValue("typical") == "1"
	return h.act(w, r, "talent.typical_saved", func(id int64) error {
		_, err := h.Talent.MarkTypical(ctx, auth.ActorFrom(ctx), id, typical, r.PostFormValue("text"))
		return err
	})
}

func (h *Handler) carry(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	cid, _ := strconv.ParseInt(r.PostFormValue("campaign_id"), 10, 64)
	return h.act(w, r, "talent.carried", func(id int64) error {
		_, err := h.Talent.Carry(ctx, auth.ActorFrom(ctx), id, cid)
		return err
	})
}

func (h *Handler) typical(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	cases, next, err := h.Talent.Typical(ctx, after, 20)
	if err != nil {
		return err
	}
	return web.Render(ctx, w, typicalPage(web.NewPage(w, r, web.T(ctx, "talent.typical"), "nav.talent"), cases, next))
}

// levels are the pool levels offered in the filter (a committee's level).
var levels = []string{org.LevelCity, org.LevelDistrict, org.LevelSystem, org.LevelUnit}
