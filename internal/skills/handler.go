package skills

import (
	"net/http"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/org"
	"qinggong/internal/web"
)

// Handler serves the credit system's API and pages.
type Handler struct {
	Skills *Service
	Orgs   *org.Service
	pages  web.PageCache // the credit figures' pages (Handler.kept)
}

// Routes registers every skills route with its permission.
func Routes(r *web.Router, h *Handler) {
	pageRoutes(r, h)
	r.Get("/api/v1/courses", auth.OrgRead, h.apiCourses)
	r.Post("/api/v1/courses", auth.SkillsManage, h.apiCreateCourse)
	r.Get("/api/v1/courses/{id}", auth.Authenticated, h.apiCourse)
	r.Get("/api/v1/courses/{id}/learners", auth.SkillsManage, h.apiLearners)
	r.Post("/api/v1/courses/{id}/results", auth.SkillsManage, h.apiPostResults)
	r.Get("/api/v1/people/{id}/credits", auth.PersonRead, h.apiTranscript)
	r.Get("/api/v1/me/credits", auth.Authenticated, h.apiOwnTranscript)
	r.Post("/api/v1/me/transcripts", auth.Authenticated, h.apiIssue)
	r.Get("/api/v1/transcripts/{code}", auth.Public, h.apiVerify)
	r.Post("/api/v1/credits/{id}/reverse", auth.SkillsManage, h.apiReverse)
	r.Get("/api/v1/credit-rules", auth.Authenticated, h.apiRules)
	r.Put("/api/v1/credit-rules/{code}", auth.SkillsRules, h.apiSetRule)
	r.Get("/api/v1/skills/overview", auth.OrgRead, h.apiOverview)
}

func (h *Handler) apiCourses(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	p, err := h.Skills.Courses(ctx, auth.ActorFrom(ctx), after, limit)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, p)
}

func (h *Handler) apiCreateCourse(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in CourseInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.Skills.CreateCourse(ctx, auth.ActorFrom(ctx), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, c)
}

// courseBody is a course with its event.
type courseBody struct {
	*Course
	EventStatus string `json:"event_status"`
	Registered  int    `json:"registered"`
}

func (h *Handler) apiCourse(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusOK, func(id int64) (courseBody, error) {
		c, e, err := h.Skills.Course(ctx, auth.ActorFrom(ctx), id)
		if err != nil {
			return courseBody{}, err
		}
		return courseBody{Course: c, EventStatus: e.Status, Registered: e.Registered}, nil
	})
}

func (h *Handler) apiLearners(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusOK, func(id int64) ([]Learner, error) {
		_, l, err := h.Skills.Learners(ctx, auth.ActorFrom(ctx), id)
		return l, err
	})
}

func (h *Handler) apiPostResults(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in struct {
		Results []Result `json:"results"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusOK, func(id int64) (map[string]int, error) {
		n, err := h.Skills.PostResults(ctx, auth.ActorFrom(ctx), id, in.Results)
		return map[string]int{"results": len(in.Results), "credited": n}, err
	})
}

func (h *Handler) apiTranscript(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Transcript, error) {
		return h.Skills.Transcript(ctx, auth.ActorFrom(ctx), id, before)
	})
}

func (h *Handler) apiOwnTranscript(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	t, err := h.Skills.OwnTranscript(ctx, auth.ActorFrom(ctx), before)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, t)
}

func (h *Handler) apiIssue(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	iss, err := h.Skills.IssueTranscript(ctx, auth.ActorFrom(ctx), 0)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, iss)
}

func (h *Handler) apiVerify(w http.ResponseWriter, r *http.Request) error {
	iss, err := h.Skills.Verify(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, iss)
}

func (h *Handler) apiReverse(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in struct {
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusCreated, func(id int64) (*Entry, error) { return h.Skills.Reverse(ctx, auth.ActorFrom(ctx), id, in.Reason) })
}

func (h *Handler) apiRules(w http.ResponseWriter, r *http.Request) error {
	rules, err := h.Skills.Rules(r.Context())
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, rules)
}

func (h *Handler) apiSetRule(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in struct {
		Credits    int `json:"credits"`
		ValidYears int `json:"valid_years"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	rl, err := h.Skills.SetRule(ctx, auth.ActorFrom(ctx), r.PathValue("code"), in.Credits, in.ValidYears)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, rl)
}

func (h *Handler) apiOverview(w http.ResponseWriter, r *http.Request) error {
	ov, err := h.overview(r, false)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, ov)
}
