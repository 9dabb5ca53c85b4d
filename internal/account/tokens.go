package account

import (
	"net/http"
	"strconv"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

func (h *Handler) renderTokens(w http.ResponseWriter, r *http.Request, status int, token string, fe map[string]string) error {
	ctx := r.Context()
	tokens, err := h.Users.ListTokens(ctx, auth.ActorFrom(ctx).UserID)
	if err != nil {
		return err
	}
	web.HTML(w)
	w.WriteHeader(status)
	return web.Render(ctx, w, tokensPage(web.NewPage(w, r, web.T(ctx, "token.title"), "nav.tokens"), token, tokens, fe))
}

func (h *Handler) tokensPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderTokens(w, r, http.StatusOK, "", nil)
}

// tokenCreate issues a personal access token and shows it once.
func (h *Handler) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	days, err := strconv.Atoi(r.PostFormValue("days"))
	if err != nil {
		days = 0
	}
	tok, err := h.Users.CreateToken(ctx, auth.ActorFrom(ctx).UserID, r.PostFormValue("name"), time.Duration(days)*24*time.Hour)
	if fe := web.FieldErrors(err); fe != nil {
		return h.renderTokens(w, r, web.Status(errs.Invalid), "", fe)
	}
	if err != nil {
		return err
	}
	return h.renderTokens(w, r, http.StatusOK, tok, nil)
}

// tokenRevoke revokes one of the caller's own tokens.
func (h *Handler) tokenRevoke(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.Users.RevokeToken(ctx, auth.ActorFrom(ctx).UserID, id); err != nil {
		return err
	}
	return web.Redirect(w, r, "/tokens", "flash.revoked")
}

// userSignOut ends every session and revokes every token of a user
// (security admin: a lost laptop, a leaked token).
func (h *Handler) userSignOut(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.Users.SignOut(ctx, auth.ActorFrom(ctx), id); err != nil {
		return err
	}
	return web.Redirect(w, r, "/users/"+strconv.FormatInt(id, 10), "flash.signed_out")
}
