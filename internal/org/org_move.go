package org

import (
	"net/http"
	"strconv"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// orgMoveForm asks for the code of the new parent.
func (h *Handler) orgMoveForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	o, err := h.Orgs.FindByID(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	web.HTML(w)
	return web.Render(ctx, w, movePage(web.NewPage(w, r, web.T(ctx, "org.move"), "nav.orgs"), o, "", nil))
}

// orgMove moves the subtree under the organization with the given code.
func (h *Handler) orgMove(w http.ResponseWriter, r *http.Request) error {
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
	// The picker (or a typed code) sends the new parent's code; Move
	// checks OrgManage there and says why a target will not do.
	code := strings.TrimSpace(r.PostFormValue("parent_code"))
	var target int64
	if np, err := h.Orgs.FindByCode(ctx, a, auth.OrgRead, code); err == nil {
		target = np.ID
	}
	_, err = h.Orgs.Move(ctx, a, id, target)
	if fe := web.FieldErrors(err); fe != nil {
		web.HTML(w)
		w.WriteHeader(http.StatusUnprocessableEntity)
		return web.Render(ctx, w, movePage(web.NewPage(w, r, web.T(ctx, "org.move"), "nav.orgs"), o, code, fe))
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/orgs/"+strconv.FormatInt(id, 10), "flash.moved")
}

// orgArchive retires an organization (the page asks for confirmation first).
func (h *Handler) orgArchive(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	_, err = h.Orgs.Archive(ctx, auth.ActorFrom(ctx), id)
	return redirectOrConflict(w, r, "/orgs/"+strconv.FormatInt(id, 10), "flash.archived", err)
}

// orgRestore undoes an archive.
func (h *Handler) orgRestore(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	_, err = h.Orgs.Restore(ctx, auth.ActorFrom(ctx), id)
	return redirectOrConflict(w, r, "/orgs/"+strconv.FormatInt(id, 10), "flash.restored", err)
}

// redirectOrConflict goes back to the page with a success message, or with
// the refusal's message when the action conflicts with the tree's state.
func redirectOrConflict(w http.ResponseWriter, r *http.Request, to, okKey string, err error) error {
	if e, ok := errs.As(err); ok && e.Kind == errs.Conflict {
		web.SetFlash(w, "error", e.Msg)
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, to, okKey)
}
