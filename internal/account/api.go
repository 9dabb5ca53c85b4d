package account

import "qinggong/internal/web"

// apiRoutes registers the JSON API of users and grants.
func apiRoutes(r *web.Router, h *Handler) {}
