package org

import (
	"net/http"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

// Handler serves the organization pages and API.
type Handler struct {
	Orgs *Service
}

// Routes registers every organization and region route with its permission.
func Routes(r *web.Router, h *Handler) {
	r.Get("/orgs", auth.OrgRead, h.orgList)
	r.Get("/orgs/pick", auth.Authenticated, h.orgPick)
	r.Get("/orgs/bulk", auth.OrgWrite, h.bulkForm)
	r.Get("/orgs/bulk/template", auth.OrgWrite, h.bulkTemplate)
	r.Post("/orgs/bulk", auth.OrgWrite, h.bulkUpload)
	r.Post("/orgs/bulk/confirm", auth.OrgWrite, h.bulkConfirm)
	r.Get("/orgs/{id}", auth.OrgRead, h.orgShow)
	r.Get("/orgs/{id}/children", auth.OrgRead, h.orgChildren)
	r.Get("/orgs/{id}/new", auth.OrgWrite, h.orgNew)
	r.Post("/orgs/{id}/children", auth.OrgWrite, h.orgCreate)
	r.Get("/orgs/{id}/edit", auth.OrgWrite, h.orgEdit)
	r.Post("/orgs/{id}/edit", auth.OrgWrite, h.orgUpdate)
	r.Get("/orgs/{id}/move", auth.OrgManage, h.orgMoveForm)
	r.Post("/orgs/{id}/move", auth.OrgManage, h.orgMove)
	r.Post("/orgs/{id}/archive", auth.OrgManage, h.orgArchive)
	r.Post("/orgs/{id}/restore", auth.OrgManage, h.orgRestore)

	r.Get("/regions", auth.RegionRead, h.regionList)
	r.Get("/regions/new", auth.RegionWrite, h.regionNew)
	r.Post("/regions", auth.RegionWrite, h.regionCreate)
	r.Get("/regions/{id}", auth.RegionRead, h.regionShow)
	r.Get("/regions/{id}/edit", auth.RegionWrite, h.regionEdit)
	r.Post("/regions/{id}/edit", auth.RegionWrite, h.regionUpdate)
	r.Post("/regions/{id}/archive", auth.RegionWrite, h.regionArchive)
	r.Post("/regions/{id}/restore", auth.RegionWrite, h.regionRestore)
	r.Post("/regions/{id}/members", auth.RegionWrite, h.regionMemberAdd)
	r.Post("/regions/{id}/members/{org}/remove", auth.RegionWrite, h.regionMemberRemove)

	apiRoutes(r, h)
}

// formInput reads an organization form.
func formInput(r *http.Request) Input {
	return Input{
		Name: r.PostFormValue("name"), ShortName: r.PostFormValue("short_name"), Code: r.PostFormValue("code"),
		Level: r.PostFormValue("level"), UnitType: r.PostFormValue("unit_type"), District: r.PostFormValue("district"),
		Address: r.PostFormValue("address"), Contact: r.PostFormValue("contact"), Established: r.PostFormValue("established"),
	}
}

func (o *Org) input() Input {
	return Input{Name: o.Name, ShortName: o.ShortName, Code: o.Code, Level: o.Level, UnitType: o.UnitType,
		District: o.District, Address: o.Address, Contact: o.Contact, Established: o.Established}
}
