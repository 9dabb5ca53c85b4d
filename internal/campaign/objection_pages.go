package campaign

// The organizer's objection pages: the list, the decision, the attachment.

import (
	"net/http"
	"net/url"
	"strconv"

	"qinggong/internal/attach"
	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

func (h *Handler) objectionList(w http.ResponseWriter, r *http.Request) error {
	return h.renderObjections(w, r, objectionsData{})
}

func (h *Handler) renderObjections(w http.ResponseWriter, r *http.Request, d objectionsData) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if d.C, err = h.Campaigns.Get(ctx, a, id); err != nil {
		return err
	}
	if d.List, err = h.Campaigns.Objections(ctx, a, id); err != nil {
		return err
	}
	web.HTML(w)
	if d.Errors != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return web.Render(ctx, w, objectionsPage(web.NewPage(w, r, web.T(ctx, "objection.list")+" · "+d.C.Title, "nav.campaigns"), d))
}

func (h *Handler) campaignObjection(r *http.Request) (*Objection, error) {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	oid, err := web.PathID(r, "oid")
	if err != nil {
		return nil, err
	}
	o, err := h.Campaigns.Objection(ctx, auth.ActorFrom(ctx), oid)
	if err != nil {
		return nil, err
	}
	if o.CampaignID != id {
		return nil, errs.ErrNotFound
	}
	return o, nil
}

func (h *Handler) objectionDecide(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := h.campaignObjection(r)
	if err != nil {
		return err
	}
	d := Decision{Status: r.PostFormValue("status"), Reason: r.PostFormValue("reason")}
	back := "/campaigns/" + noticeID(o.CampaignID) + "/objections#o" + noticeID(o.ID)
	_, err = h.Campaigns.DecideObjection(ctx, auth.ActorFrom(ctx), o.ID, d)
	if fields := web.FieldErrors(err); fields != nil {
		return h.renderObjections(w, r, objectionsData{For: o.ID, In: d, Errors: fields})
	}
	if e, ok := errs.As(err); ok && e.Kind == errs.Conflict {
		web.SetFlash(w, "error", e.Msg)
		return web.Redirect(w, r, back, "")
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, back, "flash.objection_decided")
}

func (h *Handler) objectionFile(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := h.campaignObjection(r)
	if err != nil {
		return err
	}
	_, a, err := h.Campaigns.ObjectionFile(ctx, auth.ActorFrom(ctx), o.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", a.Type)
	w.Header().Set("Content-Disposition", `attachment; filename="objection-`+noticeID(o.ID)+attach.Ext(a.Type)+
		`"; filename*=UTF-8''`+url.PathEscape(a.Name))
	w.Header().Set("Content-Security-Policy", "sandbox")
	w.Header().Set("Content-Length", strconv.Itoa(len(a.Data)))
	_, err = w.Write(a.Data)
	return err
}
