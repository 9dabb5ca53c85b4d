package cadre

import (
	"net/http"
	"strconv"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// cadreNew is the appointment form; ?person= chooses the person (who must
// be readable) and preselects their organization.
func (h *Handler) cadreNew(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	f := formData{Action: "/cadres", Cancel: "/cadres", Title: web.T(ctx, "cadre.add"),
		In: Input{TermStart: h.Cadres.now().In(shanghai).Format("2006-01-02")}}
	if v := r.URL.Query().Get("person"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return errs.ErrNotFound
		}
		name, orgID, err := h.Cadres.PersonName(ctx, a, id)
		if err != nil {
			return err
		}
		f.In.PersonID, f.PersonName, f.Cancel = id, name, string(personURL(id))
		if o, err := h.Orgs.FindByID(ctx, a, orgID); err == nil {
			f.OrgCode = o.Code
		}
	}
	web.HTML(w)
	return web.Render(ctx, w, cadreForm(web.NewPage(w, r, f.Title, "nav.cadres"), f))
}

// cadreCreate saves the appointment; bad input shows the form again with
// every field's message and changes nothing.
func (h *Handler) cadreCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	in, fe := formInput(r)
	code := strings.TrimSpace(r.PostFormValue("org_code"))
	if code == "" {
		fe.Add("org_code", "err.required")
	} else if o, err := h.Cadres.OrgByCode(ctx, a, code); err != nil {
		fe.Add("org_code", "err.org_unknown")
	} else {
		in.OrgID = o.ID
	}
	c, err := h.save(fe, in, func() (*Cadre, error) { return h.Cadres.Create(ctx, a, in) })
	if fields := web.FieldErrors(err); fields != nil {
		f := formData{Action: "/cadres", Cancel: "/cadres", Title: web.T(ctx, "cadre.add"), In: in, OrgCode: code,
			Hours: r.PostFormValue("hours_per_week"), Errors: fields}
		if name, _, err := h.Cadres.PersonName(ctx, a, in.PersonID); err == nil && fields["person_id"] == "" {
			f.PersonName = name
		}
		w.WriteHeader(http.StatusUnprocessableEntity)
		web.HTML(w)
		return web.Render(ctx, w, cadreForm(web.NewPage(w, r, f.Title, "nav.cadres"), f))
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, string(cadreURL(c.ID, "")), "flash.saved")
}

// cadreEdit is the form filled with the post; person and organization are
// shown, not editable.
func (h *Handler) cadreEdit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Cadres.writable(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	hours := ""
	if c.Basis == PartTime {
		hours = strconv.Itoa(c.Hours)
	}
	f := editForm(c, inputOf(c), hours, nil)
	f.Title = web.T(ctx, "action.edit")
	web.HTML(w)
	return web.Render(ctx, w, cadreForm(web.NewPage(w, r, f.Title, "nav.cadres"), f))
}

// cadreUpdate saves an edit.
func (h *Handler) cadreUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	// The post first: outside the scope it is NotFound whatever was posted.
	old, err := h.Cadres.writable(ctx, a, id)
	if err != nil {
		return err
	}
	in, fe := formInput(r)
	in.PersonID, in.OrgID = old.PersonID, old.OrgID
	c, err := h.save(fe, in, func() (*Cadre, error) { return h.Cadres.Update(ctx, a, id, in) })
	if fields := web.FieldErrors(err); fields != nil {
		f := editForm(old, in, r.PostFormValue("hours_per_week"), fields)
		f.Title = web.T(ctx, "action.edit")
		w.WriteHeader(http.StatusUnprocessableEntity)
		web.HTML(w)
		return web.Render(ctx, w, cadreForm(web.NewPage(w, r, f.Title, "nav.cadres"), f))
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, string(cadreURL(c.ID, "")), "flash.saved")
}

func editForm(c *Cadre, in Input, hours string, fields map[string]string) formData {
	return formData{Action: string(cadreURL(c.ID, "/edit")), Cancel: string(cadreURL(c.ID, "")), In: in,
		PersonName: c.PersonName, OrgName: c.OrgName, Hours: hours, Editing: true, Errors: fields}
}

// save runs save unless the form already failed; either way a refusal
// carries every field's message at once.
func (h *Handler) save(fe errs.Fields, in Input, save func() (*Cadre, error)) (*Cadre, error) {
	if len(fe) > 0 {
		_, more := check(in, h.Cadres.now())
		return nil, merged(fe, more.Err())
	}
	c, err := save()
	if web.FieldErrors(err) != nil {
		return nil, merged(nil, err)
	}
	return c, err
}

// inputOf is a stored post as form input.
func inputOf(c *Cadre) Input {
	return Input{PersonID: c.PersonID, OrgID: c.OrgID, Post: c.Post, Basis: c.Basis, Concurrent: c.Concurrent,
		Relevance: c.Relevance, Prospects: c.Prospects, ProspectsNote: c.ProspectsNote, Hours: c.Hours,
		TermStart: c.TermStart, TermEnd: c.TermEnd, CoManagement: c.CoManagement}
}
