package org

import (
	"net/http"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

// orgList is the tree browser; with ?q= it lists matching organizations.
func (h *Handler) orgList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	q := r.URL.Query().Get("q")
	var results *Page
	if q != "" {
		pg, err := h.Orgs.Find(ctx, a, Filter{Query: q, After: r.URL.Query().Get("after"), Limit: 50, Status: "all", Brief: true})
		if err != nil {
			return err
		}
		results = &pg
	}
	tops, err := h.Orgs.Tops(ctx, a)
	if err != nil {
		return err
	}
	web.HTML(w)
	return web.Render(ctx, w, treePage(web.NewPage(w, r, web.T(ctx, "org.tree"), "nav.orgs"), tops, q, results))
}

// orgChildren is the htmx fragment of one page of children.
func (h *Handler) orgChildren(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	parent, err := h.Orgs.FindByID(ctx, a, id)
	if err != nil {
		return err
	}
	pg, err := h.Orgs.Find(ctx, a, Filter{Parent: id, After: r.URL.Query().Get("after"), Limit: 100, Brief: true})
	if err != nil {
		return err
	}
	web.HTML(w)
	return web.Render(ctx, w, childrenFragment(parent, pg))
}

// orgShow is an organization's page: details, breadcrumbs, children.
func (h *Handler) orgShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	o, err := h.Orgs.FindByID(ctx, a, id)
	if err != nil {
		return err
	}
	anc, err := h.Orgs.Ancestors(ctx, a, o)
	if err != nil {
		return err
	}
	kids, err := h.Orgs.Find(ctx, a, Filter{Parent: id, After: r.URL.Query().Get("after"), Limit: 20, Status: "all", Brief: true})
	if err != nil {
		return err
	}
	facts, err := h.Orgs.Facts(ctx, a, o)
	if err != nil {
		return err
	}
	web.HTML(w)
	return web.Render(ctx, w, orgPage(web.NewPage(w, r, o.Name, "nav.orgs"), o, anc, kids, facts))
}
