package cadre

import (
	"net/http"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

// listResponse is one page of posts with the bounded count of matches.
type listResponse struct {
	Page
	Count Count `json:"count"`
}

func (h *Handler) apiList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	f, err := filterFrom(r.URL.Query())
	if err != nil {
		return err
	}
	var out listResponse
	if out.Page, err = h.Cadres.Find(ctx, a, f); err != nil {
		return err
	}
	if out.Count, err = h.Cadres.Count(ctx, a, f); err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, out)
}

func (h *Handler) apiCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in Input
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.Cadres.Create(ctx, auth.ActorFrom(ctx), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cadres/"+strconv.FormatInt(c.ID, 10))
	return web.JSON(w, http.StatusCreated, c)
}

func (h *Handler) apiGet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Cadres.Get(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, c)
}

// apiUpdate replaces a post's details; person_id and org_id may be omitted
// and cannot change.
func (h *Handler) apiUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	// The post first: outside the scope it is NotFound whatever was sent.
	if _, err := h.Cadres.writable(ctx, a, id); err != nil {
		return err
	}
	var in Input
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.Cadres.Update(ctx, a, id, in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, c)
}

// apiEnd ends a serving post's term; the body (ended_on, end_reason) may be
// empty: the term then ends today.
func (h *Handler) apiEnd(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	if _, err := h.Cadres.writable(ctx, a, id); err != nil {
		return err
	}
	var e Ending
	if r.ContentLength != 0 {
		if err := web.DecodeJSON(w, r, &e); err != nil {
			return err
		}
	}
	c, err := h.Cadres.End(ctx, a, id, e)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, c)
}

// apiReport is the three-check report for the part-time cadres in scope.
func (h *Handler) apiReport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, err := reportFilterFrom(r.URL.Query())
	if err != nil {
		return err
	}
	rep, err := h.Cadres.Report(ctx, auth.ActorFrom(ctx), f)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, rep)
}
