package person

import (
	"net/http"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// apiRoutes registers the JSON API of the registry; each route declares
// the same permission as its page.
func apiRoutes(r *web.Router, h *Handler) {
	r.Get("/api/v1/people", auth.PersonRead, h.apiList)
	r.Get("/api/v1/people/count", auth.PersonRead, h.apiCount)
	r.Post("/api/v1/people", auth.PersonWrite, h.apiCreate)
	r.Get("/api/v1/people/{id}", auth.PersonRead, h.apiGet)
	r.Put("/api/v1/people/{id}", auth.PersonWrite, h.apiUpdate)
	r.Post("/api/v1/people/{id}/reveal", auth.RevealPII, h.apiReveal)
	r.Get("/api/v1/people/{id}/timeline", auth.PersonRead, h.apiTimeline)
	r.Get("/api/v1/people/{id}/skills", auth.PersonRead, h.apiSkills)
	r.Post("/api/v1/people/export", auth.PersonExport, h.apiExport)
	r.Get("/api/v1/people/{id}/transfers", auth.PersonRead, h.apiPersonTransfers)
	r.Post("/api/v1/people/{id}/transfers", auth.PersonWrite, h.apiTransferRequest)
	r.Get("/api/v1/transfers", auth.PersonRead, h.apiTransfers)
	r.Get("/api/v1/transfers/{id}", auth.PersonRead, h.apiTransferGet)
	r.Post("/api/v1/transfers/{id}/approve", auth.PersonWrite, h.apiTransferStep)
	r.Post("/api/v1/transfers/{id}/reject", auth.PersonWrite, h.apiTransferStep)
	r.Post("/api/v1/transfers/{id}/cancel", auth.PersonWrite, h.apiTransferStep)
	r.Post("/api/v1/people/imports", auth.PersonWrite, h.apiImportStart)
	r.Get("/api/v1/imports/{id}", auth.PersonWrite, h.apiImportGet)
	r.Get("/api/v1/imports/{id}/rejects", auth.PersonWrite, h.apiImportRejects)
	r.Get("/api/v1/imports/{id}/changes", auth.PersonWrite, h.apiImportChanges)
	r.Post("/api/v1/imports/{id}/confirm", auth.PersonWrite, h.apiImportConfirm)
	r.Post("/api/v1/imports/{id}/discard", auth.PersonWrite, h.apiImportDiscard)
}

func (h *Handler) apiList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, err := filterFrom(r.URL.Query())
	if err != nil {
		return err
	}
	p, err := h.People.Find(ctx, auth.ActorFrom(ctx), f)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, p)
}

// apiCount is the number of matches: from the rollups for place and
// status, else exact up to CountCap with "capped" beyond.
func (h *Handler) apiCount(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, err := filterFrom(r.URL.Query())
	if err != nil {
		return err
	}
	c, err := h.People.Count(ctx, auth.ActorFrom(ctx), f)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, c)
}

func (h *Handler) apiCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in Input
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.People.Create(ctx, auth.ActorFrom(ctx), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/people/"+strconv.FormatInt(p.ID, 10))
	return web.JSON(w, http.StatusCreated, p)
}

func (h *Handler) apiGet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.People.Get(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, p)
}

// apiUpdate replaces a record; a blank id_number or phone keeps the stored one.
func (h *Handler) apiUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in Input
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.People.Update(ctx, auth.ActorFrom(ctx), id, in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, p)
}

func (h *Handler) apiReveal(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	rv, err := h.People.Reveal(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return web.JSON(w, http.StatusOK, rv)
}

// apiTimeline is the growth record, newest first; ?before= is the ID of
// the previous page's last entry.
func (h *Handler) apiTimeline(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	rows, err := h.People.Timeline(ctx, auth.ActorFrom(ctx), id, max(before, 0), 50)
	if err != nil {
		return err
	}
	type entry struct {
		ID         int64  `json:"id"`
		Kind       string `json:"kind"`
		OrgID      int64  `json:"org_id"`
		RefType    string `json:"ref_type"`
		RefID      int64  `json:"ref_id"`
		OccurredAt string `json:"occurred_at"`
		Amount     int64  `json:"amount"`
	}
	out := make([]entry, len(rows))
	for i, e := range rows {
		out[i] = entry{e.ID, e.Kind, e.OrgID, e.RefType, e.RefID, e.OccurredAt.UTC().Format("2006-01-02T15:04:05Z"), e.Amount}
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": out})
}

func (h *Handler) apiSkills(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	s, err := h.People.Skills(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": s})
}

// exportBody asks for full identifiers; the password must come with it.
type exportBody struct {
	Reveal   bool   `json:"reveal"`
	Password string `json:"password"`
}

// apiExport streams the filtered list (query parameters) as .xlsx.
func (h *Handler) apiExport(w http.ResponseWriter, r *http.Request) error {
	var b exportBody
	if r.ContentLength != 0 {
		if err := web.DecodeJSON(w, r, &b); err != nil {
			return err
		}
	}
	return h.export(w, r, b.Reveal, b.Password)
}

// apiImportStart takes the file as multipart "file", or as the raw body
// with ?name= giving its file name; it answers 202 with the job and its
// status URL.
func (h *Handler) apiImportStart(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	name, data, err := web.Upload(w, r, MaxImportBytes)
	if err != nil {
		return err
	}
	j, err := h.People.StartImport(ctx, auth.ActorFrom(ctx), name, data, ImportOptions{ClearEmpty: formBool(r, "clear_empty")})
	if err != nil {
		return err
	}
	loc := "/api/v1/imports/" + strconv.FormatInt(j.ID, 10)
	w.Header().Set("Location", loc)
	return web.JSON(w, http.StatusAccepted, map[string]any{"job": j, "status_url": loc})
}

func (h *Handler) apiImportGet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	j, err := h.People.ImportJob(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, j)
}

// apiImportRejects pages the rejected rows; ?after= is a row number.
func (h *Handler) apiImportRejects(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	after, _ := strconv.Atoi(r.URL.Query().Get("after"))
	rs, err := h.People.ImportRejects(ctx, auth.ActorFrom(ctx), id, max(after, 0), 200)
	if err != nil {
		return err
	}
	type reason struct {
		Field   string `json:"field"`
		Key     string `json:"key"`
		Message string `json:"message"`
	}
	type reject struct {
		Row     int      `json:"row"`
		Name    string   `json:"name"`
		Reasons []reason `json:"reasons"`
	}
	out := make([]reject, len(rs))
	for i, x := range rs {
		out[i] = reject{Row: x.Row, Name: x.Name}
		for _, why := range x.Reasons {
			out[i].Reasons = append(out[i].Reasons, reason{why.Field, why.Key, reasonText(ctx, why)})
		}
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": out})
}

// apiImportChanges pages an import's changes to registered people:
// ?phase=check (the dry run's promise, the default) or import (what was
// written); ?after= is a row number.
func (h *Handler) apiImportChanges(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	phase := r.URL.Query().Get("phase")
	if phase != "" && phase != phaseCheck && phase != phaseImport {
		return (errs.Fields{"phase": "err.invalid"}).Err()
	}
	after, _ := strconv.Atoi(r.URL.Query().Get("after"))
	cs, err := h.People.ImportChanges(ctx, auth.ActorFrom(ctx), id, phase, max(after, 0), 200)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": cs})
}

func (h *Handler) apiImportConfirm(w http.ResponseWriter, r *http.Request) error {
	return h.apiImportStep(w, r, h.People.ConfirmImport)
}

func (h *Handler) apiImportDiscard(w http.ResponseWriter, r *http.Request) error {
	return h.apiImportStep(w, r, h.People.DiscardImport)
}
