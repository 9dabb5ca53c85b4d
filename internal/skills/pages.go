package skills

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/event"
	"qinggong/internal/org"
	"qinggong/internal/person"
	"qinggong/internal/web"
)

// The pages: the skills overview of a subtree; courses (new, one with its
// learners and the results form); "my skills" with the transcript and its
// printable, verifiable copy; a person's credits for cadres, with
// corrections; the credit rules.

func pageRoutes(r *web.Router, h *Handler) {
	appraisalRoutes(r, h)
	mentorshipRoutes(r, h)
	competitionRoutes(r, h)
	innovationRoutes(r, h)
	monthRoutes(r, h)
	r.Get("/skills", auth.OrgRead, h.overviewPage)
	r.Get("/courses/new", auth.SkillsManage, h.newCourse)
	r.Post("/courses", auth.SkillsManage, h.createCourse)
	r.Get("/courses/{id}", auth.Authenticated, h.course)
	r.Post("/courses/{id}/results", auth.SkillsManage, h.postResults)
	r.Get("/my/skills", auth.Authenticated, h.mySkills)
	r.Post("/my/skills/transcript", auth.Authenticated, h.issue)
	r.Get("/transcripts/{code}", auth.Public, h.verify)
	r.Get("/people/{id}/credits", auth.PersonRead, h.personCredits)
	r.Get("/credits/{id}/reverse", auth.SkillsManage, h.reversePage)
	r.Post("/credits/{id}/reverse", auth.SkillsManage, h.reverse)
	r.Get("/skills/rules", auth.Authenticated, h.rules)
	r.Get("/skills/double-climb", auth.PersonRead, h.climbs)
	r.Get("/skills/export.xlsx", auth.OrgRead, h.exportOverview)
	r.Get("/api/v1/skills/double-climb", auth.PersonRead, h.apiClimbs)
	r.Get("/api/v1/people/{id}/climb", auth.PersonRead, h.apiClimb)
	r.Post("/skills/rules/{code}", auth.SkillsRules, h.setRule)
}

// overview reads the figures of the ?org= subtree (the caller's own by
// default), with a page of its children, or all of them.
func (h *Handler) overview(r *http.Request, all bool) (*Overview, error) {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	o, err := h.Orgs.ViewOrg(ctx, a, auth.OrgRead, r.URL.Query().Get("org"))
	if err != nil {
		return nil, err
	}
	if all { // an export: every child
		kids, err := h.Orgs.ChildrenOf(ctx, a, o, 5000)
		if err != nil {
			return nil, err
		}
		return h.Skills.Overview(ctx, a, o, kids)
	}
	// The children a page at a time: a district has hundreds of units.
	kids, err := h.Orgs.Find(ctx, a, org.Filter{Parent: o.ID, After: r.URL.Query().Get("units_after"), Limit: childrenPage, Brief: true})
	if err != nil {
		return nil, err
	}
	ov, err := h.Skills.Overview(ctx, a, o, kids.Orgs)
	if err != nil || kids.Next == "" {
		return ov, err
	}
	page := *ov // the kept value is shared
	page.ChildrenNext = kids.Next
	return &page, nil
}

// childrenPage is how many child organizations the overview lists at once.
const childrenPage = 50

// overviewData is the overview page: the figures and the latest courses.
type overviewData struct {
	O       *Overview
	Courses *CoursePage
	Manage  bool
}

// kept serves a page of credit figures from h.pages, kept per account,
// address and the versions of everything it shows: grants and the tree,
// the credit figures (and courses), people.
func (h *Handler) kept(w http.ResponseWriter, r *http.Request, render func(ctx context.Context, buf *bytes.Buffer) error) error {
	ctx := r.Context()
	var versions []string
	if a := auth.ActorFrom(ctx); a != nil {
		versions = []string{a.Version, a.CreditsVersion, a.PeopleVersion}
	}
	return h.pages.Serve(w, r, versions, func(buf *bytes.Buffer) error { return render(ctx, buf) })
}

func (h *Handler) overviewPage(w http.ResponseWriter, r *http.Request) error {
	return h.kept(w, r, func(ctx context.Context, buf *bytes.Buffer) error {
		a := auth.ActorFrom(ctx)
		ov, err := h.overview(r, false)
		if err != nil {
			return err
		}
		after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
		cs, err := h.Skills.Courses(ctx, a, after, 20)
		if err != nil {
			return err
		}
		return overviewPage(web.NewPage(w, r, web.T(ctx, "skills.overview"), "nav.skills"),
			overviewData{O: ov, Courses: cs, Manage: a.HasAnywhere(auth.SkillsManage)}).Render(ctx, buf)
	})
}

// courseForm is what the new-course form shows.
type courseForm struct {
	V      map[string][]string
	Errors map[string]string
}

func (d courseForm) get(k string) string {
	if v := d.V[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (h *Handler) newCourse(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	d := courseForm{V: map[string][]string{"category": {"new_process"}, "credits": {"4"}, "hours": {"16"}, "capacity": {"40"},
		"min_sessions": {"1"}}}
	if o, err := h.Orgs.FindByID(ctx, a, a.OrgID); err == nil && a.Can(auth.SkillsManage, o.Path) {
		d.V["org_code"] = []string{o.Code}
	}
	return h.renderCourseForm(w, r, d)
}

func (h *Handler) renderCourseForm(w http.ResponseWriter, r *http.Request, d courseForm) error {
	ctx := r.Context()
	if d.Errors != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return web.Render(ctx, w, courseFormPage(web.NewPage(w, r, web.T(ctx, "skills.new_course"), "nav.skills"), d))
}

func localTime(v string) time.Time {
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(v), shanghai)
	if err != nil {
		return time.Time{}
	}
	return t
}

func (h *Handler) createCourse(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	if err := r.ParseForm(); err != nil {
		return err
	}
	v := r.PostForm
	fe := errs.Fields{}
	num := func(k string) int {
		n, err := strconv.Atoi(strings.TrimSpace(v.Get(k)))
		if err != nil {
			fe.Add(k, "err.invalid")
		}
		return n
	}
	in := CourseInput{Title: v.Get("title"), Summary: v.Get("summary"), Trade: v.Get("trade"), Category: v.Get("category"),
		Credits: num("credits"), Hours: num("hours"), Assessment: v.Get("assessment"), MinSessions: num("min_sessions"),
		Place: v.Get("place"), Capacity: num("capacity"), RegOpens: localTime(v.Get("reg_opens")), RegCloses: localTime(v.Get("reg_closes"))}
	if o, err := h.Orgs.FindByCode(ctx, a, auth.SkillsManage, strings.TrimSpace(v.Get("org_code"))); err == nil {
		in.OrgID = o.ID
	}
	for i := range 8 {
		k := "s" + strconv.Itoa(i) + "."
		if st, en := v.Get(k+"starts"), v.Get(k+"ends"); st != "" || en != "" {
			in.Sessions = append(in.Sessions, event.SessionInput{Starts: localTime(st), Ends: localTime(en)})
		}
	}
	d := courseForm{V: v}
	c, err := h.Skills.CreateCourse(ctx, a, in)
	if fields := web.FieldErrors(err); fields != nil || len(fe) > 0 {
		d.Errors = map[string]string{}
		for k, m := range fields {
			d.Errors[strings.Replace(k, "sessions.", "s", 1)] = m
		}
		for k, m := range fe {
			d.Errors[k] = m
		}
		return h.renderCourseForm(w, r, d)
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/courses/"+strconv.FormatInt(c.ID, 10), "skills.course_created")
}

// courseData is a course's page.
type courseData struct {
	C        *Course
	E        *event.Event
	Manage   bool
	Learners []Learner
	Errors   map[string]string
}

func (h *Handler) course(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	c, e, err := h.Skills.Course(ctx, a, id)
	if err != nil {
		return err
	}
	d := courseData{C: c, E: e, Manage: a.Can(auth.SkillsManage, c.OrgPath)}
	if d.Manage {
		if _, d.Learners, err = h.Skills.Learners(ctx, a, id); err != nil {
			return err
		}
	}
	return h.renderCourse(w, r, d)
}

func (h *Handler) renderCourse(w http.ResponseWriter, r *http.Request, d courseData) error {
	ctx := r.Context()
	if d.Errors != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return web.Render(ctx, w, coursePage(web.NewPage(w, r, d.C.Title, "nav.skills"), d))
}

// postResults reads the results table: for each learner without a result,
// score.<person> and pass.<person>; rows left blank are skipped.
func (h *Handler) postResults(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	c, learners, err := h.Skills.Learners(ctx, a, id)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	var rs []Result
	var rowOf []int64
	for _, l := range learners {
		if l.Result != nil {
			continue
		}
		k := strconv.FormatInt(l.PersonID, 10)
		score, pass := strings.TrimSpace(r.PostForm.Get("score."+k)), r.PostForm.Get("pass."+k)
		if score == "" && pass == "" {
			continue
		}
		n := -1
		if score != "" {
			if n, err = strconv.Atoi(score); err != nil {
				n = -2 // refused below as out of range
			}
		}
		rs = append(rs, Result{PersonID: l.PersonID, Score: n, Passed: pass == "on"})
		rowOf = append(rowOf, l.PersonID)
	}
	posted, err := h.Skills.PostResults(ctx, a, id, rs)
	if fields := web.FieldErrors(err); fields != nil {
		d := courseData{C: c, Manage: true, Learners: learners, Errors: map[string]string{}}
		if _, d.E, err = h.Skills.Course(ctx, a, id); err != nil {
			return err
		}
		for k, m := range fields {
			// results.N.field is the row of the Nth result posted.
			parts := strings.Split(k, ".")
			if len(parts) == 3 {
				if i, err := strconv.Atoi(parts[1]); err == nil && i < len(rowOf) {
					k = strconv.FormatInt(rowOf[i], 10)
				}
			}
			d.Errors[k] = m
		}
		return h.renderCourse(w, r, d)
	}
	if err != nil {
		return err
	}
	_ = posted
	return web.Redirect(w, r, "/courses/"+strconv.FormatInt(id, 10), "skills.results_posted")
}

// transcriptData is a transcript page (one's own or a person's).
type transcriptData struct {
	T            *Transcript
	Own          bool
	Reverse      bool // the viewer may correct entries
	Eligibility  *Eligibility
	Applications []Application
	Climb        *Climb // the worker's own double climb
}

func (h *Handler) mySkills(w http.ResponseWriter, r *http.Request) error {
	return h.kept(w, r, func(ctx context.Context, buf *bytes.Buffer) error {
		before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
		t, err := h.Skills.OwnTranscript(ctx, auth.ActorFrom(ctx), before)
		if err == person.ErrNotLinked {
			return notLinkedPage(web.NewPage(w, r, web.T(ctx, "skills.mine"), "nav.my_skills")).Render(ctx, buf)
		}
		if err != nil {
			return err
		}
		own, err := h.Skills.OwnOf(ctx, auth.ActorFrom(ctx), t.Person)
		if err != nil {
			return err
		}
		d := transcriptData{T: t, Own: true, Eligibility: own.Eligibility, Applications: own.Applications, Climb: own.Climb}
		return transcriptPage(web.NewPage(w, r, web.T(ctx, "skills.mine"), "nav.my_skills"), d).Render(ctx, buf)
	})
}

func (h *Handler) personCredits(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.kept(w, r, func(ctx context.Context, buf *bytes.Buffer) error {
		a := auth.ActorFrom(ctx)
		before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
		t, err := h.Skills.Transcript(ctx, a, id, before)
		if err != nil {
			return err
		}
		d := transcriptData{T: t, Reverse: a.Can(auth.SkillsManage, t.Person.OrgPath)}
		return transcriptPage(web.NewPage(w, r, web.Tf(ctx, "skills.credits_of", t.Person.Name), "nav.people"), d).Render(ctx, buf)
	})
}

func (h *Handler) issue(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	iss, err := h.Skills.IssueTranscript(ctx, auth.ActorFrom(ctx), 0)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/transcripts/"+iss.Code, http.StatusSeeOther)
	return nil
}

func (h *Handler) verify(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	iss, err := h.Skills.Verify(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	png, err := qrcode.Encode(web.BaseURL(r)+"/transcripts/"+iss.Code, qrcode.Medium, 200)
	if err != nil {
		return err
	}
	qr := "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
	return web.Render(ctx, w, verifyPage(web.NewPage(w, r, web.T(ctx, "skills.transcript"), ""), iss, qr))
}

// reversePage asks for the reason of a correction, showing the entry.
func (h *Handler) reversePage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	e, p, err := h.Skills.ToReverse(ctx, auth.ActorFrom(ctx), id)
	if err != nil {
		return err
	}
	return web.Render(ctx, w, reversePage(web.NewPage(w, r, web.T(ctx, "skills.reverse_title"), "nav.people"), e, p))
}

// reverse corrects an entry and goes back to the person's credits; a
// refusal (no reason, already corrected) comes back to the form.
func (h *Handler) reverse(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	e, err := h.Skills.Reverse(ctx, auth.ActorFrom(ctx), id, r.PostFormValue("reason"))
	if err != nil {
		return web.Back(w, r, "/credits/"+strconv.FormatInt(id, 10)+"/reverse", "", err)
	}
	return web.Redirect(w, r, "/people/"+strconv.FormatInt(e.PersonID, 10)+"/credits", "skills.reversed")
}

func (h *Handler) rules(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	rules, err := h.Skills.Rules(ctx)
	if err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	root, err := h.Orgs.Root(ctx)
	if err != nil {
		return err
	}
	return web.Render(ctx, w, rulesPage(web.NewPage(w, r, web.T(ctx, "skills.rules"), "nav.skills"), rules, a.Can(auth.SkillsRules, root.Path)))
}

func (h *Handler) setRule(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	credits, err1 := strconv.Atoi(strings.TrimSpace(r.PostFormValue("credits")))
	years, err2 := strconv.Atoi(strings.TrimSpace(r.PostFormValue("valid_years")))
	if err1 != nil {
		credits = -1
	}
	if err2 != nil {
		years = -1
	}
	_, err := h.Skills.SetRule(ctx, auth.ActorFrom(ctx), r.PathValue("code"), credits, years)
	return web.Back(w, r, "/skills/rules", "skills.rule_saved", err)
}
