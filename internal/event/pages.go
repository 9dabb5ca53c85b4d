package event

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/person"
	"qinggong/internal/sheet"
	"qinggong/internal/web"
)

// The pages: organizers list, create and run events (the check-in screen
// with its rotating code); attendees see an event, register, keep "my
// events" with their personal codes, and check in from the code they scan.

func pageRoutes(r *web.Router, h *Handler) {
	r.Get("/events", auth.OrgRead, h.list)
	r.Get("/events/new", auth.EventManage, h.newForm)
	r.Post("/events", auth.EventManage, h.create)
	r.Get("/events/{id}", auth.Authenticated, h.show)
	r.Post("/events/{id}/publish", auth.EventManage, h.publish)
	r.Post("/events/{id}/cancel", auth.EventManage, h.cancel)
	r.Post("/events/{id}/register", auth.Authenticated, h.register)
	r.Post("/events/{id}/register-person", auth.EventRegister, h.registerPerson)
	r.Post("/registrations/{id}/cancel", auth.Authenticated, h.unregister)
	r.Get("/my/events", auth.Authenticated, h.mine)
	r.Get("/sessions/{id}/screen", auth.EventManage, h.screen)
	r.Get("/sessions/{id}/screen/live", auth.EventManage, h.screenLive)
	r.Get("/sessions/{id}/attendance.xlsx", auth.EventManage, h.exportAttendance)
	r.Post("/events/{id}/materials", auth.EventManage, h.addMaterial)
	r.Get("/materials/{id}", auth.Authenticated, h.material)
	r.Post("/materials/{id}/delete", auth.EventManage, h.removeMaterial)
	r.Post("/events/{id}/feedback", auth.Authenticated, h.feedback)
	r.Get("/checkin/{id}", auth.Authenticated, h.checkinForm)
	r.Post("/checkin/{id}", auth.Authenticated, h.checkin)
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := Filter{Status: r.URL.Query().Get("status")}
	f.After, _ = strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	p, err := h.Events.List(ctx, auth.ActorFrom(ctx), f)
	if err != nil {
		return err
	}
	return web.Render(ctx, w, listPage(web.NewPage(w, r, web.T(ctx, "event.list"), "nav.events"), p, f))
}

// formData is what the new-event form shows.
type formData struct {
	V       formValues
	Rows    int // session rows shown
	Errors  map[string]string
	Regions []org.Region // regions the actor sees, offered as audiences
}

// formValues are the form's values as typed.
type formValues = map[string][]string

func (d formData) get(k string) string {
	if v := d.V[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (h *Handler) newForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	d := formData{V: formValues{"kind": {"seminar"}, "capacity": {"100"}, "reg_required": {"on"}}, Rows: 3}
	if o, err := h.Events.orgs.FindByID(ctx, a, a.OrgID); err == nil && a.Can(auth.EventManage, o.Path) {
		d.V["org_code"] = []string{o.Code}
	}
	return h.renderForm(w, r, d)
}

func (h *Handler) renderForm(w http.ResponseWriter, r *http.Request, d formData) error {
	ctx := r.Context()
	if d.Errors != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	a := auth.ActorFrom(ctx)
	if a.HasAnywhere(auth.RegionRead) {
		regions, err := h.Events.orgs.FindRegions(ctx, a, "", 100)
		if err != nil {
			return err
		}
		d.Regions = regions
	}
	return web.Render(ctx, w, formPage(web.NewPage(w, r, web.T(ctx, "event.new"), "nav.events"), d))
}

// localTime reads a datetime-local value, entered in Shanghai time.
func localTime(v string) time.Time {
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(v), shanghai)
	if err != nil {
		return time.Time{}
	}
	return t
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return err
	}
	v := r.PostForm
	in := Input{Kind: v.Get("kind"), Title: v.Get("title"), Summary: v.Get("summary"), Place: v.Get("place"), OnlineURL: v.Get("online_url"),
		AudienceKind: AudienceOrg, RegOpens: localTime(v.Get("reg_opens")), RegCloses: localTime(v.Get("reg_closes")),
		RegRequired: v.Get("reg_required") == "on"}
	switch a := v.Get("audience"); {
	case a == AudiencePublic || v.Get("public") == "on":
		in.AudienceKind = AudiencePublic
	case strings.HasPrefix(a, "region:"):
		in.AudienceKind = AudienceRegion
		in.AudienceID, _ = strconv.ParseInt(strings.TrimPrefix(a, "region:"), 10, 64)
	}
	fe := errs.Fields{}
	if o, err := h.Events.orgs.FindByCode(ctx, auth.ActorFrom(ctx), auth.EventManage, strings.TrimSpace(v.Get("org_code"))); err == nil {
		in.OrgID = o.ID
	}
	var err error
	if in.Capacity, err = strconv.Atoi(strings.TrimSpace(v.Get("capacity"))); err != nil && strings.TrimSpace(v.Get("capacity")) != "" {
		fe.Add("capacity", "err.invalid")
	}
	rows := 0
	for i := 0; i < MaxSessions; i++ {
		k := "s" + strconv.Itoa(i) + "."
		if _, ok := v[k+"starts"]; !ok {
			break
		}
		rows++
		starts, ends, place := v.Get(k+"starts"), v.Get(k+"ends"), v.Get(k+"place")
		if starts == "" && ends == "" && place == "" {
			continue // a blank row
		}
		in.Sessions = append(in.Sessions, SessionInput{Starts: localTime(starts), Ends: localTime(ends), Place: place})
	}
	d := formData{V: v, Rows: max(rows, 1)}
	if v.Get("more") != "" { // "add sessions": the same form with more rows
		d.Rows += 3
		return h.renderForm(w, r, d)
	}
	e, err := h.Events.Create(ctx, auth.ActorFrom(ctx), in)
	if fields := web.FieldErrors(err); fields != nil || len(fe) > 0 {
		d.Errors = map[string]string{}
		for k, m := range fields {
			// sessions.N.starts is row sN: rows are numbered as the sittings
			// filled in (a blank row between them shifts the numbers).
			d.Errors[strings.Replace(k, "sessions.", "s", 1)] = m
		}
		for k, m := range fe {
			d.Errors[k] = m
		}
		return h.renderForm(w, r, d)
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/events/"+strconv.FormatInt(e.ID, 10), "event.created")
}

// showData is what an event's page shows.
type showData struct {
	E         *Event
	Manage    bool
	Mine      *Registration // the viewer's own registration, if any
	Linked    bool          // the viewer's login has a record
	InScope   bool          // the viewer's record is in the audience
	Now       time.Time
	Materials []Material
	Feedback  *Feedback // the summary, for organizers and readers of the organizer
	Attended  bool      // the viewer checked in at a session
	Answered  bool      // the viewer gave their feedback
	Bulk      []bulkRow // the outcome of a cadre's list of ID numbers
}

// bulkRow is one line of a cadre's registration list and what came of it.
type bulkRow struct {
	Line, Name, Outcome string // Outcome: a catalog key
}

func (h *Handler) show(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	e, err := h.Events.Get(ctx, a, id)
	if err != nil {
		return err
	}
	d, err := h.showData(r, e)
	if err != nil {
		return err
	}
	return web.Render(ctx, w, showPage(web.NewPage(w, r, e.Title, "nav.events"), d))
}

func (h *Handler) showData(r *http.Request, e *Event) (showData, error) {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	d := showData{E: e, Manage: a.Can(auth.EventManage, e.OrgPath), Now: h.Events.now()}
	if p, err := h.Events.people.Self(ctx, a); err == nil {
		d.Linked = true
		d.InScope, _ = h.Events.inAudience(ctx, e, p.OrgPath)
		d.Mine, _ = h.Events.registrationOf(ctx, e.ID, p.ID)
		d.Attended = h.Events.attended(ctx, e.ID, p.ID)
		d.Answered = h.Events.GaveFeedback(ctx, a, e.ID)
	}
	var err error
	if d.Materials, err = h.Events.Materials(ctx, a, e.ID); err != nil {
		return d, err
	}
	if a.Can(auth.EventManage, e.OrgPath) || a.Can(auth.OrgRead, e.OrgPath) {
		if d.Feedback, err = h.Events.FeedbackOf(ctx, a, e.ID); err != nil {
			return d, err
		}
	}
	return d, nil
}

// act runs an action on the event of the path and comes back to its page
// with a message; a refusal is shown there as the flash.
func (h *Handler) act(w http.ResponseWriter, r *http.Request, ok string, fn func(id int64) error) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return web.Back(w, r, "/events/"+strconv.FormatInt(id, 10), ok, fn(id))
}

func (h *Handler) publish(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return h.act(w, r, "event.published", func(id int64) error {
		_, err := h.Events.Publish(ctx, auth.ActorFrom(ctx), id)
		return err
	})
}

func (h *Handler) cancel(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return h.act(w, r, "event.cancelled", func(id int64) error {
		_, err := h.Events.Cancel(ctx, auth.ActorFrom(ctx), id)
		return err
	})
}

func (h *Handler) register(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return h.act(w, r, "event.registered", func(id int64) error {
		_, err := h.Events.Register(ctx, auth.ActorFrom(ctx), id, 0)
		return err
	})
}

// MaxBulk bounds one list of ID numbers a cadre registers at once.
const MaxBulk = 200

// registerPerson is a cadre registering their people, named by ID-card
// numbers (an exact search within the cadre's scope), one per line: one
// number comes back to the event with a message; a list shows what came
// of each line.
func (h *Handler) registerPerson(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	var lines []string
	for _, l := range strings.FieldsFunc(r.PostFormValue("id_number"), func(c rune) bool { return c == '\n' || c == '\r' || c == ',' || c == '，' }) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	find := func(num string) (*person.Person, error) {
		p, err := h.Events.people.ByIDNumber(ctx, a, num)
		if errs.KindOf(err) == errs.NotFound {
			return nil, nil
		}
		return p, err
	}
	if len(lines) <= 1 {
		return h.act(w, r, "event.registered_person", func(id int64) error {
			if _, err := h.Events.Get(ctx, a, id); err != nil {
				return err
			}
			var found *person.Person
			if len(lines) == 1 {
				var err error
				if found, err = find(lines[0]); err != nil {
					return err
				}
			}
			if found == nil {
				return errs.E(errs.Conflict, "err.event_person_unknown")
			}
			_, err := h.Events.Register(ctx, a, id, found.ID)
			return err
		})
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	e, err := h.Events.Get(ctx, a, id)
	if err != nil {
		return err
	}
	if len(lines) > MaxBulk {
		lines = lines[:MaxBulk]
	}
	var rows []bulkRow
	for _, l := range lines {
		row := bulkRow{Line: l, Outcome: "err.event_person_unknown"}
		if p, err := find(l); err != nil {
			return err
		} else if p != nil {
			row.Name = p.Name
			reg, err := h.Events.Register(ctx, a, id, p.ID)
			switch e, isE := errs.As(err); {
			case err == nil:
				row.Outcome = "event.you." + reg.Status
			case isE && (e.Kind == errs.Conflict || e.Kind == errs.Invalid || e.Kind == errs.Forbidden):
				row.Outcome = e.Msg
			default:
				return err
			}
		}
		rows = append(rows, row)
	}
	if e, err = h.Events.Get(ctx, a, id); err != nil { // the counts after
		return err
	}
	d, err := h.showData(r, e)
	if err != nil {
		return err
	}
	d.Bulk = rows
	return web.Render(ctx, w, showPage(web.NewPage(w, r, e.Title, "nav.events"), d))
}

func (h *Handler) addMaterial(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return h.act(w, r, "event.material_added", func(id int64) error {
		if _, err := h.Events.managed(ctx, h.Events.db.R(), auth.ActorFrom(ctx), id); err != nil {
			return err
		}
		name, data, err := web.Upload(w, r, MaxMaterial)
		if err != nil {
			return err
		}
		_, err = h.Events.AddMaterial(ctx, auth.ActorFrom(ctx), id, name, data)
		return err
	})
}

func (h *Handler) material(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	m, err := h.Events.Material(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", m.Type)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(m.Name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(m.Data)
	return err
}

func (h *Handler) removeMaterial(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	m, err := h.Events.RemoveMaterial(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/events/"+strconv.FormatInt(m.EventID, 10), "event.material_removed")
}

func (h *Handler) feedback(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	num := func(k string) int { n, _ := strconv.Atoi(r.PostFormValue(k)); return n }
	return h.act(w, r, "event.feedback_thanks", func(id int64) error {
		return h.Events.GiveFeedback(ctx, auth.ActorFrom(ctx), id, FeedbackInput{Overall: num("overall"), Useful: num("useful"),
			Comment: r.PostFormValue("comment")})
	})
}

func (h *Handler) unregister(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	reg, err := h.Events.CancelRegistration(ctx, auth.ActorFrom(ctx), id)
	if e, ok := errs.As(err); ok && e.Kind == errs.Conflict {
		web.SetFlash(w, "error", e.Msg)
		http.Redirect(w, r, "/my/events", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/events/"+strconv.FormatInt(reg.EventID, 10), "event.unregistered")
}

// mineItem is one of "my events" with the QR code of its personal code.
type mineItem struct {
	Mine
	QR string
}

func (h *Handler) mine(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	// At the door a young worker needs the codes still to be scanned: those
	// first, then the latest of the rest; ?all=1 shows the whole history.
	var list []Mine
	var err error
	hidden := 0
	if r.URL.Query().Get("all") == "1" {
		list, err = h.Events.MyEvents(ctx, auth.ActorFrom(ctx))
	} else {
		list, hidden, err = h.Events.MyEventsAtDoor(ctx, auth.ActorFrom(ctx), minePast)
	}
	linked := true
	if errs.KindOf(err) == errs.Conflict && err == person.ErrNotLinked {
		list, linked, err = nil, false, nil
	}
	if err != nil {
		return err
	}
	var items, past []mineItem
	for _, m := range list {
		it := mineItem{Mine: m}
		if m.Status == Registered && m.Event.Status == StatusPublished && m.Open {
			if it.QR, err = qrData(m.Code, 240); err != nil {
				return err
			}
		}
		if m.Open {
			items = append(items, it)
		} else {
			past = append(past, it)
		}
	}
	return web.Render(ctx, w, minePage(web.NewPage(w, r, web.T(ctx, "event.mine"), "nav.my_events"), append(items, past...), linked, hidden))
}

// minePast is how many past events "my events" shows before a link to all.
const minePast = 20

// qrData draws text as a QR image (a data: URL). Drawing one costs
// milliseconds — most of a "my events" page or a check-in screen — and a
// personal code never changes while a session's changes every 30 seconds,
// so images are kept by text and size. The cache is bounded; when full it
// starts over (a code is cheap to redraw once).
func qrData(text string, size int) (string, error) {
	key := strconv.Itoa(size) + "|" + text
	qrMu.Lock()
	v, ok := qrKept[key]
	qrMu.Unlock()
	if ok {
		return v, nil
	}
	png, err := qrcode.Encode(text, qrcode.Medium, size)
	if err != nil {
		return "", err
	}
	v = "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
	qrMu.Lock()
	if len(qrKept) >= qrKeep {
		qrKept = make(map[string]string, qrKeep)
	}
	qrKept[key] = v
	qrMu.Unlock()
	return v, nil
}

// qrKeep bounds the kept images (some 3 KB each).
const qrKeep = 5000

var (
	qrMu   sync.Mutex
	qrKept = make(map[string]string, qrKeep)
)

// screenData is the organizer's check-in screen.
type screenData struct {
	E    *Event
	S    Session
	Code *Code
	QR   string
	URL  string
}

func (h *Handler) screenData(r *http.Request) (*screenData, error) {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	c, x, e, err := h.Events.sessionCode(ctx, a, id)
	if err != nil {
		return nil, err
	}
	d := &screenData{E: e, S: *x, Code: c}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	d.URL = fmt.Sprintf("%s://%s/checkin/%d?code=%s", scheme, r.Host, id, c.Code)
	if d.QR, err = qrData(d.URL, 480); err != nil {
		return nil, err
	}
	return d, nil
}

func (h *Handler) screen(w http.ResponseWriter, r *http.Request) error {
	d, err := h.screenData(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	return web.Render(ctx, w, screenPage(web.NewPage(w, r, d.E.Title, "nav.events"), d))
}

// screenLive is the part of the screen that htmx fetches every few
// seconds: the current code and the counts.
func (h *Handler) screenLive(w http.ResponseWriter, r *http.Request) error {
	d, err := h.screenData(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return web.Render(r.Context(), w, screenLive(d))
}

func (h *Handler) exportAttendance(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	list, err := h.Events.Attendance(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	t := func(k string) string { return web.T(ctx, k) }
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="attendance-session-%d.xlsx"`, id))
	sw, err := sheet.NewWriter(w, t("event.sheet"), []string{t("event.col.person"), t("event.col.at"), t("event.col.method"),
		t("event.col.late"), t("event.col.walk_in")}, []float64{16, 20, 14, 8, 8})
	if err != nil {
		return err
	}
	yes := func(b bool) string {
		if b {
			return t("event.yes")
		}
		return ""
	}
	for _, c := range list {
		if err := sw.Row(c.PersonName, c.At.In(shanghai).Format("2006-01-02 15:04:05"), t("event.method."+c.Method), yes(c.Late), yes(c.WalkIn)); err != nil {
			return err
		}
	}
	return sw.Close()
}

// checkinData is the attendee's check-in page, reached from the QR code.
type checkinData struct {
	E      *Event
	S      Session
	Code   string
	Done   *CheckIn
	Errors map[string]string
}

func (h *Handler) checkinForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderCheckin(w, r, r.URL.Query().Get("code"), nil, nil)
}

func (h *Handler) renderCheckin(w http.ResponseWriter, r *http.Request, code string, done *CheckIn, errors map[string]string) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	x, _, e, err := sessionOf(ctx, h.Events.db.R(), id)
	if err != nil {
		return err
	}
	if errors != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return web.Render(ctx, w, checkinPage(web.NewPage(w, r, e.Title, "nav.my_events"),
		checkinData{E: e, S: *x, Code: code, Done: done, Errors: errors}))
}

func (h *Handler) checkin(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	code := r.PostFormValue("code")
	c, err := h.Events.CheckInByCode(ctx, auth.ActorFrom(ctx), id, code)
	if fields := web.FieldErrors(err); fields != nil {
		return h.renderCheckin(w, r, code, nil, fields)
	}
	if e, ok := errs.As(err); ok && e.Kind == errs.Conflict {
		return h.renderCheckin(w, r, code, nil, map[string]string{"form": e.Msg})
	}
	if err != nil {
		return err
	}
	return h.renderCheckin(w, r, "", c, nil)
}
