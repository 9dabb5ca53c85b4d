package org

import (
	"net/http"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// apiRegionMembers lists a region's member organizations, keyset-paged by code.
func (h *Handler) apiRegionMembers(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var f errs.Fields
	limit := queryLimit(r, &f)
	if err := f.Err(); err != nil {
		return err
	}
	p, err := h.Orgs.RegionMembers(ctx, auth.ActorFrom(ctx), id, r.URL.Query().Get("after"), limit)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, pageJSON(p))
}

func (h *Handler) apiRegionMemberAdd(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var b struct {
		OrgID int64 `json:"org_id"`
	}
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	if err := h.Orgs.AddMember(ctx, auth.ActorFrom(ctx), id, b.OrgID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) apiRegionMemberRemove(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	orgID, err := web.PathID(r, "org")
	if err != nil {
		return err
	}
	if err := h.Orgs.RemoveMember(ctx, auth.ActorFrom(ctx), id, orgID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
