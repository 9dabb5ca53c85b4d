// Package account serves the pages of accounts: login and logout, the
// language switch, one's own password and API tokens, the user and grant
// administration, and the auditor's search of the audit log.
package account

import (
	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/cadre"
	"qinggong/internal/db"
	"qinggong/internal/org"
	"qinggong/internal/person"
	"qinggong/internal/web"
)

// Handler holds the services the account pages use.
type Handler struct {
	Users *auth.Service
	Orgs  *org.Service
	Audit *audit.Log
	DB    *db.DB
	// People and Cadres feed the workbench (and name the audit log's
	// objects); nil leaves their parts out.
	People *person.Service
	Cadres *cadre.Service
	// Logins limits login attempts per client address (guessing across
	// many accounts; each account also locks after 5 failures).
	Logins *web.IPLimiter
}

// Routes registers every account route with its permission.
func Routes(r *web.Router, h *Handler) {
	r.Get("/{$}", auth.Authenticated, h.home) // "/" alone would serve every unknown path
	r.Get("/login", auth.Public, h.loginForm)
	r.Post("/login", auth.Public, h.login)
	r.Post("/logout", auth.Authenticated, h.logout)
	r.Post("/lang", auth.Public, h.setLang)
	r.Get("/password", auth.Authenticated, h.passwordForm)
	r.Post("/password", auth.Authenticated, h.passwordChange)
	r.Get("/tokens", auth.Authenticated, h.tokensPage)
	r.Post("/tokens", auth.Authenticated, h.tokenCreate)
	r.Post("/tokens/{id}/revoke", auth.Authenticated, h.tokenRevoke)

	r.Get("/users", auth.UserRead, h.userList)
	r.Get("/users/new", auth.UserCreate, h.userNew)
	r.Post("/users", auth.UserCreate, h.userCreate)
	r.Get("/users/{id}", auth.UserRead, h.userShow)
	r.Post("/users/{id}/grants", auth.UserWrite, h.grantCreate)
	r.Post("/users/{id}/grants/{gid}/revoke", auth.UserWrite, h.grantRevoke)
	r.Post("/users/{id}/unlock", auth.SecurityAdmin, h.userUnlock)
	r.Post("/users/{id}/signout", auth.SecurityAdmin, h.userSignOut)
	r.Post("/users/{id}/disable", auth.AccountAdmin, h.userDisable)
	r.Post("/users/{id}/enable", auth.AccountAdmin, h.userEnable)

	r.Get("/audit", auth.AuditRead, h.auditSearch)
	r.Get("/audit/export", auth.AuditRead, h.auditExport)

	apiRoutes(r, h)
}
