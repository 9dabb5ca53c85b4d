package career

import (
	"net/http"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/event"
	"qinggong/internal/org"
	"qinggong/internal/talent"
	"qinggong/internal/web"
)

// Handler serves career navigation's API and pages. Talent and Events
// feed the unit view (the year's recommendations and gatherings).
type Handler struct {
	Career *Service
	Orgs   *org.Service
	Talent *talent.Service
	Events *event.Service
}

// Routes registers every career route with its permission. Routes on one
// plan need only a login: the plan's person and mentor reach it through
// the service's checks, as do readers of its organization.
func Routes(r *web.Router, h *Handler) {
	pageRoutes(r, h)
	r.Get("/api/v1/career/plans", auth.CareerRead, h.apiList)
	r.Post("/api/v1/career/plans", auth.Authenticated, h.apiCreate)
	r.Get("/api/v1/career/plans/{id}", auth.Authenticated, h.apiGet)
	r.Put("/api/v1/career/plans/{id}", auth.Authenticated, h.apiUpdate)
	r.Post("/api/v1/career/plans/{id}/milestones", auth.Authenticated, h.apiAddMilestone)
	r.Post("/api/v1/career/plans/{id}/reviews", auth.Authenticated, h.apiReview)
	r.Post("/api/v1/career/milestones/{id}/met", auth.Authenticated, h.apiMeet)
	r.Get("/api/v1/me/career", auth.Authenticated, h.apiMine)
	r.Get("/api/v1/career/units", auth.CareerRead, h.apiUnits)
}

func (h *Handler) apiList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	var f Filter
	f.OrgID, _ = strconv.ParseInt(q.Get("org"), 10, 64)
	f.Year, _ = strconv.Atoi(q.Get("year"))
	f.After, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	p, err := h.Career.List(ctx, auth.ActorFrom(ctx), f)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, p)
}

func (h *Handler) apiCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in Input
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.Career.Create(ctx, auth.ActorFrom(ctx), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, p)
}

func (h *Handler) apiGet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Plan, error) { return h.Career.Get(ctx, auth.ActorFrom(ctx), id) })
}

func (h *Handler) apiUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in Input
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Plan, error) { return h.Career.Update(ctx, auth.ActorFrom(ctx), id, in) })
}

func (h *Handler) apiAddMilestone(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in MilestoneInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusCreated, func(id int64) (*Plan, error) {
		return h.Career.AddMilestone(ctx, auth.ActorFrom(ctx), id, in)
	})
}

func (h *Handler) apiReview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in ReviewInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusCreated, func(id int64) (*Plan, error) { return h.Career.AddReview(ctx, auth.ActorFrom(ctx), id, in) })
}

func (h *Handler) apiMeet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in struct {
		Note string `json:"note"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Plan, error) { return h.Career.MeetMilestone(ctx, auth.ActorFrom(ctx), id, in.Note) })
}

func (h *Handler) apiMine(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := h.Career.MyPlans(ctx, auth.ActorFrom(ctx))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, m)
}

// unitsBody is the career-navigation counts of an organization and its children.
type unitsBody struct {
	Year     int         `json:"year"`
	Org      UnitCount   `json:"org"`
	Children []UnitCount `json:"children"`
}

func (h *Handler) apiUnits(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := h.unitView(r)
	if err != nil {
		return err
	}
	_ = ctx
	return web.JSON(w, http.StatusOK, unitsBody{Year: d.Year, Org: d.Self, Children: d.Children})
}
