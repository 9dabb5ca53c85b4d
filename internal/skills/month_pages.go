package skills

import (
	"net/http"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// The skills month's pages: the list (and, for the city committee, the
// form that sets a year's programme), and the public page of a year with
// its live board, which polls its own fragment.

func monthRoutes(r *web.Router, h *Handler) {
	r.Get("/skills-months", auth.Authenticated, h.months)
	r.Post("/skills-months", auth.SkillsRules, h.saveMonth)
	r.Get("/skills-month/{year}", auth.Public, h.monthPage)
	r.Get("/skills-month/{year}/board", auth.Public, h.monthBoard)
	r.Get("/api/v1/skills-months", auth.Public, h.apiMonths)
	r.Put("/api/v1/skills-months/{year}", auth.SkillsRules, h.apiSaveMonth)
	r.Get("/api/v1/skills-months/{year}", auth.Public, h.apiProgramme)
	r.Get("/api/v1/skills-months/{year}/board", auth.Public, h.apiBoard)
}

// monthsData is the list page with its form.
type monthsData struct {
	Months []SkillsMonth
	Set    bool // the actor may set a programme
	Form   courseForm
}

func (h *Handler) months(w http.ResponseWriter, r *http.Request) error {
	form := courseForm{V: map[string][]string{}}
	// ?edit=YEAR fills the form with that year's programme to change it.
	if year, err := strconv.Atoi(r.URL.Query().Get("edit")); err == nil {
		if m, err := h.Skills.Month(r.Context(), year); err == nil {
			form.V = map[string][]string{"year": {strconv.Itoa(m.Year)}, "title": {m.Title}, "starts_on": {m.StartsOn},
				"ends_on": {m.EndsOn}, "summary": {m.Summary}}
		}
	}
	return h.renderMonths(w, r, form)
}

func (h *Handler) renderMonths(w http.ResponseWriter, r *http.Request, form courseForm) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	list, err := h.Skills.Months(ctx, 0)
	if err != nil {
		return err
	}
	d := monthsData{Months: list, Form: form}
	if root, err := h.Orgs.Root(ctx); err == nil {
		d.Set = a.Can(auth.SkillsRules, root.Path)
	}
	if len(form.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return web.Render(ctx, w, monthsPage(web.NewPage(w, r, web.T(ctx, "skills.months"), "nav.skills"), d))
}

func (h *Handler) saveMonth(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return err
	}
	v := r.PostForm
	year, _ := strconv.Atoi(v.Get("year"))
	m, err := h.Skills.SaveMonth(ctx, auth.ActorFrom(ctx), MonthInput{Year: year, Title: v.Get("title"), StartsOn: v.Get("starts_on"),
		EndsOn: v.Get("ends_on"), Summary: v.Get("summary")})
	if fields := web.FieldErrors(err); fields != nil {
		return h.renderMonths(w, r, courseForm{V: v, Errors: fields})
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/skills-month/"+strconv.Itoa(m.Year), "skills.month_saved")
}

// monthOf is the programme of the path's year.
func (h *Handler) monthOf(r *http.Request) (*SkillsMonth, error) {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return nil, errs.ErrNotFound
	}
	return h.Skills.Month(r.Context(), year)
}

func (h *Handler) monthPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := h.monthOf(r)
	if err != nil {
		return err
	}
	pr, err := h.Skills.Programme(ctx, m)
	if err != nil {
		return err
	}
	b, err := h.Skills.Board(ctx, m)
	if err != nil {
		return err
	}
	return web.Render(ctx, w, monthPage(web.NewPage(w, r, m.Title, ""), pr, b))
}

func (h *Handler) monthBoard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := h.monthOf(r)
	if err != nil {
		return err
	}
	b, err := h.Skills.Board(ctx, m)
	if err != nil {
		return err
	}
	return web.Render(ctx, w, boardTable(b))
}

func (h *Handler) apiMonths(w http.ResponseWriter, r *http.Request) error {
	before := 0
	if v := r.URL.Query().Get("before"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return (errs.Fields{"before": "err.invalid"}).Err()
		}
		before = n
	}
	list, err := h.Skills.Months(r.Context(), before)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, list)
}

func (h *Handler) apiSaveMonth(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in MonthInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return errs.ErrNotFound
	}
	in.Year = year
	m, err := h.Skills.SaveMonth(ctx, auth.ActorFrom(ctx), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, m)
}

func (h *Handler) apiProgramme(w http.ResponseWriter, r *http.Request) error {
	m, err := h.monthOf(r)
	if err != nil {
		return err
	}
	pr, err := h.Skills.Programme(r.Context(), m)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, pr)
}

func (h *Handler) apiBoard(w http.ResponseWriter, r *http.Request) error {
	m, err := h.monthOf(r)
	if err != nil {
		return err
	}
	b, err := h.Skills.Board(r.Context(), m)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, b)
}
