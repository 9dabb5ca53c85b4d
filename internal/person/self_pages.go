package person

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/a-h/templ"

	"qinggong/internal/activity"
	"qinggong/internal/auth"
	"qinggong/internal/web"
)

// selfRoutes registers the self-service pages and API (any logged-in user;
// the services find the person by the user's own ID) and the staff routes
// that link a person to a login.
func selfRoutes(r *web.Router, h *Handler) {
	r.Get("/me", auth.Authenticated, h.selfShow)
	r.Get("/me/timeline", auth.Authenticated, h.selfTimeline)
	r.Get("/me/edit", auth.Authenticated, h.selfEdit)
	r.Post("/me/edit", auth.Authenticated, h.selfUpdate)
	r.Get("/me/consents", auth.Authenticated, h.selfConsents)
	r.Post("/me/consents", auth.Authenticated, h.selfConsentGive)
	r.Post("/me/consents/{purpose}/withdraw", auth.Authenticated, h.selfConsentWithdraw)
	r.Get("/me/download.json", auth.Authenticated, h.selfDownloadJSON)
	r.Get("/me/download.xlsx", auth.Authenticated, h.selfDownloadXLSX)

	r.Get("/people/{id}/login", auth.PersonRead, h.personLogin)
	r.Post("/people/{id}/login", auth.PersonWrite, h.personLink)
	r.Post("/people/{id}/login/unlink", auth.PersonWrite, h.personUnlink)

	selfAPIRoutes(r, h)
}

// selfPage renders a self-service page; personal data is never cached.
func selfPage(w http.ResponseWriter, r *http.Request, status int, title string, c func(web.Page) templ.Component) error {
	w.Header().Set("Cache-Control", "no-store")
	return render(w, r, status, c(web.NewPage(w, r, title, "nav.me")))
}

// notLinked tells a user whose login has no record so, kindly: a page,
// not an error (409 for a form sent anyway, so nothing looks saved).
func (h *Handler) notLinked(w http.ResponseWriter, r *http.Request, err error) error {
	if !errors.Is(err, ErrNotLinked) {
		return err
	}
	status := http.StatusOK
	if r.Method != http.MethodGet {
		status = http.StatusConflict
	}
	return selfPage(w, r, status, web.T(r.Context(), "nav.me"), notLinkedPage)
}

// selfShow is the young worker's own record, skill history and growth record.
func (h *Handler) selfShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	p, err := h.People.Self(ctx, a)
	if err != nil {
		return h.notLinked(w, r, err)
	}
	skills, err := h.People.OwnSkills(ctx, a)
	if err != nil {
		return h.notLinked(w, r, err)
	}
	rows, more, err := h.ownTimeline(r, 0)
	if err != nil {
		return h.notLinked(w, r, err)
	}
	d := selfData{P: p, OrgName: h.People.orgName(ctx, p.OrgID), Skills: skills, Timeline: rows, More: more, Today: h.People.now()}
	return selfPage(w, r, http.StatusOK, web.T(ctx, "nav.me"), func(pg web.Page) templ.Component { return selfRecordPage(pg, d) })
}

// selfTimeline is the htmx fragment of the next page of one's own growth record.
func (h *Handler) selfTimeline(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := h.People.Self(ctx, auth.ActorFrom(ctx))
	if err != nil {
		return h.notLinked(w, r, err)
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	rows, more, err := h.ownTimeline(r, max(before, 0))
	if err != nil {
		return h.notLinked(w, r, err)
	}
	w.Header().Set("Cache-Control", "no-store")
	return render(w, r, http.StatusOK, timelineItems(p, rows, more))
}

// selfEdit is the form for one's own phone and email.
func (h *Handler) selfEdit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := h.People.Self(ctx, auth.ActorFrom(ctx))
	if err != nil {
		return h.notLinked(w, r, err)
	}
	d := contactData{P: p, Email: p.Email}
	return selfPage(w, r, http.StatusOK, web.T(ctx, "self.edit"), func(pg web.Page) templ.Component { return selfEditPage(pg, d) })
}

// selfUpdate saves one's own phone and email. A blank phone keeps the
// stored one (the form cannot show it in full); "clear_phone" removes it.
func (h *Handler) selfUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	phone, email := r.PostFormValue("phone"), r.PostFormValue("email")
	var upd ContactUpdate
	if _, sent := r.PostForm["email"]; sent {
		upd.Email = &email
	}
	clear := r.PostFormValue("clear_phone") != ""
	if phone != "" || clear {
		if clear {
			phone = ""
		}
		upd.Phone = &phone
	}
	_, err := h.People.UpdateOwnContact(ctx, a, upd)
	if fields := web.FieldErrors(err); fields != nil {
		p, perr := h.People.Self(ctx, a)
		if perr != nil {
			return h.notLinked(w, r, perr)
		}
		d := contactData{P: p, Phone: phone, Email: email, Errors: fields}
		return selfPage(w, r, http.StatusUnprocessableEntity, web.T(ctx, "self.edit"), func(pg web.Page) templ.Component { return selfEditPage(pg, d) })
	}
	if err != nil {
		return h.notLinked(w, r, err)
	}
	return web.Redirect(w, r, "/me", "flash.saved")
}

// selfConsents lists the purposes with where one stands and the history.
func (h *Handler) selfConsents(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	history, err := h.People.OwnConsents(ctx, auth.ActorFrom(ctx))
	if err != nil {
		return h.notLinked(w, r, err)
	}
	return selfPage(w, r, http.StatusOK, web.T(ctx, "self.consents"), func(pg web.Page) templ.Component {
		return selfConsentsPage(pg, ConsentStatuses(history), history)
	})
}

func (h *Handler) selfConsentGive(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if _, _, err := h.People.GiveConsent(ctx, auth.ActorFrom(ctx), r.PostFormValue("purpose")); err != nil {
		return h.notLinked(w, r, err)
	}
	return web.Redirect(w, r, "/me/consents", "flash.consent_given")
}

func (h *Handler) selfConsentWithdraw(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if _, err := h.People.WithdrawConsent(ctx, auth.ActorFrom(ctx), r.PathValue("purpose")); err != nil {
		return h.notLinked(w, r, err)
	}
	return web.Redirect(w, r, "/me/consents", "flash.consent_withdrawn")
}

// selfDownloadJSON sends everything held about oneself as JSON (audited).
func (h *Handler) selfDownloadJSON(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := h.People.DownloadOwn(ctx, auth.ActorFrom(ctx), FormatJSON)
	if err != nil {
		return h.notLinked(w, r, err)
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	return sendFile(w, "application/json; charset=utf-8", downloadName(d, "json"), b)
}

// selfDownloadXLSX sends the same as a spreadsheet (audited).
func (h *Handler) selfDownloadXLSX(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := h.People.DownloadOwn(ctx, auth.ActorFrom(ctx), FormatXLSX)
	if err != nil {
		return h.notLinked(w, r, err)
	}
	var buf bytes.Buffer
	if err := writeDownloadSheet(ctx, &buf, d); err != nil {
		return err
	}
	return sendFile(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", downloadName(d, "xlsx"), buf.Bytes())
}

// downloadName is "my-record-20250301.json" (the date in Shanghai).
func downloadName(d *Download, ext string) string {
	return "my-record-" + d.GeneratedAt.In(shanghai).Format("20060102") + "." + ext
}

// sendFile sends b as an attachment that no cache keeps.
func sendFile(w http.ResponseWriter, ctype, name string, b []byte) error {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"; filename*=UTF-8''`+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, err := w.Write(b)
	return err
}

// ownTimeline reads one page of one's own growth record and the URL of the next.
func (h *Handler) ownTimeline(r *http.Request, before int64) ([]activity.Row, string, error) {
	rows, err := h.People.OwnTimeline(r.Context(), auth.ActorFrom(r.Context()), before, timelinePage+1)
	if err != nil {
		return nil, "", err
	}
	more := ""
	if len(rows) > timelinePage {
		rows = rows[:timelinePage]
		more = "/me/timeline?before=" + strconv.FormatInt(rows[timelinePage-1].ID, 10)
	}
	return rows, more, nil
}
