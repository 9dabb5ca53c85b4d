package campaign

import (
	"net/http"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

func (h *Handler) apiPublicize(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Campaigns.managed(ctx, h.Campaigns.db.R(), a, id); err != nil {
		return err
	}
	var in NoticeInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := h.Campaigns.Publicize(ctx, a, id, in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, n)
}

func (h *Handler) apiSetTiers(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Campaigns.managed(ctx, h.Campaigns.db.R(), a, id); err != nil {
		return err
	}
	var in struct {
		Tiers []string `json:"tiers"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.Campaigns.SetTiers(ctx, a, id, in.Tiers); err != nil {
		return err
	}
	c, err := h.Campaigns.Get(ctx, a, id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, c)
}
