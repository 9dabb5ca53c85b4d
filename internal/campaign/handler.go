package campaign

import (
	"qinggong/internal/auth"
	"qinggong/internal/org"
	"qinggong/internal/web"
)

// Handler serves the campaign pages, the public notice and certificate
// verification pages, and the campaign API.
type Handler struct {
	Campaigns *Service
	Orgs      *org.Service
	Users     *auth.Service

	notices web.PageCache // rendered public notices (notice_cache.go)
	pages   web.PageCache // signed-in pages by account and versions (page_cache.go)
}

// Routes registers every campaign route with its permission. Reviewers
// are named per campaign (not by a role grant), so their routes need only
// a login and find nothing for anyone not on the campaign's panel.
func Routes(r *web.Router, h *Handler) {
	campaignRoutes(r, h)
	reviewRoutes(r, h)
	noticeRoutes(r, h)
}
