package org

import (
	"context"
	"net/http"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// createBody is the body of POST /api/v1/orgs: the parent and the details.
type createBody struct {
	ParentID int64 `json:"parent_id"`
	Input
}

func (h *Handler) apiOrgCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var b createBody
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	if b.ParentID <= 0 {
		return (errs.Fields{"parent_id": "err.required"}).Err()
	}
	o, err := h.Orgs.Create(ctx, auth.ActorFrom(ctx), b.ParentID, b.Input)
	if errs.KindOf(err) == errs.NotFound {
		// The parent is named in the body, not the path: an unknown or
		// unreadable one is a field error, as for moves and regions.
		return (errs.Fields{"parent_id": "err.org_unknown"}).Err()
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/orgs/"+itoa(o.ID))
	return web.JSON(w, http.StatusCreated, o)
}

func (h *Handler) apiOrgUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in Input
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	o, err := h.Orgs.Update(ctx, auth.ActorFrom(ctx), id, in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, o)
}

func (h *Handler) apiOrgMove(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var b struct {
		ParentID int64 `json:"parent_id"`
	}
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	o, err := h.Orgs.Move(ctx, auth.ActorFrom(ctx), id, b.ParentID)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, o)
}

func (h *Handler) apiOrgArchive(w http.ResponseWriter, r *http.Request) error {
	return h.apiSetStatus(w, r, h.Orgs.Archive)
}

func (h *Handler) apiOrgRestore(w http.ResponseWriter, r *http.Request) error {
	return h.apiSetStatus(w, r, h.Orgs.Restore)
}

func (h *Handler) apiSetStatus(w http.ResponseWriter, r *http.Request,
	set func(context.Context, *auth.Actor, int64) (*Org, error)) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	o, err := set(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, o)
}
