package account

import (
	"net/http"
	"strconv"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

// apiUserList lists accounts whose home org is in the caller's scope, by login.
func (h *Handler) apiUserList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	limit, err := apiLimit(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	users, err := h.Users.FindUsers(ctx, auth.ActorFrom(ctx), auth.UserFilter{Query: q.Get("q"), After: q.Get("after"), Limit: limit})
	if err != nil {
		return err
	}
	p := apiUserPage{Items: users}
	if p.Items == nil {
		p.Items = []auth.User{}
	}
	if len(users) == limit {
		p.Next = users[limit-1].Login
	}
	return web.JSON(w, http.StatusOK, p)
}

// apiUserCreate creates an account with a generated password, returned once.
func (h *Handler) apiUserCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var b struct {
		Login string `json:"login"`
		Name  string `json:"name"`
		OrgID int64  `json:"org_id"`
	}
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	id, pw, err := h.Users.CreateUser(ctx, auth.ActorFrom(ctx), auth.NewUser{Login: b.Login, Name: b.Name, OrgID: b.OrgID})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/users/"+strconv.FormatInt(id, 10))
	return web.JSON(w, http.StatusCreated, struct {
		ID       int64  `json:"id"`
		Login    string `json:"login"`
		Password string `json:"password"`
	}{id, strings.ToLower(strings.TrimSpace(b.Login)), pw})
}

// apiUserGet shows an account with its grants.
func (h *Handler) apiUserGet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	u, err := h.Users.FindUserByID(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	if u.Grants == nil {
		u.Grants = []auth.Grant{}
	}
	return web.JSON(w, http.StatusOK, u)
}
