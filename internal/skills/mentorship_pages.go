package skills

import (
	"net/http"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

func mentorshipRoutes(r *web.Router, h *Handler) {
	r.Get("/mentorships", auth.Authenticated, h.mentorships)
	r.Get("/mentorships/new", auth.SkillsManage, h.newMentorship)
	r.Post("/mentorships", auth.SkillsManage, h.createMentorship)
	r.Get("/mentorships/{id}", auth.Authenticated, h.mentorshipPage)
	r.Post("/mentorships/{id}/logs", auth.Authenticated, h.addLog)
	r.Post("/mentorships/{id}/complete", auth.SkillsManage, h.complete)
	r.Get("/api/v1/mentorships", auth.Authenticated, h.apiMentorships)
	r.Post("/api/v1/mentorships", auth.SkillsManage, h.apiCreateMentorship)
	r.Get("/api/v1/mentorships/{id}", auth.Authenticated, h.apiMentorship)
	r.Post("/api/v1/mentorships/{id}/logs", auth.Authenticated, h.apiAddLog)
	r.Post("/api/v1/mentorships/{id}/complete", auth.SkillsManage, h.apiComplete)
}

func (h *Handler) mentorships(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	list, err := h.Skills.Mentorships(ctx, a, 100)
	if err != nil {
		return err
	}
	return web.Render(ctx, w, mentorshipsPage(web.NewPage(w, r, web.T(ctx, "skills.mentorships"), "nav.skills"), list, a.HasAnywhere(auth.SkillsManage)))
}

func (h *Handler) newMentorship(w http.ResponseWriter, r *http.Request) error {
	return h.renderMentorshipForm(w, r, courseForm{V: map[string][]string{}})
}

func (h *Handler) renderMentorshipForm(w http.ResponseWriter, r *http.Request, d courseForm) error {
	ctx := r.Context()
	if d.Errors != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return web.Render(ctx, w, mentorshipFormPage(web.NewPage(w, r, web.T(ctx, "skills.new_mentorship"), "nav.skills"), d))
}

// personByNumber finds one person the actor reads by ID-card number.
func (h *Handler) personByNumber(r *http.Request, number string) int64 {
	p, err := h.Skills.people.ByIDNumber(r.Context(), auth.ActorFrom(r.Context()), number)
	if err != nil {
		return 0
	}
	return p.ID
}

func (h *Handler) createMentorship(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return err
	}
	v := r.PostForm
	in := MentorshipInput{MentorID: h.personByNumber(r, v.Get("mentor_number")), ApprenticeID: h.personByNumber(r, v.Get("apprentice_number")),
		Trade: v.Get("trade"), Goals: v.Get("goals"), Starts: v.Get("starts"), Ends: v.Get("ends")}
	m, err := h.Skills.CreateMentorship(ctx, auth.ActorFrom(ctx), in)
	if fields := web.FieldErrors(err); fields != nil {
		return h.renderMentorshipForm(w, r, courseForm{V: v, Errors: fields})
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/mentorships/"+strconv.FormatInt(m.ID, 10), "skills.mentorship_created")
}

// mentorshipData is an agreement's page.
type mentorshipData struct {
	M      *Mentorship
	Side   string
	Manage bool
	Month  string // this month, the log form's default
}

func (h *Handler) mentorshipPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	m, side, err := h.Skills.Mentorship(ctx, a, id)
	if err != nil {
		return err
	}
	d := mentorshipData{M: m, Side: side, Manage: a.Can(auth.SkillsManage, m.OrgPath), Month: h.Skills.now().In(shanghai).Format("2006-01")}
	return web.Render(ctx, w, mentorshipPage(web.NewPage(w, r, web.Tf(ctx, "skills.mentorship_of", m.MentorName, m.ApprenticeName), "nav.skills"), d))
}

func (h *Handler) addLog(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	_, err = h.Skills.AddLog(ctx, auth.ActorFrom(ctx), id, r.PostFormValue("month"), r.PostFormValue("body"))
	return web.Back(w, r, "/mentorships/"+strconv.FormatInt(id, 10), "skills.log_saved", err)
}

func (h *Handler) complete(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	rating, _ := strconv.Atoi(r.PostFormValue("rating"))
	_, err = h.Skills.CompleteMentorship(ctx, auth.ActorFrom(ctx), id, r.PostFormValue("evaluation"), rating)
	return web.Back(w, r, "/mentorships/"+strconv.FormatInt(id, 10), "skills.mentorship_completed", err)
}

func (h *Handler) apiMentorships(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	list, err := h.Skills.Mentorships(ctx, auth.ActorFrom(ctx), 100)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, list)
}

func (h *Handler) apiCreateMentorship(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in MentorshipInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := h.Skills.CreateMentorship(ctx, auth.ActorFrom(ctx), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, m)
}

func (h *Handler) apiMentorship(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Mentorship, error) {
		m, _, err := h.Skills.Mentorship(ctx, auth.ActorFrom(ctx), id)
		return m, err
	})
}

func (h *Handler) apiAddLog(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in struct {
		Month string `json:"month"`
		Body  string `json:"body"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusCreated, func(id int64) (*Mentorship, error) {
		return h.Skills.AddLog(ctx, auth.ActorFrom(ctx), id, in.Month, in.Body)
	})
}

func (h *Handler) apiComplete(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in struct {
		Evaluation string `json:"evaluation"`
		Rating     int    `json:"rating"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Mentorship, error) {
		return h.Skills.CompleteMentorship(ctx, auth.ActorFrom(ctx), id, in.Evaluation, in.Rating)
	})
}
