package campaign

// The notice, objections, naming and certificates through the API.

import (
	"encoding/json"
	"errors"
	"net/http"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

func (h *Handler) apiNotice(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := h.Campaigns.PublicNotice(r.Context(), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, v)
}

func (h *Handler) apiObject(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in ObjectionInput
	r.Body = http.MaxBytesReader(w, r.Body, MaxAttachment*4/3+1<<20)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		var big *http.MaxBytesError
		if errors.As(err, &big) {
			return (errs.Fields{"file": "err.objection_file_size"}).Err()
		}
		return &errs.Error{Kind: errs.Invalid, Msg: "err.bad_json", Cause: err}
	}
	rc, err := h.Campaigns.Object(ctx, id, in, audit.MetaFrom(ctx).IP)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, rc)
}

func (h *Handler) apiObjections(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	list, err := h.Campaigns.Objections(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	if list == nil {
		list = []Objection{}
	}
	return web.JSON(w, http.StatusOK, map[string]any{"objections": list})
}

func (h *Handler) apiDecide(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var d Decision
	if err := web.DecodeJSON(w, r, &d); err != nil {
		return err
	}
	o, err := h.Campaigns.DecideObjection(ctx, auth.ActorFrom(ctx), id, d)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, o)
}

func (h *Handler) apiName(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var body struct {
		Winners []Winner `json:"winners"`
	}
	if err := web.DecodeJSON(w, r, &body); err != nil {
		return err
	}
	certs, err := h.Campaigns.Name(ctx, auth.ActorFrom(ctx), id, body.Winners)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, map[string]any{"certificates": certs})
}

func (h *Handler) apiAnnouncement(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a, err := h.Campaigns.Winners(r.Context(), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, a)
}

func (h *Handler) apiRevoke(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &body); err != nil {
		return err
	}
	x, err := h.Campaigns.Revoke(ctx, auth.ActorFrom(ctx), id, body.Reason)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, x)
}

func (h *Handler) apiVerify(w http.ResponseWriter, r *http.Request) error {
	v, err := h.Campaigns.Verify(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, v)
}
