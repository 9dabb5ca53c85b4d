package career

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/event"
	"qinggong/internal/org"
	"qinggong/internal/person"
	"qinggong/internal/web"
)

// The pages: the career-navigation view of a unit (its year's plans,
// reviews, mentors, recommendations and events); a plan with its
// milestones and reviews; the plan form; "my career" for a young worker
// and their mentor.

func pageRoutes(r *web.Router, h *Handler) {
	r.Get("/career", auth.CareerRead, h.units)
	r.Get("/career/plans/new", auth.CareerWrite, h.newForm)
	r.Post("/career/plans", auth.Authenticated, h.create)
	r.Get("/career/plans/{id}", auth.Authenticated, h.show)
	r.Get("/career/plans/{id}/edit", auth.Authenticated, h.editForm)
	r.Post("/career/plans/{id}", auth.Authenticated, h.update)
	r.Post("/career/plans/{id}/milestones", auth.Authenticated, h.addMilestone)
	r.Post("/career/plans/{id}/reviews", auth.Authenticated, h.review)
	r.Post("/career/milestones/{id}/met", auth.Authenticated, h.meet)
	r.Get("/my/career", auth.Authenticated, h.mine)
	r.Get("/my/career/new", auth.Authenticated, h.newOwn)
}

// unitData is the career-navigation view of one organization.
type unitData struct {
	Org      *org.Org
	Year     int
	Self     UnitCount
	Children []UnitCount
	Talent   map[string]int
	Events   *event.Year
	Plans    *Page
	Write    bool
}

func (h *Handler) unitView(r *http.Request) (*unitData, error) {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	o, err := h.Orgs.ViewOrg(ctx, a, auth.CareerRead, r.URL.Query().Get("org"))
	if err != nil {
		return nil, err
	}
	d := &unitData{Org: o, Year: h.Career.Year(), Write: a.HasAnywhere(auth.CareerWrite)}
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= 2100 {
		d.Year = y
	}
	kids, err := h.Orgs.ChildrenOf(ctx, a, o, 500)
	if err != nil {
		return nil, err
	}
	if d.Self, d.Children, err = h.Career.Units(ctx, a, o, kids, d.Year); err != nil {
		return nil, err
	}
	return d, nil
}

func (h *Handler) units(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	d, err := h.unitView(r)
	if err != nil {
		return err
	}
	if d.Talent, err = h.Talent.Counts(ctx, a, d.Org.Path); err != nil {
		return err
	}
	if d.Events, err = h.Events.YearOf(ctx, a, d.Org.Path, d.Year); err != nil {
		return err
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if d.Plans, err = h.Career.List(ctx, a, Filter{OrgID: d.Org.ID, Year: d.Year, After: after, Limit: 20}); err != nil {
		return err
	}
	return web.Render(ctx, w, unitsPage(web.NewPage(w, r, web.T(ctx, "career.view"), "nav.career"), d))
}

// formData is what the plan form shows.
type formData struct {
	Plan   *Plan  // nil for a new plan
	Who    string // the person's name when known
	Own    bool   // a young worker's own plan: no person or mentor fields
	V      map[string][]string
	Rows   int
	Errors map[string]string
}

func (d formData) get(k string) string {
	if v := d.V[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (d formData) action() string {
	if d.Plan != nil {
		return "/career/plans/" + strconv.FormatInt(d.Plan.ID, 10)
	}
	return "/career/plans"
}

func (h *Handler) newForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d := formData{V: map[string][]string{"starts": {h.Career.Now().In(shanghai).Format("2006-01-02")}}, Rows: 3}
	if id, err := strconv.ParseInt(r.URL.Query().Get("person"), 10, 64); err == nil {
		p, err := h.Career.people.Get(ctx, auth.ActorFrom(ctx), id)
		if err != nil {
			return err
		}
		d.V["person_id"], d.Who = []string{strconv.FormatInt(p.ID, 10)}, p.Name
		d.V["position"], d.V["skill_level"], d.V["title"] = []string{p.Job}, []string{strconv.Itoa(p.SkillLevel)}, []string{p.Title}
	}
	return h.renderForm(w, r, d)
}

func (h *Handler) newOwn(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := h.Career.people.Self(ctx, auth.ActorFrom(ctx))
	if err != nil {
		return err
	}
	d := formData{Own: true, Who: p.Name, Rows: 3, V: map[string][]string{"own": {"1"}, "position": {p.Job},
		"skill_level": {strconv.Itoa(p.SkillLevel)}, "title": {p.Title}, "starts": {h.Career.Now().In(shanghai).Format("2006-01-02")}}}
	return h.renderForm(w, r, d)
}

func (h *Handler) renderForm(w http.ResponseWriter, r *http.Request, d formData) error {
	ctx := r.Context()
	if d.Errors != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	nav, title := "nav.career", web.T(ctx, "career.new")
	if d.Own {
		nav = "nav.my_career"
	}
	if d.Plan != nil {
		title = web.T(ctx, "career.edit")
	}
	return web.Render(ctx, w, formPage(web.NewPage(w, r, title, nav), d))
}

// findPerson resolves an ID-card number typed in a form to one person the
// actor may read (an exact search within their scope).
func (h *Handler) findPerson(r *http.Request, number string) *person.Person {
	p, err := h.Career.people.ByIDNumber(r.Context(), auth.ActorFrom(r.Context()), number)
	if err != nil {
		return nil
	}
	return p
}

// input reads the plan form; fe collects what the form itself refuses.
func (h *Handler) input(r *http.Request, fe errs.Fields) (Input, int) {
	v := r.PostForm
	num := func(k string) int {
		n, err := strconv.Atoi(strings.TrimSpace(v.Get(k)))
		if err != nil && strings.TrimSpace(v.Get(k)) != "" {
			fe.Add(k, "err.invalid")
		}
		return n
	}
	in := Input{Position: v.Get("position"), SkillLevel: num("skill_level"), Title: v.Get("title"),
		TargetPosition: v.Get("target_position"), TargetLevel: num("target_level"), TargetTitle: v.Get("target_title"),
		Starts: v.Get("starts"), Ends: v.Get("ends")}
	in.PersonID, _ = strconv.ParseInt(v.Get("person_id"), 10, 64)
	if in.PersonID == 0 && v.Get("own") == "" {
		if p := h.findPerson(r, v.Get("id_number")); p != nil {
			in.PersonID = p.ID
		} else {
			fe.Add("id_number", "err.career_person")
		}
	}
	if m := strings.TrimSpace(v.Get("mentor_id_number")); m != "" {
		if p := h.findPerson(r, m); p != nil {
			in.MentorID = p.ID
		} else {
			fe.Add("mentor_id", "err.career_mentor_unknown")
		}
	} else if id, err := strconv.ParseInt(v.Get("mentor_id"), 10, 64); err == nil {
		in.MentorID = id
	}
	rows := 0
	for i := 0; i < MaxMilestones; i++ {
		k := "m" + strconv.Itoa(i) + "."
		if _, ok := v[k+"title"]; !ok {
			break
		}
		rows++
		if t, due := strings.TrimSpace(v.Get(k+"title")), strings.TrimSpace(v.Get(k+"due")); t != "" || due != "" {
			in.Milestones = append(in.Milestones, MilestoneInput{Title: t, Due: due})
		}
	}
	return in, rows
}

// formErrors maps the service's field names to the form's.
func formErrors(err error, fe errs.Fields) map[string]string {
	fields := web.FieldErrors(err)
	if fields == nil && len(fe) == 0 {
		return nil
	}
	out := map[string]string{}
	for k, m := range fields {
		out[strings.Replace(k, "milestones.", "m", 1)] = m
	}
	if m, ok := out["person_id"]; ok {
		out["id_number"] = m
	}
	for k, m := range fe {
		out[k] = m
	}
	return out
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return err
	}
	fe := errs.Fields{}
	in, rows := h.input(r, fe)
	d := formData{V: r.PostForm, Rows: max(rows, 1), Own: r.PostForm.Get("own") != ""}
	// The form shown again still says whose plan it is.
	if p, err := h.Career.people.Get(ctx, auth.ActorFrom(ctx), in.PersonID); err == nil {
		d.Who = p.Name
	} else if p, err := h.Career.people.Self(ctx, auth.ActorFrom(ctx)); err == nil && d.Own {
		d.Who = p.Name
	}
	if r.PostForm.Get("more") != "" {
		d.Rows += 3
		return h.renderForm(w, r, d)
	}
	if len(fe) > 0 {
		d.Errors = formErrors(nil, fe)
		return h.renderForm(w, r, d)
	}
	p, err := h.Career.Create(ctx, auth.ActorFrom(ctx), in)
	if e, ok := errs.As(err); ok && e.Kind == errs.Conflict {
		d.Errors = map[string]string{"plan": e.Msg}
		return h.renderForm(w, r, d)
	}
	if d.Errors = formErrors(err, nil); d.Errors != nil {
		return h.renderForm(w, r, d)
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/career/plans/"+strconv.FormatInt(p.ID, 10), "career.created")
}

// showData is what a plan's page shows.
type showData struct {
	P      *Plan
	Access Access
	Today  string
}

func (h *Handler) plan(r *http.Request) (*Plan, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.Career.Get(r.Context(), auth.ActorFrom(r.Context()), id)
}

func (h *Handler) show(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := h.plan(r)
	if err != nil {
		return err
	}
	d := showData{P: p, Access: h.Career.AccessTo(ctx, auth.ActorFrom(ctx), p), Today: h.Career.Now().In(shanghai).Format("2006-01-02")}
	nav := "nav.career"
	if !auth.ActorFrom(ctx).Can(auth.CareerRead, p.OrgPath) {
		nav = "nav.my_career"
	}
	return web.Render(ctx, w, showPage(web.NewPage(w, r, web.Tf(ctx, "career.plan_of", p.PersonName, p.Year), nav), d))
}

func (h *Handler) editForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := h.plan(r)
	if err != nil {
		return err
	}
	acc := h.Career.AccessTo(ctx, auth.ActorFrom(ctx), p)
	if !acc.CanEdit() {
		return errs.E(errs.Forbidden, "err.forbidden")
	}
	d := formData{Plan: p, Who: p.PersonName, Own: !acc.Cadre, V: map[string][]string{"position": {p.Position},
		"skill_level": {strconv.Itoa(p.SkillLevel)}, "title": {p.Title}, "target_position": {p.TargetPosition},
		"target_level": {strconv.Itoa(p.TargetLevel)}, "target_title": {p.TargetTitle}, "starts": {p.Starts}, "ends": {p.Ends},
		"mentor_id": {strconv.FormatInt(p.MentorID, 10)}, "person_id": {strconv.FormatInt(p.PersonID, 10)}}}
	return h.renderForm(w, r, d)
}

func (h *Handler) update(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := h.plan(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	r.PostForm.Set("person_id", strconv.FormatInt(p.PersonID, 10))
	fe := errs.Fields{}
	in, _ := h.input(r, fe)
	acc := h.Career.AccessTo(ctx, auth.ActorFrom(ctx), p)
	d := formData{Plan: p, Who: p.PersonName, Own: !acc.Cadre, V: r.PostForm}
	if len(fe) > 0 {
		d.Errors = formErrors(nil, fe)
		return h.renderForm(w, r, d)
	}
	_, err = h.Career.Update(ctx, auth.ActorFrom(ctx), p.ID, in)
	if d.Errors = formErrors(err, nil); d.Errors != nil {
		return h.renderForm(w, r, d)
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/career/plans/"+strconv.FormatInt(p.ID, 10), "career.saved")
}

// back returns to the plan's page with a message; a refusal (conflict or
// a field error) is shown there as the flash.
func back(w http.ResponseWriter, r *http.Request, planID int64, ok string, err error) error {
	return web.Back(w, r, "/career/plans/"+strconv.FormatInt(planID, 10), ok, err)
}

func (h *Handler) addMilestone(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := h.plan(r)
	if err != nil {
		return err
	}
	_, err = h.Career.AddMilestone(ctx, auth.ActorFrom(ctx), p.ID, MilestoneInput{Title: r.PostFormValue("title"), Due: r.PostFormValue("due")})
	return back(w, r, p.ID, "career.milestone_added", err)
}

func (h *Handler) review(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := h.plan(r)
	if err != nil {
		return err
	}
	progress, perr := strconv.Atoi(strings.TrimSpace(r.PostFormValue("progress")))
	if perr != nil {
		progress = -1
	}
	_, err = h.Career.AddReview(ctx, auth.ActorFrom(ctx), p.ID, ReviewInput{Progress: progress, Comment: r.PostFormValue("comment")})
	return back(w, r, p.ID, "career.reviewed", err)
}

func (h *Handler) meet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.Career.MeetMilestone(ctx, auth.ActorFrom(ctx), id, r.PostFormValue("note"))
	if p == nil {
		var planID int64
		if qerr := h.Career.db.R().QueryRowContext(ctx, `SELECT plan_id FROM career_milestones WHERE id = $1`, id).Scan(&planID); qerr != nil ||
			errs.KindOf(err) == errs.NotFound || errs.KindOf(err) == errs.Forbidden {
			return err
		}
		return back(w, r, planID, "", err)
	}
	return back(w, r, p.ID, "career.milestone_met", nil)
}

func (h *Handler) mine(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := h.Career.MyPlans(ctx, auth.ActorFrom(ctx))
	if err != nil {
		return err
	}
	return web.Render(ctx, w, minePage(web.NewPage(w, r, web.T(ctx, "career.mine"), "nav.my_career"), m))
}

// standing describes where a plan's person stands.
func standing(ctx context.Context, p *Plan) string {
	parts := []string{p.Position}
	if p.SkillLevel > 0 {
		parts = append(parts, web.T(ctx, person.SkillLevelName(p.SkillLevel)))
	}
	if p.Title != "" {
		parts = append(parts, p.Title)
	}
	return strings.Join(parts, " · ")
}

// target describes what a plan aims at.
func target(ctx context.Context, p *Plan) string {
	var parts []string
	if p.TargetPosition != "" {
		parts = append(parts, p.TargetPosition)
	}
	if p.TargetLevel > 0 {
		parts = append(parts, web.T(ctx, person.SkillLevelName(p.TargetLevel)))
	}
	if p.TargetTitle != "" {
		parts = append(parts, p.TargetTitle)
	}
	return strings.Join(parts, " · ")
}
