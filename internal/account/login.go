package account

import (
	"context"
	"errors"
	"net/http"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if auth.ActorFrom(ctx) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	web.HTML(w)
	return web.Render(ctx, w, loginPage(web.NewPage(w, r, web.T(ctx, "login.title"), ""), "", web.SafeNext(r.URL.Query().Get("next")), ""))
}

// login checks the password and rotates the session: any session the
// browser had is ended and a fresh token is issued.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	login, next := r.PostFormValue("login"), web.SafeNext(r.PostFormValue("next"))
	if h.Logins != nil && !h.Logins.Allow(audit.MetaFrom(ctx).IP) {
		w.Header().Set("Retry-After", "60")
		web.HTML(w)
		w.WriteHeader(http.StatusTooManyRequests)
		return web.Render(ctx, w, loginPage(web.NewPage(w, r, web.T(ctx, "login.title"), ""), login, next, web.T(ctx, "err.too_many")))
	}
	if c, err := r.Cookie(web.SessionCookie); err == nil {
		if a := auth.ActorFrom(ctx); a != nil {
			h.Users.Logout(ctx, c.Value, a)
		}
	}
	token, a, err := h.Users.Login(ctx, login, r.PostFormValue("password"))
	if err != nil {
		e, ok := errs.As(err)
		if !ok {
			return err
		}
		web.HTML(w)
		w.WriteHeader(web.Status(e.Kind))
		return web.Render(ctx, w, loginPage(web.NewPage(w, r, web.T(ctx, "login.title"), ""), login, next, loginMessage(ctx, err, e)))
	}
	web.SetSession(w, r, token)
	if a.MustChange {
		next = "/password"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// loginMessage says why a login failed, in the reader's language: when the
// account is locked, until what time (Shanghai's clock, HH:MM); when one
// try is left, that the next failure locks it and until when.
func loginMessage(ctx context.Context, err error, e *errs.Error) string {
	var lo *auth.Lockout
	if !errors.As(err, &lo) {
		return web.T(ctx, e.Msg)
	}
	at := lo.Until.In(shanghai).Format("15:04")
	if e.Kind == errs.Locked {
		return web.Tf(ctx, "login.locked_until", at)
	}
	return web.Tf(ctx, "login.last_try", lo.Left, at)
}

// shanghai is the clock the users read (China keeps no daylight saving).
var shanghai = time.FixedZone("CST", 8*3600)

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if c, err := r.Cookie(web.SessionCookie); err == nil {
		if err := h.Users.Logout(ctx, c.Value, auth.ActorFrom(ctx)); err != nil {
			return err
		}
	}
	web.ClearSession(w, r)
	w.Header().Set("Clear-Site-Data", `"cache", "storage"`)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// setLang stores the chosen language in a cookie and goes back.
func (h *Handler) setLang(w http.ResponseWriter, r *http.Request) error {
	lang := r.PostFormValue("lang")
	ok := false
	for _, l := range web.Languages {
		ok = ok || l == lang
	}
	if !ok {
		return (errs.Fields{"lang": "err.choose"}).Err()
	}
	http.SetCookie(w, &http.Cookie{Name: "qg_lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, web.SafeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}
