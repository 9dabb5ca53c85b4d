package account

import (
	"net/http"
	"strconv"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// grantCreate grants a role; refusals come back as field messages on the user page.
func (h *Handler) grantCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	g := auth.NewGrant{UserID: id, Role: auth.Role(r.PostFormValue("role")), ScopeKind: r.PostFormValue("scope_kind")}
	if g.ScopeKind == "region" {
		g.ScopeID, _ = strconv.ParseInt(strings.TrimSpace(r.PostFormValue("scope_region")), 10, 64)
	} else {
		g.ScopeID = h.orgIDByCode(r, auth.UserWrite, r.PostFormValue("scope_code"))
	}
	_, err = h.Users.GrantRole(ctx, a, g)
	if fe := web.FieldErrors(err); fe != nil {
		return h.renderUser(w, r, id, http.StatusUnprocessableEntity, fe)
	}
	if e, ok := errs.As(err); ok && (e.Kind == errs.Conflict || e.Kind == errs.Forbidden) {
		return h.renderUser(w, r, id, web.Status(e.Kind), map[string]string{"grant": e.Msg})
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/users/"+strconv.FormatInt(id, 10), "flash.granted")
}

func (h *Handler) grantRevoke(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	gid, err := web.PathID(r, "gid")
	if err != nil {
		return err
	}
	if err := h.Users.RevokeGrant(ctx, auth.ActorFrom(ctx), gid); err != nil {
		return err
	}
	return web.Redirect(w, r, "/users/"+strconv.FormatInt(id, 10), "flash.revoked")
}
