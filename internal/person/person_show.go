package person

import (
	"net/http"
	"strconv"

	"qinggong/internal/activity"
	"qinggong/internal/auth"
	"qinggong/internal/cadre"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// timelinePage is how many growth-record entries one page shows.
const timelinePage = 30

// personShow is a person's page: details, skill history, growth record.
func (h *Handler) personShow(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.renderShow(w, r, id, TransferInput{}, nil)
}

// renderShow renders the person page; a failed transfer request comes back
// to it with its input and messages.
func (h *Handler) renderShow(w http.ResponseWriter, r *http.Request, id int64, tin TransferInput, terrs map[string]string) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	p, err := h.People.Get(ctx, a, id)
	if err != nil {
		return err
	}
	skills, err := h.People.Skills(ctx, a, id)
	if err != nil {
		return err
	}
	rows, more, err := h.timeline(r, id, 0)
	if err != nil {
		return err
	}
	ts, err := h.People.Transfers(ctx, a, TransferFilter{Person: id, Limit: 20})
	if err != nil {
		return err
	}
	var posts []cadre.Cadre
	if h.Cadres != nil && a.HasAnywhere(auth.CadreRead) {
		if posts, err = h.Cadres.ForPerson(ctx, a, id); err != nil && errs.KindOf(err) != errs.NotFound {
			return err
		}
	}
	d := showData{P: p, Posts: posts, Skills: skills, Timeline: rows, More: more, Today: h.People.now(), OrgName: h.orgNames(r, []Person{*p})[p.OrgID],
		Transfers: ts, TransferIn: tin, TransferErrors: terrs}
	status := http.StatusOK
	if terrs != nil {
		status = http.StatusUnprocessableEntity
	}
	return render(w, r, status, showPage(web.NewPage(w, r, p.Name, "nav.people"), d))
}

// timeline reads one page of the growth record and the URL of the next.
func (h *Handler) timeline(r *http.Request, id, before int64) ([]activity.Row, string, error) {
	rows, err := h.People.Timeline(r.Context(), auth.ActorFrom(r.Context()), id, before, timelinePage+1)
	if err != nil {
		return nil, "", err
	}
	more := ""
	if len(rows) > timelinePage {
		rows = rows[:timelinePage]
		more = string(personURL(id, "/timeline?before="+strconv.FormatInt(rows[timelinePage-1].ID, 10)))
	}
	return rows, more, nil
}

// personTimeline is the htmx fragment of the next page of the growth record.
func (h *Handler) personTimeline(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	p, err := h.People.Get(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	rows, more, err := h.timeline(r, id, max(before, 0))
	if err != nil {
		return err
	}
	web.HTML(w)
	return web.Render(ctx, w, timelineItems(p, rows, more))
}

// personReveal shows the full identifiers (audited); without htmx it
// renders the whole page with them.
func (h *Handler) personReveal(w http.ResponseWriter, r *http.Request) error {
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
	web.HTML(w)
	return web.Render(ctx, w, identifiers(rv.IDNumber, rv.Phone, true))
}
