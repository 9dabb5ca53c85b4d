package org

import (
	"net/http"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

func (h *Handler) renderForm(w http.ResponseWriter, r *http.Request, status int, f formData) error {
	web.HTML(w)
	w.WriteHeader(status)
	return web.Render(r.Context(), w, orgForm(web.NewPage(w, r, f.Title, "nav.orgs"), f))
}

// orgNew shows the form for a new child organization.
func (h *Handler) orgNew(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	parent, err := h.Orgs.FindByID(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	u := "/orgs/" + strconv.FormatInt(id, 10)
	return h.renderForm(w, r, http.StatusOK, formData{Action: u + "/children", Cancel: u, Title: web.T(ctx, "org.add_child"),
		Parent: parent, In: Input{District: parent.District}})
}

// orgCreate creates a child organization; invalid input re-renders the form.
func (h *Handler) orgCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	in := formInput(r)
	o, err := h.Orgs.Create(ctx, a, id, in)
	if fe := web.FieldErrors(err); fe != nil {
		parent, perr := h.Orgs.FindByID(ctx, a, id)
		if perr != nil {
			return perr
		}
		u := "/orgs/" + strconv.FormatInt(id, 10)
		return h.renderForm(w, r, http.StatusUnprocessableEntity, formData{Action: u + "/children", Cancel: u,
			Title: web.T(ctx, "org.add_child"), Parent: parent, In: in, Errors: fe})
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/orgs/"+strconv.FormatInt(o.ID, 10), "flash.created")
}

// orgEdit shows the edit form.
func (h *Handler) orgEdit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	o, err := h.Orgs.FindByID(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	u := "/orgs/" + strconv.FormatInt(id, 10)
	return h.renderForm(w, r, http.StatusOK, formData{Action: u + "/edit", Cancel: u, Title: web.T(ctx, "action.edit") + " · " + o.Name, In: o.input()})
}

// orgUpdate saves the edit form.
func (h *Handler) orgUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	in := formInput(r)
	_, err = h.Orgs.Update(ctx, auth.ActorFrom(ctx), id, in)
	u := "/orgs/" + strconv.FormatInt(id, 10)
	if fe := web.FieldErrors(err); fe != nil {
		return h.renderForm(w, r, http.StatusUnprocessableEntity, formData{Action: u + "/edit", Cancel: u, Title: web.T(ctx, "action.edit"), In: in, Errors: fe})
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, u, "flash.saved")
}
