package campaign

import (
	"net/http"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

func (h *Handler) apiTemplates(w http.ResponseWriter, r *http.Request) error {
	return web.JSON(w, http.StatusOK, map[string]any{"items": Templates})
}

func (h *Handler) apiBoard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	list, err := h.Campaigns.Board(ctx, auth.ActorFrom(ctx))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": nonNil(list)})
}

func (h *Handler) apiCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in Input
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.Campaigns.Create(ctx, auth.ActorFrom(ctx), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/campaigns/"+strconv.FormatInt(c.ID, 10))
	return web.JSON(w, http.StatusCreated, c)
}

// campaignView is a campaign with its counts.
type campaignView struct {
	*Campaign
	Counts map[string]int `json:"counts"`
}

func (h *Handler) apiGet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Campaigns.Get(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	counts, err := h.Campaigns.Counts(ctx, id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, campaignView{c, counts})
}

func (h *Handler) apiAdvance(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		To string `json:"to"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.Campaigns.Advance(ctx, auth.ActorFrom(ctx), id, in.To)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, c)
}

func (h *Handler) apiQuotas(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	qs, err := h.Campaigns.Quotas(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": nonNil(qs)})
}

func (h *Handler) apiQuotaSet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	orgID, err := web.PathID(r, "org")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	if _, err := h.Campaigns.Get(ctx, a, id); err != nil {
		return err
	}
	var in struct {
		Quota *int `json:"quota"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Quota == nil {
		return (errs.Fields{"quota": "err.required"}).Err()
	}
	q, err := h.Campaigns.SetQuota(ctx, a, id, orgID, *in.Quota)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, q)
}

func (h *Handler) apiNominations(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	f, err := nominationFilter(r.URL.Query())
	if err != nil {
		return err
	}
	p, err := h.Campaigns.Nominations(ctx, auth.ActorFrom(ctx), id, f)
	if err != nil {
		return err
	}
	p.Items = nonNil(p.Items)
	return web.JSON(w, http.StatusOK, p)
}

func (h *Handler) apiNominate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	// The campaign first: one the caller cannot see is 404 whatever was sent.
	if _, err := h.Campaigns.Get(ctx, a, id); err != nil {
		return err
	}
	var in NominateInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := h.Campaigns.Nominate(ctx, a, id, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/nominations/"+strconv.FormatInt(n.ID, 10))
	return web.JSON(w, http.StatusCreated, n)
}

func (h *Handler) apiNomination(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := h.Campaigns.History(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	v.Can = nonNil(v.Can)
	return web.JSON(w, http.StatusOK, v)
}

func (h *Handler) apiNominationAct(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	if _, err := h.Campaigns.History(ctx, a, id); err != nil {
		return err
	}
	var in actInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := h.Campaigns.act(ctx, a, id, r.PathValue("action"), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, n)
}
