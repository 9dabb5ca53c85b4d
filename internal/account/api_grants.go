package account

import (
	"net/http"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

// apiGrantCreate grants a role to the user; the service enforces scope and 三员分立.
func (h *Handler) apiGrantCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	// A user outside the caller's scope is NotFound before the body is looked at.
	if _, err := h.Users.FindUserByID(ctx, a, id); err != nil {
		return err
	}
	var b struct {
		Role      auth.Role  `json:"role"`
		ScopeKind string     `json:"scope_kind"`
		ScopeID   int64      `json:"scope_id"`
		ExpiresAt *time.Time `json:"expires_at"`
	}
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	gid, err := h.Users.GrantRole(ctx, a, auth.NewGrant{UserID: id, Role: b.Role,
		ScopeKind: b.ScopeKind, ScopeID: b.ScopeID, ExpiresAt: b.ExpiresAt})
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, map[string]int64{"id": gid})
}

func (h *Handler) apiGrantRevoke(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.Users.RevokeGrant(ctx, auth.ActorFrom(ctx), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
