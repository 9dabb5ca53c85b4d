package campaign

import (
	"net/http"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// The young worker's side of applications: the campaigns open to them and
// the application form. Both need only a login; a login linked to no
// record is told so.

func (h *Handler) openings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d := openingsData{Linked: true}
	var err error
	d.Apply, err = h.Campaigns.Openings(ctx, auth.ActorFrom(ctx))
	if errs.KindOf(err) == errs.Conflict { // not linked to a record: may still refer others
		d.Apply, d.Linked, err = nil, false, nil
	}
	if err != nil {
		return err
	}
	if d.Refer, err = h.Campaigns.ReferralOpenings(ctx); err != nil {
		return err
	}
	return web.Render(ctx, w, openingsPage(web.NewPage(w, r, web.T(ctx, "campaign.openings"), "nav.applications"), d))
}

// openingsData is what the openings page shows: the campaigns the actor
// may apply to (none when their login is linked to no record) and those
// taking referrals of others.
type openingsData struct {
	Apply  []Campaign
	Linked bool
	Refer  []Campaign
}

// applyData is what the application form shows.
type applyData struct {
	C      *Campaign
	In     ApplyInput
	Errors map[string]string
}

func (h *Handler) applyForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderApply(w, r, ApplyInput{}, nil)
}

func (h *Handler) renderApply(w http.ResponseWriter, r *http.Request, in ApplyInput, errors map[string]string) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := byID(ctx, h.Campaigns.db.R(), id); err != nil { // missing for anyone
		return err
	}
	open, err := h.Campaigns.Openings(ctx, a)
	if err != nil {
		return err
	}
	var c *Campaign
	for i := range open {
		if open[i].ID == id {
			c = &open[i]
		}
	}
	if c == nil {
		return errs.ErrNotFound
	}
	if errors != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return web.Render(ctx, w, applyPage(web.NewPage(w, r, c.Title, "nav.applications"), applyData{C: c, In: in, Errors: errors}))
}

func (h *Handler) apply(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	nin, err := readNominationForm(w, r)
	if err != nil {
		return err
	}
	in := ApplyInput{Summary: nin.Summary, Answers: nin.Answers, Files: nin.Files}
	if _, err := h.Campaigns.Apply(ctx, auth.ActorFrom(ctx), id, in); err != nil {
		if fields := web.FieldErrors(err); fields != nil {
			return h.renderApply(w, r, in, renamed(fields, map[string]string{"nominee": "form"}))
		}
		if e, ok := errs.As(err); ok && e.Kind == errs.Conflict && e.Msg != "err.self_not_linked" {
			return h.renderApply(w, r, in, map[string]string{"form": e.Msg})
		}
		return err
	}
	return web.Redirect(w, r, "/applications", "campaign.applied")
}

func (h *Handler) apiOpenings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	list, err := h.Campaigns.Openings(ctx, auth.ActorFrom(ctx))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": list})
}

func (h *Handler) apiApply(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in ApplyInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := h.Campaigns.Apply(ctx, auth.ActorFrom(ctx), id, in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, n)
}

// referData is what the referral form shows.
type referData struct {
	C      *Campaign
	In     ReferInput
	Errors map[string]string
}

func (h *Handler) referForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderRefer(w, r, ReferInput{}, nil)
}

func (h *Handler) renderRefer(w http.ResponseWriter, r *http.Request, in ReferInput, errors map[string]string) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := byID(ctx, h.Campaigns.db.R(), id)
	if err != nil {
		return err
	}
	if !c.Referral || c.NomineeKind != NomineePerson || c.Stage != StageNominating {
		return errs.ErrNotFound
	}
	if errors != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	in.IDNumber = "" // never echoed back into the page
	return web.Render(ctx, w, referPage(web.NewPage(w, r, c.Title, "nav.applications"), referData{C: c, In: in, Errors: errors}))
}

func (h *Handler) refer(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	nin, err := readNominationForm(w, r)
	if err != nil {
		return err
	}
	in := ReferInput{Name: r.PostFormValue("name"), IDNumber: r.PostFormValue("id_number"), Relation: r.PostFormValue("relation"),
		Summary: nin.Summary, Answers: nin.Answers, Files: nin.Files}
	if _, err := h.Campaigns.Refer(ctx, auth.ActorFrom(ctx), id, in); err != nil {
		if fields := web.FieldErrors(err); fields != nil {
			return h.renderRefer(w, r, in, fields)
		}
		if e, ok := errs.As(err); ok && (e.Kind == errs.Conflict || e.Kind == errs.TooMany) {
			return h.renderRefer(w, r, in, map[string]string{"form": e.Msg})
		}
		return err
	}
	return web.Redirect(w, r, "/applications", "campaign.referred")
}

func (h *Handler) apiReferralOpenings(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Campaigns.ReferralOpenings(r.Context())
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": list})
}

func (h *Handler) apiRefer(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in ReferInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := h.Campaigns.Refer(ctx, auth.ActorFrom(ctx), id, in)
	if err != nil {
		return err
	}
	// The referrer sees that it was received, not the record it found.
	return web.JSON(w, http.StatusCreated, map[string]any{"id": n.ID, "campaign_id": n.CampaignID, "status": n.Status})
}
