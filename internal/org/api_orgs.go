package org

import (
	"net/http"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

// apiOrgList lists organizations in the caller's scope, filtered and keyset-paged.
func (h *Handler) apiOrgList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, err := listFilter(r)
	if err != nil {
		return err
	}
	p, err := h.Orgs.Find(ctx, auth.ActorFrom(ctx), f)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, pageJSON(p))
}

func (h *Handler) apiOrgGet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	o, err := h.Orgs.FindByID(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, o)
}

// apiOrgChildren lists the direct children, with the list's filters.
func (h *Handler) apiOrgChildren(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	if _, err := h.Orgs.FindByID(ctx, a, id); err != nil {
		return err
	}
	f, err := listFilter(r)
	if err != nil {
		return err
	}
	f.Parent = id
	p, err := h.Orgs.Find(ctx, a, f)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, pageJSON(p))
}

// apiOrgCount answers the subtree size from the rollup columns.
func (h *Handler) apiOrgCount(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	n, err := h.Orgs.SubtreeCount(ctx, a, id)
	if err != nil {
		return err
	}
	o, err := h.Orgs.FindByID(ctx, a, id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]int64{"id": id, "descendants": int64(n), "children": int64(o.Children)})
}
