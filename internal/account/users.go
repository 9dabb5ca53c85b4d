package account

import (
	"net/http"
	"strconv"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/org"
	"qinggong/internal/web"
)

func (h *Handler) userList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query().Get("q")
	const limit = 50
	users, err := h.Users.FindUsers(ctx, auth.ActorFrom(ctx), auth.UserFilter{Query: q, After: r.URL.Query().Get("after"), Limit: limit})
	if err != nil {
		return err
	}
	next := ""
	if len(users) == limit {
		next = users[limit-1].Login
	}
	web.HTML(w)
	return web.Render(ctx, w, userListPage(web.NewPage(w, r, web.T(ctx, "user.title"), "nav.users"), users, q, next))
}

func (h *Handler) userNew(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	web.HTML(w)
	return web.Render(ctx, w, userNewPage(web.NewPage(w, r, web.T(ctx, "user.new"), "nav.users"), auth.NewUser{}, "", nil))
}

// orgIDByCode resolves a typed or picked organization code within the
// actor's scope for perm (0 if none: the service then names the field).
func (h *Handler) orgIDByCode(r *http.Request, perm auth.Permission, code string) int64 {
	o, err := h.Orgs.FindByCode(r.Context(), auth.ActorFrom(r.Context()), perm, code)
	if err != nil {
		return 0
	}
	return o.ID
}

// userCreate creates an account with a generated password, shown once.
func (h *Handler) userCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	code := r.PostFormValue("org_code")
	in := auth.NewUser{Login: r.PostFormValue("login"), Name: r.PostFormValue("name"), OrgID: h.orgIDByCode(r, auth.UserCreate, code)}
	id, pw, err := h.Users.CreateUser(ctx, auth.ActorFrom(ctx), in)
	if fe := web.FieldErrors(err); fe != nil {
		web.HTML(w)
		w.WriteHeader(http.StatusUnprocessableEntity)
		return web.Render(ctx, w, userNewPage(web.NewPage(w, r, web.T(ctx, "user.new"), "nav.users"), in, code, fe))
	}
	if err != nil {
		return err
	}
	web.HTML(w)
	return web.Render(ctx, w, userCreatedPage(web.NewPage(w, r, web.T(ctx, "user.created"), "nav.users"), id, strings.ToLower(strings.TrimSpace(in.Login)), pw))
}

func (h *Handler) renderUser(w http.ResponseWriter, r *http.Request, id int64, status int, fe map[string]string) error {
	ctx := r.Context()
	u, err := h.Users.FindUserByID(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	web.HTML(w)
	w.WriteHeader(status)
	a := auth.ActorFrom(ctx)
	var regions []org.Region
	if a.HasAnywhere(auth.UserWrite) && a.HasAnywhere(auth.RegionRead) {
		// The regions a grant may cover: those the granter can see (few).
		regions, _ = h.Orgs.FindRegions(ctx, a, "", 100)
	}
	return web.Render(ctx, w, userPage(web.NewPage(w, r, u.Name, "nav.users"), u, h.scopeNames(ctx, a, u.Grants), regions, fe))
}

func (h *Handler) userShow(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.renderUser(w, r, id, http.StatusOK, nil)
}

func (h *Handler) userUnlock(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.Users.Unlock(r.Context(), auth.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	return web.Redirect(w, r, "/users/"+strconv.FormatInt(id, 10), "flash.saved")
}

func (h *Handler) userDisable(w http.ResponseWriter, r *http.Request) error {
	return h.setDisabled(w, r, true)
}
func (h *Handler) userEnable(w http.ResponseWriter, r *http.Request) error {
	return h.setDisabled(w, r, false)
}

func (h *Handler) setDisabled(w http.ResponseWriter, r *http.Request, disabled bool) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.Users.SetDisabled(r.Context(), auth.ActorFrom(r.Context()), id, disabled); err != nil {
		return err
	}
	return web.Redirect(w, r, "/users/"+strconv.FormatInt(id, 10), "flash.saved")
}
