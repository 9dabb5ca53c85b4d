package account

import (
	"context"
	"strconv"

	"qinggong/internal/auth"
)

// scopeNames resolves the organizations and regions of grants to their
// names, as far as viewer may read them (so an account page never reveals
// an organization outside the viewer's scope).
func (h *Handler) scopeNames(ctx context.Context, viewer *auth.Actor, grants []auth.Grant) map[string]string {
	names := map[string]string{}
	for _, g := range grants {
		key := g.ScopeKind + ":" + strconv.FormatInt(g.ScopeID, 10)
		switch g.ScopeKind {
		case "org":
			if o, err := h.Orgs.FindByID(ctx, viewer, g.ScopeID); err == nil {
				names[key] = o.Name
			}
		case "region":
			if r, err := h.Orgs.FindRegionByID(ctx, viewer, g.ScopeID); err == nil {
				names[key] = r.Name
			}
		}
	}
	return names
}
