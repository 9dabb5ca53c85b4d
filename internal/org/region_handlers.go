package org

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

func (h *Handler) regionList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	const limit = 50
	find, base := h.Orgs.FindRegions, "/regions?"
	archived := r.URL.Query().Get("status") == "archived"
	if archived {
		find, base = h.Orgs.FindArchivedRegions, "/regions?status=archived&"
	}
	regions, err := find(ctx, auth.ActorFrom(ctx), r.URL.Query().Get("after"), limit)
	if err != nil {
		return err
	}
	next := ""
	if len(regions) == limit {
		next = base + "after=" + url.QueryEscape(RegionCursor(regions[limit-1]))
	}
	web.HTML(w)
	return web.Render(ctx, w, regionListPage(web.NewPage(w, r, web.T(ctx, "region.title"), "nav.regions"), regions, next, archived))
}

// regionOwners are the organizations a new region may belong to: the tops
// of the actor's RegionWrite scope.
func (h *Handler) regionOwners(r *http.Request) ([]Org, error) {
	a := auth.ActorFrom(r.Context())
	tops, err := h.Orgs.Tops(r.Context(), a)
	if err != nil {
		return nil, err
	}
	out := tops[:0]
	for _, o := range tops {
		if a.Can(auth.RegionWrite, o.Path) {
			out = append(out, o)
		}
	}
	return out, nil
}

func (h *Handler) regionNew(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	owners, err := h.regionOwners(r)
	if err != nil {
		return err
	}
	web.HTML(w)
	return web.Render(ctx, w, regionFormPage(web.NewPage(w, r, web.T(ctx, "region.new"), "nav.regions"), "/regions", RegionInput{}, owners, nil))
}

func (h *Handler) regionCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	orgID, _ := strconv.ParseInt(r.PostFormValue("org_id"), 10, 64)
	in := RegionInput{OrgID: orgID, Name: r.PostFormValue("name"), Description: r.PostFormValue("description")}
	rg, err := h.Orgs.CreateRegion(ctx, auth.ActorFrom(ctx), in)
	if fe := web.FieldErrors(err); fe != nil {
		owners, oerr := h.regionOwners(r)
		if oerr != nil {
			return oerr
		}
		web.HTML(w)
		w.WriteHeader(http.StatusUnprocessableEntity)
		return web.Render(ctx, w, regionFormPage(web.NewPage(w, r, web.T(ctx, "region.new"), "nav.regions"), "/regions", in, owners, fe))
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/regions/"+strconv.FormatInt(rg.ID, 10), "flash.created")
}

func (h *Handler) renderRegion(w http.ResponseWriter, r *http.Request, id int64, status int, fe map[string]string, code string) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	rg, err := h.Orgs.FindRegionByID(ctx, a, id)
	if err != nil {
		return err
	}
	members, err := h.Orgs.RegionMembers(ctx, a, id, r.URL.Query().Get("after"), 50)
	if err != nil {
		return err
	}
	web.HTML(w)
	w.WriteHeader(status)
	return web.Render(ctx, w, regionPage(web.NewPage(w, r, rg.Name, "nav.regions"), rg, members, fe, code))
}

func (h *Handler) regionShow(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.renderRegion(w, r, id, http.StatusOK, nil, "")
}

func (h *Handler) regionUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	in := RegionInput{Name: r.PostFormValue("name"), Description: r.PostFormValue("description")}
	_, err = h.Orgs.UpdateRegion(ctx, auth.ActorFrom(ctx), id, in)
	if fe := web.FieldErrors(err); fe != nil {
		web.HTML(w)
		w.WriteHeader(http.StatusUnprocessableEntity)
		return web.Render(ctx, w, regionFormPage(web.NewPage(w, r, web.T(ctx, "action.edit"), "nav.regions"), "/regions/"+strconv.FormatInt(id, 10)+"/edit", in, nil, fe))
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/regions/"+strconv.FormatInt(id, 10), "flash.saved")
}

func (h *Handler) regionMemberAdd(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	// The picker (or a typed code) sends the organization's code.
	code := strings.TrimSpace(r.PostFormValue("org_code"))
	var orgID int64
	if o, err := h.Orgs.FindByCode(ctx, a, auth.OrgRead, code); err == nil {
		orgID = o.ID
	}
	err = h.Orgs.AddMember(ctx, a, id, orgID)
	if fe := web.FieldErrors(err); fe != nil {
		return h.renderRegion(w, r, id, http.StatusUnprocessableEntity, fe, code)
	}
	return redirectOrConflict(w, r, "/regions/"+strconv.FormatInt(id, 10), "flash.saved", err)
}

func (h *Handler) regionMemberRemove(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	orgID, err := web.PathID(r, "org")
	if err != nil {
		return err
	}
	err = h.Orgs.RemoveMember(ctx, auth.ActorFrom(ctx), id, orgID)
	return redirectOrConflict(w, r, "/regions/"+strconv.FormatInt(id, 10), "flash.saved", err)
}
