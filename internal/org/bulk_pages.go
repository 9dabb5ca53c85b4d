package org

import (
	"encoding/base64"
	"net/http"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/sheet"
	"qinggong/internal/web"
)

// bulkForm is the upload form of an organization file.
func (h *Handler) bulkForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderBulkForm(w, r, nil)
}

func (h *Handler) renderBulkForm(w http.ResponseWriter, r *http.Request, fields map[string]string) error {
	status := http.StatusOK
	if fields != nil {
		status = http.StatusUnprocessableEntity
	}
	web.HTML(w)
	w.WriteHeader(status)
	return web.Render(r.Context(), w, bulkFormPage(web.NewPage(w, r, web.T(r.Context(), "bulk.title"), "nav.orgs"), fields))
}

// bulkTemplate downloads the organization template.
func (h *Handler) bulkTemplate(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="orgs-template.xlsx"`)
	return sheet.Template(w, "组织", BulkTemplateHeader(), BulkTemplateExample(), []int{2, 4}, bulkNotes)
}

var bulkNotes = []string{
	"带 * 的列必填：组织名称、组织编码、层级、上级组织。",
	"层级：区团委、系统团工委、基层团委、团总支、团支部。",
	"上级组织填组织编码或名称（全称或简称），可以是已有组织，也可以是本文件前面行中的组织。",
	"组织编码 2–40 位字母、数字、- 或 _，全市唯一。",
	"先检查，确认后一次性全部创建；有任何一行被拒绝时不会创建。",
}

// bulkUpload checks the file and shows the dry run.
func (h *Handler) bulkUpload(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	name, data, err := web.Upload(w, r, MaxBulkBytes)
	var plan *BulkPlan
	if err == nil {
		plan, err = h.Orgs.PlanBulk(ctx, auth.ActorFrom(ctx), name, data)
	}
	if fields := web.FieldErrors(err); fields != nil {
		return h.renderBulkForm(w, r, fields)
	}
	if err != nil {
		return err
	}
	web.HTML(w)
	return web.Render(ctx, w, bulkPlanPage(web.NewPage(w, r, plan.FileName, "nav.orgs"), plan, base64.StdEncoding.EncodeToString(data), false))
}

// bulkConfirm creates the organizations of the file the dry run showed
// (sent back with the form: it is checked again in full, so a changed
// file is just another file).
func (h *Handler) bulkConfirm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 2*MaxBulkBytes)
	data, err := base64.StdEncoding.DecodeString(r.PostFormValue("data"))
	if err != nil || len(data) == 0 {
		return h.renderBulkForm(w, r, map[string]string{"file": "err.required"})
	}
	plan, err := h.Orgs.CreateBulk(ctx, auth.ActorFrom(ctx), r.PostFormValue("file_name"), data)
	if fields := web.FieldErrors(err); fields != nil && plan == nil {
		return h.renderBulkForm(w, r, fields)
	}
	web.HTML(w)
	if err != nil && plan != nil && errs.KindOf(err) == errs.Invalid {
		// Refused since the dry run (the tree changed): show why.
		w.WriteHeader(http.StatusUnprocessableEntity)
		return web.Render(ctx, w, bulkPlanPage(web.NewPage(w, r, plan.FileName, "nav.orgs"), plan, base64.StdEncoding.EncodeToString(data), false))
	}
	if err != nil {
		return err
	}
	return web.Render(ctx, w, bulkPlanPage(web.NewPage(w, r, plan.FileName, "nav.orgs"), plan, "", true))
}

// apiBulk is POST /api/v1/orgs/bulk: ?dry_run=true returns the plan;
// otherwise the file's organizations are created (201 with the plan and
// their IDs), or none when any row is refused (422).
func (h *Handler) apiBulk(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	name, data, err := web.Upload(w, r, MaxBulkBytes)
	if err != nil {
		return err
	}
	by := auth.ActorFrom(ctx)
	switch r.URL.Query().Get("dry_run") {
	case "true", "1":
		plan, err := h.Orgs.PlanBulk(ctx, by, name, data)
		if err != nil {
			return err
		}
		return web.JSON(w, http.StatusOK, plan)
	}
	plan, err := h.Orgs.CreateBulk(ctx, by, name, data)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, plan)
}
