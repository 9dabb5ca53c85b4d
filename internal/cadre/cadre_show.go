package cadre

import (
	"net/http"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

// cadreShow is a post's page: the person, organization, term, the
// part-time checks and, for a writer, the form that ends the term.
func (h *Handler) cadreShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Cadres.Get(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return h.renderShow(w, r, showData{C: c, Today: h.Cadres.now()})
}

func (h *Handler) renderShow(w http.ResponseWriter, r *http.Request, d showData) error {
	web.HTML(w)
	if d.Errors != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	title := d.C.PersonName + " · " + web.T(r.Context(), "cadre.post."+d.C.Post)
	return web.Render(r.Context(), w, showPage(web.NewPage(w, r, title, "nav.cadres"), d))
}

// cadreEnd ends a serving post's term (the page asked for confirmation);
// bad input shows the page again with the messages and changes nothing.
func (h *Handler) cadreEnd(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	e := Ending{EndedOn: r.PostFormValue("ended_on"), Reason: r.PostFormValue("end_reason")}
	c, err := h.Cadres.End(ctx, a, id, e)
	if fields := web.FieldErrors(err); fields != nil {
		old, gerr := h.Cadres.Get(ctx, a, id)
		if gerr != nil {
			return gerr
		}
		return h.renderShow(w, r, showData{C: old, End: e, Errors: fields, Today: h.Cadres.now()})
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, string(cadreURL(c.ID, "")), "flash.cadre_ended")
}
