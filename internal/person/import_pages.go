package person

import (
	"context"
	"net/http"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/sheet"
	"qinggong/internal/web"
)

// importForm is the upload form, the template link and recent imports.
func (h *Handler) importForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderImportForm(w, r, nil)
}

func (h *Handler) renderImportForm(w http.ResponseWriter, r *http.Request, fields map[string]string) error {
	ctx := r.Context()
	jobs, err := h.People.ImportJobs(ctx, auth.ActorFrom(ctx), 20)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if fields != nil {
		status = http.StatusUnprocessableEntity
	}
	return render(w, r, status, importPage(web.NewPage(w, r, web.T(ctx, "person.import"), "nav.people"), jobs, fields))
}

// importTemplate downloads the import template.
func (h *Handler) importTemplate(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="people-template.xlsx"; filename*=UTF-8''%E9%9D%92%E5%B9%B4%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx`)
	return sheet.Template(w, "青年名册", TemplateHeader(), TemplateExample(), TextColumns(), templateNotes)
}

// templateNotes is the template's instructions sheet.
var templateNotes = []string{
	"带 * 的列必填：姓名、身份证号，以及所在组织（全称或简称）或组织编码之一；两者都填时以组织编码为准。",
	"身份证号、组织编码、手机号列已设为文本格式，请勿改为数字，否则 18 位号码会丢失末尾数字。",
	"性别、出生日期可留空，将按身份证号填写；填写时须与身份证号一致。",
	"政治面貌：共青团员 / 中共党员 / 群众。状态：在册 / 超龄离团 / 调离。",
	"技能等级：五级/初级工、四级/中级工、三级/高级工、二级/技师、一级/高级技师，或填 1–5。",
	"标签用逗号分隔：外来务工青年、青年建设者，或其他自定义标签。",
	"同一身份证号再次导入只更新文件中有值的列，不会重复登记；所在组织不同时发起转接申请，由接收方审批。",
	"不得使用公式。",
}

// formBool reads a checkbox or a query flag: on, true or 1.
func formBool(r *http.Request, name string) bool {
	switch r.FormValue(name) {
	case "on", "true", "1":
		return true
	}
	return false
}

// importUpload stores the file and starts the dry run.
func (h *Handler) importUpload(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	name, data, err := web.Upload(w, r, MaxImportBytes)
	var j *Job
	if err == nil {
		j, err = h.People.StartImport(ctx, auth.ActorFrom(ctx), name, data, ImportOptions{ClearEmpty: formBool(r, "clear_empty")})
	}
	if fields := web.FieldErrors(err); fields != nil {
		return h.renderImportForm(w, r, fields)
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, string(importURL(j.ID, "")), "")
}

// importShow is an import's report; ?part=status is the polled fragment.
func (h *Handler) importShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	j, err := h.People.ImportJob(ctx, a, id)
	if err != nil {
		return err
	}
	web.HTML(w)
	if r.URL.Query().Get("part") == "status" {
		if !j.Running() {
			// The phase ended: reload the whole page for the report.
			w.Header().Set("HX-Refresh", "true")
		}
		return web.Render(ctx, w, jobStatus(j))
	}
	q := r.URL.Query()
	after, _ := strconv.Atoi(q.Get("after"))
	rejects, err := h.People.ImportRejects(ctx, a, id, max(after, 0), 100)
	if err != nil {
		return err
	}
	next := ""
	if len(rejects) == 100 {
		next = string(importURL(id, "?after="+strconv.Itoa(rejects[99].Row)))
	}
	// The changes the dry run promises, or once written those made.
	var changes []RowChange
	moreChanges := ""
	if j.Status == JobChecked || j.Status == JobDone {
		phase := phaseCheck
		if j.Status == JobDone {
			phase = phaseImport
		}
		cafter, _ := strconv.Atoi(q.Get("cafter"))
		if changes, err = h.People.ImportChanges(ctx, a, id, phase, max(cafter, 0), 100); err != nil {
			return err
		}
		if len(changes) == 100 {
			moreChanges = string(importURL(id, "?cafter="+strconv.Itoa(changes[99].Row)))
		}
	}
	return web.Render(ctx, w, jobPage(web.NewPage(w, r, j.FileName, "nav.people"), j, changes, moreChanges, rejects, next))
}

func (h *Handler) importConfirm(w http.ResponseWriter, r *http.Request) error {
	return h.importAdvance(w, r, h.People.ConfirmImport)
}

func (h *Handler) importDiscard(w http.ResponseWriter, r *http.Request) error {
	return h.importAdvance(w, r, h.People.DiscardImport)
}

func (h *Handler) importAdvance(w http.ResponseWriter, r *http.Request, step func(ctx context.Context, by *auth.Actor, id int64) (*Job, error)) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := step(ctx, auth.ActorFrom(ctx), id); err != nil {
		return err
	}
	return web.Redirect(w, r, string(importURL(id, "")), "")
}

func (h *Handler) apiImportStep(w http.ResponseWriter, r *http.Request, step func(ctx context.Context, by *auth.Actor, id int64) (*Job, error)) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	j, err := step(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusAccepted, j)
}
