package person

import (
	"net/http"
	"strconv"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// personNew is the empty form; ?org= preselects an organization.
func (h *Handler) personNew(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := formData{Action: "/people", Cancel: "/people", Title: web.T(ctx, "person.add")}
	if id, err := strconv.ParseInt(r.URL.Query().Get("org"), 10, 64); err == nil {
		if o, err := h.Orgs.FindByID(ctx, auth.ActorFrom(ctx), id); err == nil {
			f.OrgCode = o.Code
		}
	}
	web.HTML(w)
	return web.Render(ctx, w, personForm(web.NewPage(w, r, f.Title, "nav.people"), f))
}

// personCreate saves the form; bad input shows the form again with every
// field's message and changes nothing.
func (h *Handler) personCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	in, code, fe := h.readForm(r)
	p, err := h.saved(fe, func() (*Person, error) { return h.People.Create(ctx, auth.ActorFrom(ctx), in) })
	if fields := web.FieldErrors(err); fields != nil {
		f := formData{Action: "/people", Cancel: "/people", Title: web.T(ctx, "person.add"), In: in, OrgCode: code, Errors: fields}
		return render(w, r, http.StatusUnprocessableEntity, personForm(web.NewPage(w, r, f.Title, "nav.people"), f))
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, string(personURL(p.ID, "")), "flash.saved")
}

// personEdit is the form filled with the record; identifiers stay blank
// (they are kept unless retyped).
func (h *Handler) personEdit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	p, err := h.People.Get(ctx, a, id)
	if err != nil {
		return err
	}
	if !a.Can(auth.PersonWrite, p.OrgPath) {
		return errs.E(errs.Forbidden, "err.forbidden")
	}
	f := formData{Action: string(personURL(id, "/edit")), Cancel: string(personURL(id, "")), Title: p.Name, Editing: true,
		In: inputOf(p), OrgCode: h.orgCode(r, p.OrgID)}
	web.HTML(w)
	return web.Render(ctx, w, personForm(web.NewPage(w, r, f.Title, "nav.people"), f))
}

// personUpdate saves an edit. A blank ID number or phone keeps the stored one.
func (h *Handler) personUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	// The person first: outside the scope it is NotFound whatever was posted.
	if old, err := h.People.Get(ctx, a, id); err != nil {
		return err
	} else if !a.Can(auth.PersonWrite, old.OrgPath) {
		return errs.E(errs.Forbidden, "err.forbidden")
	}
	in, code, fe := h.readForm(r)
	in.ClearPhone = r.PostFormValue("clear_phone") != ""
	p, err := h.saved(fe, func() (*Person, error) { return h.People.Update(ctx, a, id, in) })
	if fields := web.FieldErrors(err); fields != nil {
		in.IDNumber, in.Phone = r.PostFormValue("id_number"), r.PostFormValue("phone")
		f := formData{Action: string(personURL(id, "/edit")), Cancel: string(personURL(id, "")), Title: web.T(ctx, "action.edit"),
			In: in, OrgCode: code, Editing: true, Errors: fields}
		return render(w, r, http.StatusUnprocessableEntity, personForm(web.NewPage(w, r, f.Title, "nav.people"), f))
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, string(personURL(p.ID, "")), "flash.saved")
}

// readForm reads the form and resolves the organization code.
func (h *Handler) readForm(r *http.Request) (Input, string, errs.Fields) {
	in, fe := formInput(r)
	code := strings.TrimSpace(r.PostFormValue("org_code"))
	ref, err := h.People.newOrgs(auth.ActorFrom(r.Context())).code(r.Context(), code)
	switch {
	case code == "":
		fe.Add("org_code", "err.required")
	case err != nil || !ref.writable:
		fe.Add("org_code", "err.org_unknown")
	}
	in.OrgID = ref.id
	return in, code, fe
}

// saved runs save unless the form already failed, and reports the form's
// own field messages together with the service's.
func (h *Handler) saved(fe errs.Fields, save func() (*Person, error)) (*Person, error) {
	if len(fe) > 0 {
		return nil, fe.Err()
	}
	p, err := save()
	if fields := web.FieldErrors(err); fields != nil {
		if msg, ok := fields["org_id"]; ok {
			delete(fields, "org_id")
			fields["org_code"] = msg
		}
		return nil, &errs.Error{Kind: errs.Invalid, Msg: "err.invalid", Fields: fields}
	}
	return p, err
}

func (h *Handler) orgCode(r *http.Request, id int64) string {
	if o, err := h.Orgs.FindByID(r.Context(), auth.ActorFrom(r.Context()), id); err == nil {
		return o.Code
	}
	return ""
}

// inputOf is a stored person as form input, identifiers left blank.
func inputOf(p *Person) Input {
	return Input{Name: p.Name, Gender: p.Gender, BirthDate: p.BirthDate, Email: p.Email, Ethnicity: p.Ethnicity,
		Education: p.Education, Political: p.Political, LeagueJoined: p.LeagueJoined, OrgID: p.OrgID, Employer: p.Employer,
		Job: p.Job, Trade: p.Trade, SkillLevel: p.SkillLevel, Title: p.Title, Tags: p.Tags, Status: p.Status, Notes: p.Notes}
}
