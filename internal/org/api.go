package org

import (
	"net/http"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// apiRoutes registers the JSON API of organizations and regions. Every route
// declares the same permission as its HTML counterpart.
func apiRoutes(r *web.Router, h *Handler) {
	r.Get("/api/v1/orgs", auth.OrgRead, h.apiOrgList)
	r.Get("/api/v1/orgs/pick", auth.Authenticated, h.apiOrgPick)
	r.Post("/api/v1/orgs", auth.OrgWrite, h.apiOrgCreate)
	r.Post("/api/v1/orgs/bulk", auth.OrgWrite, h.apiBulk)
	r.Get("/api/v1/orgs/{id}", auth.OrgRead, h.apiOrgGet)
	r.Put("/api/v1/orgs/{id}", auth.OrgWrite, h.apiOrgUpdate)
	r.Get("/api/v1/orgs/{id}/children", auth.OrgRead, h.apiOrgChildren)
	r.Get("/api/v1/orgs/{id}/count", auth.OrgRead, h.apiOrgCount)
	r.Post("/api/v1/orgs/{id}/move", auth.OrgManage, h.apiOrgMove)
	r.Post("/api/v1/orgs/{id}/archive", auth.OrgManage, h.apiOrgArchive)
	r.Post("/api/v1/orgs/{id}/restore", auth.OrgManage, h.apiOrgRestore)

	r.Get("/api/v1/regions", auth.RegionRead, h.apiRegionList)
	r.Post("/api/v1/regions", auth.RegionWrite, h.apiRegionCreate)
	r.Get("/api/v1/regions/{id}", auth.RegionRead, h.apiRegionGet)
	r.Put("/api/v1/regions/{id}", auth.RegionWrite, h.apiRegionUpdate)
	r.Post("/api/v1/regions/{id}/archive", auth.RegionWrite, h.apiRegionArchive)
	r.Post("/api/v1/regions/{id}/restore", auth.RegionWrite, h.apiRegionRestore)
	r.Get("/api/v1/regions/{id}/members", auth.RegionRead, h.apiRegionMembers)
	r.Post("/api/v1/regions/{id}/members", auth.RegionWrite, h.apiRegionMemberAdd)
	r.Delete("/api/v1/regions/{id}/members/{org}", auth.RegionWrite, h.apiRegionMemberRemove)
}

// apiOrgPage is the JSON shape of one page of organizations.
type apiOrgPage struct {
	Items []Org  `json:"items"`
	Next  string `json:"next"`
}

func pageJSON(p Page) apiOrgPage {
	if p.Orgs == nil {
		p.Orgs = []Org{}
	}
	return apiOrgPage{Items: p.Orgs, Next: p.Next}
}

// queryInt reads an optional positive integer query parameter; a malformed
// one is recorded as a field message under its name.
func queryInt(r *http.Request, name, msg string, f *errs.Fields) int64 {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		f.Add(name, msg)
		return 0
	}
	return n
}

// queryLimit reads `limit` (1–200; default 50).
func queryLimit(r *http.Request, f *errs.Fields) int {
	n := queryInt(r, "limit", "err.invalid", f)
	if n > 200 {
		f.Add("limit", "err.invalid")
	}
	return int(n)
}

// listFilter reads the list query parameters shared by /orgs and /orgs/{id}/children.
func listFilter(r *http.Request) (Filter, error) {
	q := r.URL.Query()
	var f errs.Fields
	flt := Filter{
		Query: q.Get("q"), Level: q.Get("level"), District: q.Get("district"), Status: q.Get("status"),
		After: q.Get("after"),
		Under: queryInt(r, "under", "err.org_unknown", &f), Parent: queryInt(r, "parent", "err.org_unknown", &f),
		Limit: queryLimit(r, &f),
	}
	if flt.Level != "" && !contains(Levels, flt.Level) {
		f.Add("level", "err.choose")
	}
	if flt.District != "" && !contains(Districts, flt.District) {
		f.Add("district", "err.choose")
	}
	if flt.Status != "" && !contains([]string{"active", "archived", "all"}, flt.Status) {
		f.Add("status", "err.choose")
	}
	return flt, f.Err()
}
