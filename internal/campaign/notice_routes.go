package campaign

import "qinggong/internal/web"

// noticeRoutes registers the public notice (公示), objections, naming,
// certificates and their verification.
func noticeRoutes(r *web.Router, h *Handler) {}
