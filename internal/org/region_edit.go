package org

import (
	"context"
	"net/http"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

// regionEdit is the form that renames or redescribes a region.
func (h *Handler) regionEdit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	rg, err := h.Orgs.writableRegion(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	in := RegionInput{Name: rg.Name, Description: rg.Description}
	web.HTML(w)
	return web.Render(ctx, w, regionFormPage(web.NewPage(w, r, web.T(ctx, "region.edit"), "nav.regions"),
		string(regionURL(id, "/edit")), in, nil, nil))
}

// regionArchive retires a region (the page asks for confirmation first).
func (h *Handler) regionArchive(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	_, err = h.Orgs.ArchiveRegion(ctx, auth.ActorFrom(ctx), id)
	return redirectOrConflict(w, r, "/regions/"+strconv.FormatInt(id, 10), "flash.region_archived", err)
}

// regionRestore undoes an archive.
func (h *Handler) regionRestore(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	_, err = h.Orgs.RestoreRegion(ctx, auth.ActorFrom(ctx), id)
	return redirectOrConflict(w, r, "/regions/"+strconv.FormatInt(id, 10), "flash.region_restored", err)
}

func (h *Handler) apiRegionArchive(w http.ResponseWriter, r *http.Request) error {
	return h.apiRegionStatus(w, r, h.Orgs.ArchiveRegion)
}

func (h *Handler) apiRegionRestore(w http.ResponseWriter, r *http.Request) error {
	return h.apiRegionStatus(w, r, h.Orgs.RestoreRegion)
}

func (h *Handler) apiRegionStatus(w http.ResponseWriter, r *http.Request, change func(ctx context.Context, by *auth.Actor, id int64) (*Region, error)) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	rg, err := change(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, rg)
}
