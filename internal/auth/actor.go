package auth

import (
	"context"
	"slices"
	"strings"
	"time"

	"qinggong/internal/db"
)

// Grant is a role on a scope: an org subtree, a region, or (officers) everything.
type Grant struct {
	ID        int64      `json:"id"`
	Role      Role       `json:"role"`
	ScopeKind string     `json:"scope_kind"` // "org", "region" or "global"
	ScopeID   int64      `json:"scope_id"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// Paths are the materialized paths the grant covers: one for an org
	// grant, one per member for a region grant, none for a global grant.
	Paths []string `json:"paths,omitempty"`
}

// Actor is the user behind a request with their grants resolved to paths.
// It is built fresh for every request, so a revoked grant stops working on
// the next one.
type Actor struct {
	UserID     int64
	Login      string
	Name       string
	OrgID      int64
	MustChange bool
	Grants     []Grant
	// Via is "session" or "token".
	Via string
	// Version is the database's cache version read with the session
	// (db.VersionSQL); "" when unknown, which bypasses version-tagged caches.
	Version string
	// PeopleVersion is the people registry's (db.PeopleVersionSQL), likewise.
	PeopleVersion string
	// CampaignVersion is the selection engine's (db.CampaignVersionSQL).
	CampaignVersion string
	// CreditsVersion is the credit ledger's (db.CreditsVersionSQL).
	CreditsVersion string
}

// Scope is the set of subtrees in which an actor holds a permission.
// All means every organization (officers, or a grant on the root).
type Scope struct {
	All      bool
	Prefixes []string
}

// Empty reports whether the scope covers nothing.
func (s Scope) Empty() bool { return !s.All && len(s.Prefixes) == 0 }

// Contains reports whether the org at path lies in the scope.
func (s Scope) Contains(path string) bool {
	if s.All {
		return true
	}
	for _, p := range s.Prefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// Where returns a SQL condition restricting col (a materialized path column)
// to the scope: one index range per prefix. An empty scope matches nothing.
func (s Scope) Where(col string, a *db.Args) string {
	if s.All {
		return "1 = 1"
	}
	if len(s.Prefixes) == 0 {
		return "1 = 0"
	}
	parts := make([]string, len(s.Prefixes))
	for i, p := range s.Prefixes {
		parts[i] = "(" + col + " >= " + a.Add(p) + " AND " + col + " < " + a.Add(db.PathUpper(p)) + ")"
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// Scope returns where a holds p. Nested prefixes are merged so that each
// subtree is scanned once.
func (a *Actor) Scope(p Permission) Scope {
	if a == nil {
		return Scope{}
	}
	var prefixes []string
	for _, g := range a.Grants {
		if !g.Role.Has(p) {
			continue
		}
		if g.ScopeKind == "global" || slices.ContainsFunc(g.Paths, isRoot) {
			return Scope{All: true}
		}
		prefixes = append(prefixes, g.Paths...)
	}
	slices.Sort(prefixes)
	out := prefixes[:0]
	for _, p := range prefixes {
		if len(out) > 0 && strings.HasPrefix(p, out[len(out)-1]) {
			continue
		}
		out = append(out, p)
	}
	return Scope{Prefixes: out}
}

// Can is the one authorization decision: may a use p on the organization at
// path? For global permissions path is ignored ("" is fine).
func (a *Actor) Can(p Permission, path string) bool {
	switch {
	case p == Public:
		return true
	case a == nil:
		return false
	case p == Authenticated:
		return true
	case p.Global():
		return a.HasAnywhere(p)
	}
	return a.Scope(p).Contains(path)
}

// HasAnywhere reports whether a holds p on any scope at all, which decides
// whether a list route answers (filtered) or is forbidden.
func (a *Actor) HasAnywhere(p Permission) bool {
	if p == Public {
		return true
	}
	if a == nil {
		return false
	}
	if p == Authenticated {
		return true
	}
	for _, g := range a.Grants {
		if g.Role.Has(p) && (g.ScopeKind == "global" || len(g.Paths) > 0) {
			return true
		}
	}
	return false
}

// Officer returns the officer role a holds, if any.
func (a *Actor) Officer() Role {
	if a == nil {
		return ""
	}
	for _, g := range a.Grants {
		if g.Role.Officer() {
			return g.Role
		}
	}
	return ""
}

// MainRole is the role shown in the audit log: the officer role, else the
// first business role held.
func (a *Actor) MainRole() string {
	if r := a.Officer(); r != "" {
		return string(r)
	}
	if a != nil && len(a.Grants) > 0 {
		return string(a.Grants[0].Role)
	}
	return ""
}

type actorKey struct{}

// WithActor returns ctx carrying a.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, nil for an anonymous request.
func ActorFrom(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

// isRoot reports whether path is the root's ("/N/"): a grant there covers all.
func isRoot(path string) bool { return strings.Count(path, "/") == 2 }
