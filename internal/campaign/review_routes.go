package campaign

import "qinggong/internal/web"

// reviewRoutes registers the review pages and API (panels, assignment,
// scoring, rounds, ballots).
func reviewRoutes(r *web.Router, h *Handler) {}
