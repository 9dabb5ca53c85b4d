package campaign

import "qinggong/internal/web"

// campaignRoutes registers the board, campaigns, quotas and nominations.
func campaignRoutes(r *web.Router, h *Handler) {}
