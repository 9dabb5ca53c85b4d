package talent

import (
	"net/http"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/web"
)

// Handler serves the talent pool's API and pages.
type Handler struct {
	Talent *Service
}

// Routes registers every talent route with its permission.
func Routes(r *web.Router, h *Handler) {
	pageRoutes(r, h)
	r.Get("/api/v1/talent", auth.CareerRead, h.apiPool)
	r.Post("/api/v1/talent", auth.TalentRecommend, h.apiRecommend)
	r.Get("/api/v1/talent/typical", auth.Authenticated, h.apiTypical)
	r.Get("/api/v1/talent/{id}", auth.CareerRead, h.apiGet)
	r.Post("/api/v1/talent/{id}/vet", auth.TalentVet, h.apiVet)
	r.Post("/api/v1/talent/{id}/typical", auth.TalentVet, h.apiMarkTypical)
	r.Post("/api/v1/talent/{id}/carry", auth.TalentVet, h.apiCarry)
}

// filter reads the pool's query parameters.
func filter(r *http.Request) Filter {
	q := r.URL.Query()
	f := Filter{Kind: q.Get("kind"), Level: q.Get("level"), Status: q.Get("status"), Side: q.Get("side")}
	f.OrgID, _ = strconv.ParseInt(q.Get("org"), 10, 64)
	f.After, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	return f
}

func (h *Handler) apiPool(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := h.Talent.Pool(ctx, auth.ActorFrom(ctx), filter(r))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, p)
}

func (h *Handler) apiRecommend(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in Input
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	rec, err := h.Talent.Recommend(ctx, auth.ActorFrom(ctx), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, rec)
}

// typicalBody is one page of typical cases.
type typicalBody struct {
	Items []Case `json:"items"`
	Next  int64  `json:"next,omitempty"`
}

func (h *Handler) apiTypical(w http.ResponseWriter, r *http.Request) error {
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	cases, next, err := h.Talent.Typical(r.Context(), after, 20)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, typicalBody{Items: cases, Next: next})
}

func (h *Handler) apiGet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Recommendation, error) { return h.Talent.Get(ctx, auth.ActorFrom(ctx), id) })
}

func (h *Handler) apiVet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in VetInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Recommendation, error) { return h.Talent.Vet(ctx, auth.ActorFrom(ctx), id, in) })
}

func (h *Handler) apiMarkTypical(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in struct {
		Typical bool   `json:"typical"`
		Text    string `json:"text"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Recommendation, error) {
		return h.Talent.MarkTypical(ctx, auth.ActorFrom(ctx), id, in.Typical, in.Text)
	})
}

func (h *Handler) apiCarry(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in struct {
		CampaignID int64 `json:"campaign_id"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusCreated, func(id int64) (*campaign.Nomination, error) {
		return h.Talent.Carry(ctx, auth.ActorFrom(ctx), id, in.CampaignID)
	})
}
