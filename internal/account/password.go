package account

import (
	"net/http"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

func (h *Handler) passwordForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	web.HTML(w)
	return web.Render(ctx, w, passwordPage(web.NewPage(w, r, web.T(ctx, "password.title"), ""), auth.ActorFrom(ctx).MustChange, nil))
}

// passwordChange sets a new password; all sessions end, so the user logs in again.
func (h *Handler) passwordChange(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	err := h.Users.ChangeOwnPassword(ctx, a, r.PostFormValue("current"), r.PostFormValue("password"))
	if fe := web.FieldErrors(err); fe != nil {
		web.HTML(w)
		w.WriteHeader(http.StatusUnprocessableEntity)
		return web.Render(ctx, w, passwordPage(web.NewPage(w, r, web.T(ctx, "password.title"), ""), a.MustChange, fe))
	}
	if err != nil {
		return err
	}
	web.ClearSession(w, r)
	return web.Redirect(w, r, "/login", "flash.password_changed")
}
