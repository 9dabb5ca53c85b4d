package org

import (
	"net/http"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// pickQuery reads a picker's request: q, perm (a permission checked on
// organizations; org.read by default), under and except (organization IDs).
func pickQuery(r *http.Request) (Pick, error) {
	var f errs.Fields
	q := r.URL.Query()
	perm, err := PickPerm(q.Get("perm"))
	if err != nil {
		f.Add("perm", "err.choose")
	}
	p := Pick{Query: q.Get("q"), Perm: perm, Under: queryInt(r, "under", "err.org_unknown", &f),
		Except: queryInt(r, "except", "err.org_unknown", &f)}
	return p, f.Err()
}

// orgPick is the fragment of a picker's suggestions (web.OrgPicker). The
// route needs only a login: the suggestions come from the caller's scope
// for the requested permission, so a security admin picking a grant's
// organization (user.write) finds every organization and a user with no
// such grant finds none; a subtree outside that scope is NotFound.
func (h *Handler) orgPick(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := pickQuery(r)
	if err != nil {
		return err
	}
	orgs, err := h.Orgs.Pick(ctx, auth.ActorFrom(ctx), p)
	if err != nil {
		return err
	}
	web.HTML(w)
	w.Header().Set("Cache-Control", "no-store")
	return web.Render(ctx, w, pickOptions(orgs))
}

// apiOrgPick is the picker's JSON: the same organizations, best first.
func (h *Handler) apiOrgPick(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := pickQuery(r)
	if err != nil {
		return err
	}
	orgs, err := h.Orgs.Pick(ctx, auth.ActorFrom(ctx), p)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, pageJSON(Page{Orgs: orgs}))
}
