package account

import (
	"net/http"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// apiRoutes registers the JSON API of users and grants, with the same
// permissions as the pages.
func apiRoutes(r *web.Router, h *Handler) {
	r.Get("/api/v1/users", auth.UserRead, h.apiUserList)
	r.Post("/api/v1/users", auth.UserWrite, h.apiUserCreate)
	r.Get("/api/v1/users/{id}", auth.UserRead, h.apiUserGet)
	r.Post("/api/v1/users/{id}/grants", auth.UserWrite, h.apiGrantCreate)
	r.Delete("/api/v1/grants/{id}", auth.UserWrite, h.apiGrantRevoke)
}

// apiUserPage is the JSON shape of one page of accounts (never password hashes:
// auth.User holds none).
type apiUserPage struct {
	Items []auth.User `json:"items"`
	Next  string      `json:"next"`
}

// apiLimit reads `limit` (1–200; default 50).
func apiLimit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 50, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 || n > 200 {
		return 0, (errs.Fields{"limit": "err.invalid"}).Err()
	}
	return n, nil
}
