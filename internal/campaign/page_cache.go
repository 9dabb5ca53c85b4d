package campaign

import (
	"bytes"
	"net/http"

	"qinggong/internal/auth"
)

// The organizers' board and a closed round's ranking are read again and
// again between changes, and each is the same bytes for one account until
// something it shows changes: a campaign write (the campaign version), a
// grant or an organization's name (the cache version), the account's name
// or language. All of those arrive with the session, so a page kept under
// them is served with no statement beyond the session's own. That also
// covers authorization: the page was rendered for this account after its
// checks passed, and nothing the checks read has changed since.

// actorCached answers a signed-in page from h.pages when it holds it for
// this account, address and versions; otherwise it renders it with
// render, keeps the bytes when rendering succeeded, and sends them. A
// pending flash message (shown once) or an unversioned actor renders
// afresh and keeps nothing.
func (h *Handler) actorCached(w http.ResponseWriter, r *http.Request, render func(*bytes.Buffer) error) error {
	a := auth.ActorFrom(r.Context())
	if a == nil {
		return h.pages.Serve(w, r, nil, render)
	}
	return h.pages.Serve(w, r, []string{a.Version, a.CampaignVersion}, render)
}
