package org

import "qinggong/internal/web"

// apiRoutes registers the JSON API of organizations and regions.
func apiRoutes(r *web.Router, h *Handler) {}
