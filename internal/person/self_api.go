package person

import (
	"net/http"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/web"
)

// selfAPIRoutes registers the self-service API and the linking API. A
// caller whose login is linked to no person gets 409 from every /me route.
func selfAPIRoutes(r *web.Router, h *Handler) {
	r.Get("/api/v1/me", auth.Authenticated, h.apiSelf)
	r.Put("/api/v1/me", auth.Authenticated, h.apiSelfUpdate)
	r.Get("/api/v1/me/download", auth.Authenticated, h.apiSelfDownload)
	r.Get("/api/v1/me/timeline", auth.Authenticated, h.apiSelfTimeline)
	r.Get("/api/v1/me/consents", auth.Authenticated, h.apiSelfConsents)
	r.Post("/api/v1/me/consents", auth.Authenticated, h.apiSelfConsentGive)
	r.Post("/api/v1/me/consents/{purpose}/withdraw", auth.Authenticated, h.apiSelfConsentWithdraw)

	r.Post("/api/v1/people/{id}/login", auth.PersonWrite, h.apiLink)
	r.Delete("/api/v1/people/{id}/login", auth.PersonWrite, h.apiUnlink)
	r.Get("/api/v1/people/{id}/consents", auth.PersonRead, h.apiPersonConsents)
}

// apiSelf is one's own record, identifiers masked as everywhere in the API.
func (h *Handler) apiSelf(w http.ResponseWriter, r *http.Request) error {
	p, err := h.People.Self(r.Context(), auth.ActorFrom(r.Context()))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return web.JSON(w, http.StatusOK, p)
}

// apiSelfUpdate changes one's own phone and email; a field left out stays,
// an empty one is cleared, any other field is refused.
func (h *Handler) apiSelfUpdate(w http.ResponseWriter, r *http.Request) error {
	var upd ContactUpdate
	if err := web.DecodeJSON(w, r, &upd); err != nil {
		return err
	}
	p, err := h.People.UpdateOwnContact(r.Context(), auth.ActorFrom(r.Context()), upd)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return web.JSON(w, http.StatusOK, p)
}

// apiSelfDownload is everything held about oneself, identifiers in full (audited).
func (h *Handler) apiSelfDownload(w http.ResponseWriter, r *http.Request) error {
	d, err := h.People.DownloadOwn(r.Context(), auth.ActorFrom(r.Context()), FormatJSON)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return web.JSON(w, http.StatusOK, d)
}

// apiSelfTimeline is one's own growth record, newest first, 50 a page;
// ?before= is the ID of the previous page's last entry.
func (h *Handler) apiSelfTimeline(w http.ResponseWriter, r *http.Request) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	rows, err := h.People.OwnTimeline(r.Context(), auth.ActorFrom(r.Context()), max(before, 0), 50)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return web.JSON(w, http.StatusOK, map[string]any{"items": TimelineEntries(rows)})
}

// consentsBody is where one stands per purpose and the whole history.
type consentsBody struct {
	Purposes []ConsentStatus `json:"purposes"`
	Items    []Consent       `json:"items"`
}

func (h *Handler) apiSelfConsents(w http.ResponseWriter, r *http.Request) error {
	history, err := h.People.OwnConsents(r.Context(), auth.ActorFrom(r.Context()))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return web.JSON(w, http.StatusOK, consentsBody{ConsentStatuses(history), history})
}

// apiSelfConsentGive consents to the current text of a purpose: 201 with
// the new record, 200 with the one held if already given.
func (h *Handler) apiSelfConsentGive(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Purpose string `json:"purpose"`
	}
	if err := web.DecodeJSON(w, r, &body); err != nil {
		return err
	}
	c, created, err := h.People.GiveConsent(r.Context(), auth.ActorFrom(r.Context()), body.Purpose)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return web.JSON(w, status, c)
}

// apiSelfConsentWithdraw withdraws every consent given to the purpose and
// answers with the history.
func (h *Handler) apiSelfConsentWithdraw(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	if _, err := h.People.WithdrawConsent(ctx, a, r.PathValue("purpose")); err != nil {
		return err
	}
	history, err := h.People.OwnConsents(ctx, a)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, consentsBody{ConsentStatuses(history), history})
}

// apiLink creates a login for a person (201, with the one-time password)
// or links an existing account (200).
func (h *Handler) apiLink(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in LinkInput
	if r.ContentLength != 0 {
		if err := web.DecodeJSON(w, r, &in); err != nil {
			return err
		}
	}
	l, err := h.People.LinkLogin(ctx, auth.ActorFrom(ctx), h.Users, id, in)
	if err != nil {
		return err
	}
	if l.Password == "" {
		return web.JSON(w, http.StatusOK, l)
	}
	w.Header().Set("Cache-Control", "no-store")
	return web.JSON(w, http.StatusCreated, l)
}

func (h *Handler) apiUnlink(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.People.UnlinkLogin(ctx, auth.ActorFrom(ctx), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiPersonConsents is a person's consents, for staff who read the person.
func (h *Handler) apiPersonConsents(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	history, err := h.People.Consents(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, consentsBody{ConsentStatuses(history), history})
}
