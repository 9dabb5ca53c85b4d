package event

import (
	"net/http"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

// Handler serves the event engine's API (and, later, its pages).
type Handler struct {
	Events *Service
}

// Routes registers every event route with its permission. Routes that
// serve attendees need only a login: the service finds the person by the
// login's own record, never by an ID the client sends.
func Routes(r *web.Router, h *Handler) {
	pageRoutes(r, h)
	r.Get("/api/v1/events", auth.OrgRead, h.apiList)
	r.Post("/api/v1/events", auth.EventManage, h.apiCreate)
	r.Get("/api/v1/events/{id}", auth.Authenticated, h.apiGet)
	r.Post("/api/v1/events/{id}/publish", auth.EventManage, h.apiPublish)
	r.Post("/api/v1/events/{id}/cancel", auth.EventManage, h.apiCancel)
	r.Post("/api/v1/events/{id}/registrations", auth.Authenticated, h.apiRegister)
	r.Post("/api/v1/registrations/{id}/cancel", auth.Authenticated, h.apiUnregister)
	r.Get("/api/v1/me/events", auth.Authenticated, h.apiMine)
	r.Get("/api/v1/sessions/{id}/code", auth.EventManage, h.apiCode)
	r.Post("/api/v1/sessions/{id}/checkin", auth.Authenticated, h.apiCheckIn)
	r.Get("/api/v1/sessions/{id}/attendance", auth.EventManage, h.apiAttendance)
	r.Post("/api/v1/sessions/{id}/attendance", auth.EventManage, h.apiMark)
	r.Get("/api/v1/events/{id}/materials", auth.Authenticated, h.apiMaterials)
	r.Post("/api/v1/events/{id}/materials", auth.EventManage, h.apiAddMaterial)
	r.Get("/api/v1/materials/{id}", auth.Authenticated, h.material)
	r.Delete("/api/v1/materials/{id}", auth.EventManage, h.apiRemoveMaterial)
	r.Post("/api/v1/events/{id}/feedback", auth.Authenticated, h.apiGiveFeedback)
	r.Get("/api/v1/events/{id}/feedback", auth.EventManage, h.apiFeedback)
}

func (h *Handler) apiMaterials(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusOK, func(id int64) ([]Material, error) { return h.Events.Materials(ctx, auth.ActorFrom(ctx), id) })
}

// apiAddMaterial takes the file as the raw body, named by ?name=.
func (h *Handler) apiAddMaterial(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusCreated, func(id int64) (*Material, error) {
		if _, err := h.Events.managed(ctx, h.Events.db.R(), auth.ActorFrom(ctx), id); err != nil {
			return nil, err
		}
		name, data, err := web.Upload(w, r, MaxMaterial)
		if err != nil {
			return nil, err
		}
		return h.Events.AddMaterial(ctx, auth.ActorFrom(ctx), id, name, data)
	})
}

func (h *Handler) apiRemoveMaterial(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Material, error) { return h.Events.RemoveMaterial(ctx, auth.ActorFrom(ctx), id) })
}

func (h *Handler) apiGiveFeedback(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in FeedbackInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.Events.GiveFeedback(ctx, auth.ActorFrom(ctx), id, in); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) apiFeedback(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Feedback, error) { return h.Events.FeedbackOf(ctx, auth.ActorFrom(ctx), id) })
}

func (h *Handler) apiList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := Filter{Status: q.Get("status")}
	f.After, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	p, err := h.Events.List(ctx, auth.ActorFrom(ctx), f)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, p)
}

func (h *Handler) apiCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in Input
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	e, err := h.Events.Create(ctx, auth.ActorFrom(ctx), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, e)
}

func (h *Handler) apiGet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Event, error) { return h.Events.Get(ctx, auth.ActorFrom(ctx), id) })
}

func (h *Handler) apiPublish(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Event, error) { return h.Events.Publish(ctx, auth.ActorFrom(ctx), id) })
}

func (h *Handler) apiCancel(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Event, error) { return h.Events.Cancel(ctx, auth.ActorFrom(ctx), id) })
}

func (h *Handler) apiRegister(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in struct {
		PersonID int64 `json:"person_id"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusCreated, func(id int64) (*Registration, error) {
		return h.Events.Register(ctx, auth.ActorFrom(ctx), id, in.PersonID)
	})
}

func (h *Handler) apiUnregister(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Registration, error) {
		return h.Events.CancelRegistration(ctx, auth.ActorFrom(ctx), id)
	})
}

func (h *Handler) apiMine(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	list, err := h.Events.MyEvents(ctx, auth.ActorFrom(ctx))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": list})
}

func (h *Handler) apiCode(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	w.Header().Set("Cache-Control", "no-store")
	return web.WithID(w, r, http.StatusOK, func(id int64) (*Code, error) { return h.Events.SessionCode(ctx, auth.ActorFrom(ctx), id) })
}

func (h *Handler) apiCheckIn(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in struct {
		Code string `json:"code"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusCreated, func(id int64) (*CheckIn, error) {
		return h.Events.CheckInByCode(ctx, auth.ActorFrom(ctx), id, in.Code)
	})
}

func (h *Handler) apiAttendance(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return web.WithID(w, r, http.StatusOK, func(id int64) (map[string]any, error) {
		list, err := h.Events.Attendance(ctx, auth.ActorFrom(ctx), id)
		return map[string]any{"items": list}, err
	})
}

// apiMark records attendance by the organizer: a person (person_id, with
// walk_in for one without a seat) or a scanned personal code.
func (h *Handler) apiMark(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in struct {
		PersonID     int64  `json:"person_id"`
		WalkIn       bool   `json:"walk_in"`
		PersonalCode string `json:"personal_code"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return web.WithID(w, r, http.StatusCreated, func(id int64) (*CheckIn, error) {
		if in.PersonalCode != "" {
			return h.Events.Scan(ctx, auth.ActorFrom(ctx), id, in.PersonalCode)
		}
		return h.Events.Mark(ctx, auth.ActorFrom(ctx), id, in.PersonID, in.WalkIn)
	})
}
