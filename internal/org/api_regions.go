package org

import (
	"net/http"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// apiRegionPage is the JSON shape of one page of regions.
type apiRegionPage struct {
	Items []Region `json:"items"`
	Next  string   `json:"next"`
}

// apiRegionList lists the regions owned in the caller's scope, by name.
func (h *Handler) apiRegionList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var f errs.Fields
	limit := queryLimit(r, &f)
	if err := f.Err(); err != nil {
		return err
	}
	if limit == 0 {
		limit = 50
	}
	rs, err := h.Orgs.FindRegions(ctx, auth.ActorFrom(ctx), r.URL.Query().Get("after"), limit)
	if err != nil {
		return err
	}
	p := apiRegionPage{Items: rs}
	if p.Items == nil {
		p.Items = []Region{}
	}
	if len(rs) == limit {
		p.Next = RegionCursor(rs[limit-1])
	}
	return web.JSON(w, http.StatusOK, p)
}

func (h *Handler) apiRegionCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in RegionInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	rg, err := h.Orgs.CreateRegion(ctx, auth.ActorFrom(ctx), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/regions/"+itoa(rg.ID))
	return web.JSON(w, http.StatusCreated, rg)
}

func (h *Handler) apiRegionGet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	rg, err := h.Orgs.FindRegionByID(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, rg)
}

// apiRegionUpdate renames or redescribes a region; org_id, if sent, is ignored
// (the owner does not change).
func (h *Handler) apiRegionUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in RegionInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	rg, err := h.Orgs.UpdateRegion(ctx, auth.ActorFrom(ctx), id, in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, rg)
}
