package skills

import (
	"net/http"
	"strconv"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/person"
	"qinggong/internal/web"
)

func appraisalRoutes(r *web.Router, h *Handler) {
	r.Get("/appraisals", auth.Authenticated, h.appraisals)
	r.Get("/appraisals/new", auth.SkillsManage, h.newAppraisal)
	r.Post("/appraisals", auth.SkillsManage, h.createAppraisal)
	r.Get("/appraisals/{id}", auth.Authenticated, h.appraisal)
	r.Post("/appraisals/{id}/apply", auth.Authenticated, h.apply)
	r.Post("/appraisal-applications/{id}/result", auth.SkillsManage, h.result)
	r.Get("/api/v1/appraisals", auth.Authenticated, h.apiAppraisals)
	r.Post("/api/v1/appraisals", auth.SkillsManage, h.apiCreateAppraisal)
	r.Get("/api/v1/appraisals/{id}", auth.Authenticated, h.apiAppraisal)
	r.Get("/api/v1/appraisals/{id}/applications", auth.SkillsManage, h.apiApplications)
	r.Post("/api/v1/appraisals/{id}/applications", auth.Authenticated, h.apiApply)
	r.Post("/api/v1/appraisal-applications/{id}/result", auth.SkillsManage, h.apiResult)
	r.Get("/api/v1/me/eligibility", auth.Authenticated, h.apiEligibility)
}

func (h *Handler) appraisals(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	list, err := h.Skills.Appraisals(ctx, 100)
	if err != nil {
		return err
	}
	return web.Render(ctx, w, appraisalsPage(web.NewPage(w, r, web.T(ctx, "skills.appraisals"), "nav.skills"), list,
		auth.ActorFrom(ctx).HasAnywhere(auth.SkillsManage)))
}

func (h *Handler) newAppraisal(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	d := courseForm{V: map[string][]string{"level": {"4"}, "capacity": {"50"}}}
	if o, err := h.Orgs.FindByID(ctx, a, a.OrgID); err == nil && a.Can(auth.SkillsManage, o.Path) {
		d.V["org_code"] = []string{o.Code}
	}
	return h.renderAppraisalForm(w, r, d)
}

func (h *Handler) renderAppraisalForm(w http.ResponseWriter, r *http.Request, d courseForm) error {
	ctx := r.Context()
	if d.Errors != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return web.Render(ctx, w, appraisalFormPage(web.NewPage(w, r, web.T(ctx, "skills.new_appraisal"), "nav.skills"), d))
}

func (h *Handler) createAppraisal(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	if err := r.ParseForm(); err != nil {
		return err
	}
	v := r.PostForm
	level, _ := strconv.Atoi(v.Get("level"))
	capacity, _ := strconv.Atoi(strings.TrimSpace(v.Get("capacity")))
	in := AppraisalInput{Trade: v.Get("trade"), Level: level, Starts: localTime(v.Get("starts")), Place: v.Get("place"), Capacity: capacity,
		Body: v.Get("body")}
	if o, err := h.Orgs.FindByCode(ctx, a, auth.SkillsManage, strings.TrimSpace(v.Get("org_code"))); err == nil {
		in.OrgID = o.ID
	}
	s, err := h.Skills.CreateAppraisal(ctx, a, in)
	if fields := web.FieldErrors(err); fields != nil {
		return h.renderAppraisalForm(w, r, courseForm{V: v, Errors: fields})
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/appraisals/"+strconv.FormatInt(s.ID, 10), "skills.appraisal_created")
}

// appraisalData is a session's page.
type appraisalData struct {
	A            *AppraisalSession
	Manage       bool
	Applications []Application
	Eligibility  *Eligibility // the viewer's own, if their login has a record
	Mine         *Application
}

func (h *Handler) appraisal(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	s, err := h.Skills.Appraisal(ctx, id)
	if err != nil {
		return err
	}
	d := appraisalData{A: s, Manage: a.Can(auth.SkillsManage, s.OrgPath)}
	if d.Manage {
		if d.Applications, err = h.Skills.Applications(ctx, a, id); err != nil {
			return err
		}
	}
	if el, err := h.Skills.OwnEligibility(ctx, a); err == nil {
		d.Eligibility = el
		mine, err := h.Skills.MyApplications(ctx, a)
		if err != nil {
			return err
		}
		for i := range mine {
			if mine[i].SessionID == id {
				d.Mine = &mine[i]
			}
		}
	}
	return web.Render(ctx, w, appraisalPage(web.NewPage(w, r, web.Tf(ctx, "skills.appraisal_title", s.Trade, web.T(ctx, person.SkillLevelName(s.Level))), "nav.skills"), d))
}

// apply enters the viewer, or (a cadre) the person of the ID number typed.
func (h *Handler) apply(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var personID int64
	if num := strings.TrimSpace(r.PostFormValue("id_number")); num != "" {
		p, err := h.Skills.people.ByIDNumber(ctx, a, num)
		if errs.KindOf(err) == errs.NotFound {
			return web.Back(w, r, "/appraisals/"+strconv.FormatInt(id, 10), "", errs.E(errs.Conflict, "err.event_person_unknown"))
		}
		if err != nil {
			return err
		}
		personID = p.ID
	}
	_, err = h.Skills.Apply(ctx, a, id, personID)
	return web.Back(w, r, "/appraisals/"+strconv.FormatInt(id, 10), "skills.applied", err)
}

func (h *Handler) result(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	x, err := applicationByID(ctx, h.Skills.db.R(), id)
	if err != nil {
		return err
	}
	score := func(k string) int {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(k)))
		if err != nil {
			return -1
		}
		return n
	}
	_, err = h.Skills.RecordResult(ctx, auth.ActorFrom(ctx), id, score("theory"), score("practical"))
	return web.Back(w, r, "/appraisals/"+strconv.FormatInt(x.SessionID, 10), "skills.result_saved", err)
}

func (h *Handler) apiAppraisals(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Skills.Appraisals(r.Context(), 100)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, list)
}

func (h *Handler) apiCreateAppraisal(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in AppraisalInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	s, err := h.Skills.CreateAppraisal(ctx, auth.ActorFrom(ctx), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, s)
}

func (h *Handler) apiAppraisal(w http.ResponseWriter, r *http.Request) error {
	return web.WithID(w, r, http.StatusOK, func(id int64) (*AppraisalSession, error) { return h.Skills.Appraisal(r.Context(), id) })
}

func (h *Handler) apiApplications(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusOK, func(id int64) ([]Application, error) { return h.Skills.Applications(ctx, auth.ActorFrom(ctx), id) })
}

func (h *Handler) apiApply(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in struct {
		PersonID int64 `json:"person_id"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusCreated, func(id int64) (*Application, error) {
		return h.Skills.Apply(ctx, auth.ActorFrom(ctx), id, in.PersonID)
	})
}

func (h *Handler) apiResult(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in struct {
		Theory    int `json:"theory"`
		Practical int `json:"practical"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Application, error) {
		return h.Skills.RecordResult(ctx, auth.ActorFrom(ctx), id, in.Theory, in.Practical)
	})
}

func (h *Handler) apiEligibility(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	el, err := h.Skills.OwnEligibility(ctx, auth.ActorFrom(ctx))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, el)
}
