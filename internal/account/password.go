package account

import (
	"net/http"
	"strconv"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
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
	if fe := fieldErrors(err); fe != nil {
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

func (h *Handler) tokensPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	web.HTML(w)
	return web.Render(ctx, w, tokensPage(web.NewPage(w, r, web.T(ctx, "token.title"), "nav.tokens"), "", nil))
}

// tokenCreate issues a personal access token and shows it once.
func (h *Handler) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	days, err := strconv.Atoi(r.PostFormValue("days"))
	if err != nil {
		days = 0
	}
	tok, err := h.Users.CreateToken(ctx, auth.ActorFrom(ctx).UserID, r.PostFormValue("name"), time.Duration(days)*24*time.Hour)
	fe := fieldErrors(err)
	if err != nil && fe == nil {
		return err
	}
	web.HTML(w)
	if fe != nil {
		w.WriteHeader(web.Status(errs.Invalid))
	}
	return web.Render(ctx, w, tokensPage(web.NewPage(w, r, web.T(ctx, "token.title"), "nav.tokens"), tok, fe))
}
