package skills

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"qinggong/internal/attach"
	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

func innovationRoutes(r *web.Router, h *Handler) {
	r.Get("/innovations", auth.OrgRead, h.innovations)
	r.Post("/innovations", auth.SkillsManage, h.fileInnovation)
	r.Get("/innovations/{id}", auth.OrgRead, h.innovationPage)
	r.Post("/innovations/{id}/evaluate", auth.SkillsManage, h.evaluate)
	r.Get("/innovations/{id}/files/{n}", auth.OrgRead, h.innovationFile)
	r.Get("/api/v1/innovations", auth.OrgRead, h.apiInnovations)
	r.Post("/api/v1/innovations", auth.SkillsManage, h.apiFileInnovation)
	r.Get("/api/v1/innovations/{id}", auth.OrgRead, h.apiInnovation)
	r.Post("/api/v1/innovations/{id}/evaluate", auth.SkillsManage, h.apiEvaluate)
	r.Get("/api/v1/innovations/{id}/files/{n}", auth.OrgRead, h.innovationFile)
}

func (h *Handler) innovations(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	tag := r.URL.Query().Get("tag")
	list, err := h.Skills.Innovations(ctx, a, tag)
	if web.FieldErrors(err) != nil {
		tag = ""
		list, err = h.Skills.Innovations(ctx, a, "")
	}
	if err != nil {
		return err
	}
	d := courseForm{V: map[string][]string{"kind": {"improvement"}}}
	if o, err := h.Orgs.FindByID(ctx, a, a.OrgID); err == nil && a.Can(auth.SkillsManage, o.Path) {
		d.V["org_code"] = []string{o.Code}
	}
	return web.Render(ctx, w, innovationsPage(web.NewPage(w, r, web.T(ctx, "skills.innovations"), "nav.skills"), list, tag,
		a.HasAnywhere(auth.SkillsManage), d))
}

func (h *Handler) fileInnovation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	r.Body = http.MaxBytesReader(w, r.Body, (MaxInnovationFiles+1)*attach.Max)
	if err := r.ParseMultipartForm(8 << 20); err != nil && err != http.ErrNotMultipart {
		return (errs.Fields{"files": "err.file_too_large"}).Err()
	}
	v := r.PostForm
	num := func(k string) int64 { n, _ := strconv.ParseInt(strings.TrimSpace(v.Get(k)), 10, 64); return n }
	in := InnovationInput{Kind: v.Get("kind"), Title: v.Get("title"), Description: v.Get("description"), BenefitYuan: num("benefit_yuan"),
		EnergyKWh: num("energy_kwh"), Tags: v["tags"]}
	if o, err := h.Orgs.FindByCode(ctx, a, auth.SkillsManage, strings.TrimSpace(v.Get("org_code"))); err == nil {
		in.OrgID = o.ID
	}
	for _, n := range strings.FieldsFunc(v.Get("id_numbers"), func(c rune) bool { return c == '\n' || c == '\r' || c == ',' || c == '，' }) {
		if p := h.personByNumber(r, n); p != 0 {
			in.Submitters = append(in.Submitters, p)
		} else if strings.TrimSpace(n) != "" {
			in.Submitters = append(in.Submitters, -1)
		}
	}
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["files"] {
			f, err := fh.Open()
			if err != nil {
				return err
			}
			data, err := io.ReadAll(io.LimitReader(f, attach.Max+1))
			f.Close()
			if err != nil {
				return err
			}
			in.Files = append(in.Files, &attach.File{Name: fh.Filename, Data: data})
		}
	}
	x, err := h.Skills.FileInnovation(ctx, a, in)
	if fields := web.FieldErrors(err); fields != nil {
		list, lerr := h.Skills.Innovations(ctx, a, "")
		if lerr != nil {
			return lerr
		}
		for k, m := range fields {
			if strings.HasPrefix(k, "submitters") {
				fields["id_numbers"] = m
			}
		}
		w.WriteHeader(http.StatusUnprocessableEntity)
		return web.Render(ctx, w, innovationsPage(web.NewPage(w, r, web.T(ctx, "skills.innovations"), "nav.skills"), list, "", true,
			courseForm{V: v, Errors: fields}))
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/innovations/"+strconv.FormatInt(x.ID, 10), "skills.innovation_filed")
}

func (h *Handler) innovationPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	x, err := h.Skills.Innovation(ctx, a, id)
	if err != nil {
		return err
	}
	return web.Render(ctx, w, innovationPage(web.NewPage(w, r, x.Title, "nav.skills"), x, a.Can(auth.SkillsManage, x.OrgPath)))
}

// innovationFile sends one of an innovation's attached files.
func (h *Handler) innovationFile(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		return errs.ErrNotFound
	}
	f, err := h.Skills.InnovationFile(ctx, auth.ActorFrom(ctx), id, n)
	if err != nil {
		return err
	}
	return attach.Serve(w, f)
}

func (h *Handler) evaluate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	_, err = h.Skills.Evaluate(ctx, auth.ActorFrom(ctx), id, r.PostFormValue("level"), r.PostFormValue("adopted") == "on", r.PostFormValue("note"))
	return web.Back(w, r, "/innovations/"+strconv.FormatInt(id, 10), "skills.innovation_evaluated", err)
}

func (h *Handler) apiInnovations(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	list, err := h.Skills.Innovations(ctx, auth.ActorFrom(ctx), r.URL.Query().Get("tag"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, list)
}

func (h *Handler) apiFileInnovation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in InnovationInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	x, err := h.Skills.FileInnovation(ctx, auth.ActorFrom(ctx), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, x)
}

func (h *Handler) apiInnovation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Innovation, error) { return h.Skills.Innovation(ctx, auth.ActorFrom(ctx), id) })
}

func (h *Handler) apiEvaluate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in struct {
		Level   string `json:"level"`
		Adopted bool   `json:"adopted"`
		Note    string `json:"note"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Innovation, error) {
		return h.Skills.Evaluate(ctx, auth.ActorFrom(ctx), id, in.Level, in.Adopted, in.Note)
	})
}
