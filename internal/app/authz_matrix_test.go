package app_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"qinggong/internal/app/apptest"
	"qinggong/internal/attach"
	"qinggong/internal/auth"
	"qinggong/internal/cadre"
	"qinggong/internal/campaign"
	"qinggong/internal/career"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/event"
	"qinggong/internal/org"
	"qinggong/internal/person"
	"qinggong/internal/skills"
	"qinggong/internal/talent"
	"qinggong/internal/web"
)

// The authorization matrix (SECURITY-CHECKLIST §3.1, B1-B3): every route the
// router knows × every actor × target objects in own, parent, child and
// sibling subtrees plus a nonexistent ID. The expected answer is derived from
// the policy (rolePerms via Actor.HasAnywhere and Actor.Can), never from the
// handlers.

// matrixActors are the fixture logins; "" is the anonymous client.
var matrixActors = []string{"", "admin", "sysadmin", "secadmin", "auditor", "org_admin_d1", "cadre_d1",
	"viewer_d1", "org_admin_u1", "viewer_u1", "viewer_r1", "norole"}

// fixtureOrgs are the fixture's organizations. Every actor's own node,
// parent, children and sibling subtrees are among them.
var fixtureOrgs = []string{"C", "D1", "D2", "S1", "U1", "U2", "U3", "B1", "B2"}

// matrixRegions are the regions of the matrix env and their owners.
var matrixRegions = map[string]string{"R1": "C", "RD1": "D1", "RD2": "D2"}

const missingID = 999999

// Expected classes.
const (
	expPublic  = "public"  // not 401/403, < 500
	expUnauth  = "unauth"  // 401 (API) or 303 to /login (pages)
	expForbid  = "403"     // function level: permission held nowhere
	expMissing = "404"     // object level: outside scope or nonexistent
	expAllowed = "allowed" // not 401/403/404, < 500
)

// matrixEnv is an apptest env plus matrix targets: one user homed in each
// fixture org (with a viewer grant there), and regions owned by C, D1 and D2.
type matrixEnv struct {
	e       *apptest.Env
	users   map[string]int64 // org name → target user
	grants  map[string]int64 // org name → grant of that user
	regions map[string]*org.Region
	members map[string]int64 // region → one member org
	token   int64            // an API token of a user who is none of the actors
	people  map[string]int64 // org name → a person registered there
	cadres  map[string]int64 // org name → a cadre post there (held by that org's person)
	job     int64            // an import of a user who is none of the actors
	moves   map[string]int64 // org name → a pending transfer of its person to the parent org
	// campaigns: org name → a nominating campaign organized there (its
	// subtree eligible); noms: org name → that org's pending nomination of
	// its person in the city's campaign, held by the org.
	campaigns map[string]int64
	noms      map[string]int64
	// review targets, organized by C, D1 and D2 (org name → ID): a round
	// open in a reviewing campaign with one assignment of a reviewer who
	// is none of the actors; a campaign on notice with one objection; a
	// certificate of that campaign's nominee.
	rounds, assignments, notices, objections, certs map[string]int64
	// events: org name → a published event organized there, open for
	// registration, its one session within check-in hours, and a seat of
	// that org's person (regs).
	events, sessions, regs, materials map[string]int64 // materials: one file of that org's event
	// plans: org name → a career plan of that org's person (mentor none)
	// with one milestone (milestones); recs: org name → a recommendation
	// of that org's person sent from it to its parent.
	plans, milestones, recs map[string]int64
	// courses: org name → a published course of that org's (its event
	// open), credits: → a credit entry of that org's person from it;
	// transcript: the code of a transcript of the root's person.
	courses, credits map[string]int64
	// appraisals: org name → a session it organizes (level 5, open);
	// applications: → that org's person's application to it.
	appraisals, applications map[string]int64
	mentorships              map[string]int64 // → that org's person apprenticed to the root's technician
	// competitions: org name → an open competition it organizes, with one
	// entry (entries) of that org's person; no actor judges.
	competitions, entries map[string]int64
	innovations           map[string]int64 // → an innovation of that org's person, filed there
	transcript            string
	actors                map[string]*auth.Actor
	clients               map[string]*apptest.Client
	dirty                 bool
}

func newMatrixEnv(t testing.TB, dbName string) *matrixEnv {
	t.Helper()
	ctx := context.Background()
	e := apptest.New(t, dbName)
	m := &matrixEnv{e: e, users: map[string]int64{}, grants: map[string]int64{}, regions: map[string]*org.Region{},
		members: map[string]int64{}, actors: map[string]*auth.Actor{}, clients: map[string]*apptest.Client{}, people: map[string]int64{},
		moves: map[string]int64{}, cadres: map[string]int64{}, campaigns: map[string]int64{}, noms: map[string]int64{},
		rounds: map[string]int64{}, assignments: map[string]int64{}, notices: map[string]int64{}, objections: map[string]int64{},
		certs: map[string]int64{}, events: map[string]int64{}, sessions: map[string]int64{}, regs: map[string]int64{}, materials: map[string]int64{},
		plans: map[string]int64{}, milestones: map[string]int64{}, recs: map[string]int64{}, courses: map[string]int64{}, credits: map[string]int64{},
		appraisals: map[string]int64{}, applications: map[string]int64{}, mentorships: map[string]int64{},
		competitions: map[string]int64{}, entries: map[string]int64{}, innovations: map[string]int64{}}
	root := e.Orgs["C"]
	boot := &auth.Actor{Login: "fixture", Grants: []auth.Grant{
		{Role: auth.SecAdmin, ScopeKind: "global"},
		{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}},
	}}
	for _, name := range fixtureOrgs {
		login := "tgt_" + strings.ToLower(name)
		id, _, err := e.App.Users.CreateUser(ctx, boot, auth.NewUser{Login: login, Name: login, OrgID: e.Orgs[name].ID, Password: apptest.Password})
		if err != nil {
			t.Fatalf("matrix user %s: %v", login, err)
		}
		gid, err := e.App.Users.GrantRole(ctx, boot, auth.NewGrant{UserID: id, Role: auth.Viewer, ScopeKind: "org", ScopeID: e.Orgs[name].ID})
		if err != nil {
			t.Fatalf("matrix grant %s: %v", login, err)
		}
		m.users[name], m.grants[name] = id, gid
	}
	if _, err := e.App.Users.CreateToken(ctx, m.users["C"], "matrix", time.Hour); err != nil {
		t.Fatalf("matrix token: %v", err)
	}
	toks, err := e.App.Users.ListTokens(ctx, m.users["C"])
	if err != nil || len(toks) != 1 {
		t.Fatalf("matrix token list: %v", err)
	}
	m.token = toks[0].ID
	for i, name := range fixtureOrgs {
		p, err := e.App.People.Create(ctx, boot, person.Input{Name: "矩阵" + name, IDNumber: apptest.IDNumber(1000 + i), OrgID: e.Orgs[name].ID})
		if err != nil {
			t.Fatalf("matrix person %s: %v", name, err)
		}
		m.people[name] = p.ID
		c, err := e.App.Cadres.Create(ctx, boot, cadre.Input{PersonID: p.ID, OrgID: e.Orgs[name].ID, Post: cadre.Member,
			Basis: cadre.FullTime, TermStart: "2024-01-01"})
		if err != nil {
			t.Fatalf("matrix cadre %s: %v", name, err)
		}
		m.cadres[name] = c.ID
		if name == "C" {
			continue
		}
		parent := e.Orgs[name].ParentID
		var code string
		for _, o := range e.Orgs {
			if o.ID == parent {
				code = o.Code
			}
		}
		tr, err := e.App.People.RequestTransfer(ctx, boot, p.ID, person.TransferInput{ToOrgCode: code, Reason: "矩阵"})
		if err != nil {
			t.Fatalf("matrix transfer %s: %v", name, err)
		}
		m.moves[name] = tr.ID
	}
	if err := e.App.DB.W().QueryRowContext(ctx, `INSERT INTO import_jobs (user_id, org_id, file_name, status, created_at)
		VALUES ($1, $2, 'x.csv', 'checked', $3) RETURNING id`, m.users["C"], root.ID, time.Now()).Scan(&m.job); err != nil {
		t.Fatalf("matrix import job: %v", err)
	}
	if _, err := e.App.DB.W().ExecContext(ctx, `INSERT INTO import_files (job_id, data) VALUES ($1, $2)`, m.job, []byte("姓名")); err != nil {
		t.Fatalf("matrix import file: %v", err)
	}
	for _, name := range fixtureOrgs {
		// Each campaign asks for a file, so the file route has one to serve.
		c, err := e.App.Campaigns.Create(ctx, boot, campaign.Input{Title: "矩阵评选" + name, OrgID: e.Orgs[name].ID,
			NomineeKind: campaign.NomineePerson, Winners: 10, Referral: true, Form: []campaign.FormField{{Key: "proof", Label: "证明", Kind: campaign.FieldFile}}})
		if err != nil {
			t.Fatalf("matrix campaign %s: %v", name, err)
		}
		if _, err := e.App.Campaigns.Advance(ctx, boot, c.ID, campaign.StageNominating); err != nil {
			t.Fatalf("matrix campaign %s: %v", name, err)
		}
		m.campaigns[name] = c.ID
	}
	for _, name := range fixtureOrgs {
		n, err := e.App.Campaigns.Nominate(ctx, boot, m.campaigns["C"], campaign.NominateInput{OrgID: e.Orgs[name].ID,
			NomineeID: m.people[name], Moral: "思想政治素质好，爱岗敬业，遵纪守法。", Files: map[string]*campaign.Attachment{"proof": matrixPNG()}})
		if err != nil {
			t.Fatalf("matrix nomination %s: %v", name, err)
		}
		m.noms[name] = n.ID
	}
	for _, name := range reviewOrgs {
		m.reviewTargets(t, boot, name)
	}
	for _, name := range fixtureOrgs {
		now := time.Now()
		ev, err := e.App.Events.Create(ctx, boot, event.Input{OrgID: e.Orgs[name].ID, Kind: "seminar", Title: "矩阵活动" + name, Place: "会议室",
			Capacity: 10, RegOpens: now.Add(-time.Hour), RegCloses: now.Add(time.Hour), RegRequired: true,
			Sessions: []event.SessionInput{{Starts: now.Add(30 * time.Minute), Ends: now.Add(2 * time.Hour)}}})
		if err == nil {
			ev, err = e.App.Events.Publish(ctx, boot, ev.ID)
		}
		if err != nil {
			t.Fatalf("matrix event %s: %v", name, err)
		}
		r, err := e.App.Events.Register(ctx, boot, ev.ID, m.people[name])
		if err != nil {
			t.Fatalf("matrix registration %s: %v", name, err)
		}
		mat, err := e.App.Events.AddMaterial(ctx, boot, ev.ID, "议程.pdf", []byte("%PDF-1.4\n"))
		if err != nil {
			t.Fatalf("matrix material %s: %v", name, err)
		}
		m.events[name], m.sessions[name], m.regs[name], m.materials[name] = ev.ID, ev.Sessions[0].ID, r.ID, mat.ID
	}
	for i, name := range fixtureOrgs {
		pl, err := e.App.Career.Create(ctx, boot, career.Input{PersonID: m.people[name], Position: "矩阵岗位", TargetPosition: "班组长",
			Starts: "2026-01-01", Ends: "2026-12-31", Milestones: []career.MilestoneInput{{Title: "矩阵节点", Due: "2026-06-30"}}})
		if err != nil {
			t.Fatalf("matrix plan %s: %v", name, err)
		}
		m.plans[name], m.milestones[name] = pl.ID, pl.MilestoneList[0].ID
		if name == "C" {
			continue
		}
		o := e.Orgs[name]
		rec, err := e.App.Talent.Recommend(ctx, boot, talent.Input{PersonID: m.people[name], Kind: talent.Kinds[i%len(talent.Kinds)],
			FromOrgID: o.ID, ToOrgID: o.ParentID, Evidence: "矩阵事迹", Moral: "思想政治素质好，爱岗敬业，遵纪守法。"})
		if err != nil {
			t.Fatalf("matrix recommendation %s: %v", name, err)
		}
		m.recs[name] = rec.ID
	}
	for _, name := range fixtureOrgs {
		now := time.Now()
		c, err := e.App.Skills.CreateCourse(ctx, boot, skills.CourseInput{OrgID: e.Orgs[name].ID, Title: "矩阵课程" + name, Trade: "电工",
			Category: "practice", Credits: 2, Hours: 8, Assessment: "实操", Place: "实训室", Capacity: 10,
			RegOpens: now.Add(-time.Hour), RegCloses: now.Add(time.Hour), Sessions: []event.SessionInput{{Starts: now.Add(30 * time.Minute), Ends: now.Add(2 * time.Hour)}}})
		if err == nil {
			_, err = e.App.Events.Publish(ctx, boot, c.EventID)
		}
		if err == nil {
			_, err = e.App.Events.Register(ctx, boot, c.EventID, m.people[name])
		}
		if err == nil {
			_, err = e.App.Skills.PostResults(ctx, boot, c.ID, []skills.Result{{PersonID: m.people[name], Score: 90, Passed: true}})
		}
		if err != nil {
			t.Fatalf("matrix course %s: %v", name, err)
		}
		var entry int64
		if err := e.App.DB.R().QueryRowContext(ctx, `SELECT id FROM credit_entries WHERE source_id = $1 AND source = 'course'`, c.ID).Scan(&entry); err != nil {
			t.Fatal(err)
		}
		m.courses[name], m.credits[name] = c.ID, entry
		ap, err := e.App.Skills.CreateAppraisal(ctx, boot, skills.AppraisalInput{OrgID: e.Orgs[name].ID, Trade: "电工", Level: 5,
			Starts: now.Add(7 * 24 * time.Hour), Place: "鉴定中心", Capacity: 5, Body: "矩阵鉴定机构"})
		if err != nil {
			t.Fatalf("matrix appraisal %s: %v", name, err)
		}
		x, err := e.App.Skills.Apply(ctx, boot, ap.ID, m.people[name])
		if err != nil {
			t.Fatalf("matrix application %s: %v", name, err)
		}
		m.appraisals[name], m.applications[name] = ap.ID, x.ID
	}
	tech, err := e.App.People.Create(ctx, boot, person.Input{Name: "矩阵技师", IDNumber: apptest.IDNumber(1900), OrgID: root.ID, SkillLevel: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range fixtureOrgs {
		ms, err := e.App.Skills.CreateMentorship(ctx, boot, skills.MentorshipInput{MentorID: tech.ID, ApprenticeID: m.people[name], Trade: "电工",
			Goals: "矩阵目标", Starts: "2026-01-01", Ends: "2026-12-31"})
		if err != nil {
			t.Fatalf("matrix mentorship %s: %v", name, err)
		}
		m.mentorships[name] = ms.ID
		cp, err := e.App.Skills.CreateCompetition(ctx, boot, skills.CompetitionInput{OrgID: e.Orgs[name].ID, Title: "矩阵竞赛", Trade: "电工",
			Level: "enterprise", HeldOn: "2026-06-01"})
		if err == nil {
			var en *skills.CompetitionEntry
			if en, err = e.App.Skills.Enter(ctx, boot, cp.ID, "", []int64{m.people[name]}); err == nil {
				m.competitions[name], m.entries[name] = cp.ID, en.ID
			}
		}
		if err != nil {
			t.Fatalf("matrix competition %s: %v", name, err)
		}
		inn, err := e.App.Skills.FileInnovation(ctx, boot, skills.InnovationInput{OrgID: e.Orgs[name].ID, Kind: "suggestion", Title: "矩阵建议",
			Description: "矩阵", Submitters: []int64{m.people[name]},
			Files: []*attach.File{{Name: "matrix.png", Data: []byte("\x89PNG\r\n\x1a\nmatrix")}}})
		if err != nil {
			t.Fatalf("matrix innovation %s: %v", name, err)
		}
		m.innovations[name] = inn.ID
	}
	if _, err := e.App.Skills.SaveMonth(ctx, boot, skills.MonthInput{Year: matrixMonthYear, Title: "矩阵技能月", StartsOn: "2030-04-01",
		EndsOn: "2030-04-30"}); err != nil {
		t.Fatalf("matrix skills month: %v", err)
	}
	iss, err := e.App.Skills.IssueTranscript(ctx, boot, m.people["C"])
	if err != nil {
		t.Fatalf("matrix transcript: %v", err)
	}
	m.transcript = iss.Code
	m.regions["R1"], m.members["R1"] = e.Region, e.Orgs["U1"].ID
	for name, spec := range map[string][2]string{"RD1": {"D1", "U1"}, "RD2": {"D2", "U2"}} {
		rg, err := e.App.Orgs.CreateRegion(ctx, boot, org.RegionInput{OrgID: e.Orgs[spec[0]].ID, Name: "矩阵片区" + name})
		if err != nil {
			t.Fatalf("matrix region %s: %v", name, err)
		}
		if err := e.App.Orgs.AddMember(ctx, boot, rg.ID, e.Orgs[spec[1]].ID); err != nil {
			t.Fatalf("matrix region member %s: %v", name, err)
		}
		m.regions[name], m.members[name] = rg, e.Orgs[spec[1]].ID
	}
	for _, login := range matrixActors {
		if login == "" {
			continue
		}
		a, err := e.App.Users.Actor(ctx, e.Users[login])
		if err != nil {
			t.Fatalf("actor %s: %v", login, err)
		}
		if a.MustChange {
			t.Fatalf("actor %s must change password: matrix would only see redirects", login)
		}
		m.actors[login] = a
	}
	return m
}

// fresh returns an env with m's fixture that no request has touched: on
// SQLite a clone of m's database (m itself serves no requests), elsewhere a
// new env built the same way.
func (m *matrixEnv) fresh(t testing.TB) *matrixEnv {
	t.Helper()
	e := m.e.Clone(t)
	if e == nil {
		return newMatrixEnv(t, m.e.App.DB.Dialect.String())
	}
	c := *m
	c.e, c.actors, c.clients, c.dirty = e, map[string]*auth.Actor{}, map[string]*apptest.Client{}, false
	for login := range m.actors {
		a, err := e.App.Users.Actor(context.Background(), e.Users[login])
		if err != nil {
			t.Fatalf("actor %s: %v", login, err)
		}
		c.actors[login] = a
	}
	return &c
}

// matrixPNG is a file the attachment checks accept (a PNG by its content).
func matrixPNG() *campaign.Attachment {
	return &campaign.Attachment{Name: "证据.png", Data: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")}
}

// reviewOrgs organize the matrix's review, notice and certificate targets.
var reviewOrgs = []string{"C", "D1", "D2"}

// reviewTargets makes the review targets organized by the org name: a
// campaign in review with its round and one assignment, and a campaign on
// notice (its round scored and closed) with an objection and a
// certificate (written directly: naming waits for the notice to end).
func (m *matrixEnv) reviewTargets(t testing.TB, boot *auth.Actor, name string) {
	t.Helper()
	ctx, e := context.Background(), m.e
	o := e.Orgs[name]
	// The city's target user reviews: above every organizer, no conflict
	// of interest with a nominee of a child organization.
	reviewer, err := e.App.Users.Actor(ctx, m.users["C"])
	if err != nil {
		t.Fatal(err)
	}
	mk := func(title string) (*campaign.Campaign, *campaign.Round, *campaign.Assignment) {
		c, err := e.App.Campaigns.Create(ctx, boot, campaign.Input{Title: title + name, OrgID: o.ID, NomineeKind: campaign.NomineePerson, Winners: 3})
		if err != nil {
			t.Fatalf("matrix %s: %v", title, err)
		}
		for _, st := range []string{campaign.StageNominating} {
			if _, err := e.App.Campaigns.Advance(ctx, boot, c.ID, st); err != nil {
				t.Fatal(err)
			}
		}
		child := map[string]string{"C": "D2", "D1": "U1", "D2": "U2"}[name]
		n, err := e.App.Campaigns.Nominate(ctx, boot, c.ID, campaign.NominateInput{OrgID: e.Orgs[child].ID, NomineeID: m.people[child],
			Moral: "思想政治素质好，爱岗敬业，遵纪守法。"})
		if err == nil {
			n, err = e.App.Campaigns.Forward(ctx, boot, n.ID, "同意推荐", 1)
		}
		if err != nil {
			t.Fatalf("matrix %s nomination: %v", title, err)
		}
		for _, st := range []string{campaign.StageChecking, campaign.StageReviewing} {
			if _, err := e.App.Campaigns.Advance(ctx, boot, c.ID, st); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.App.Campaigns.AddReviewer(ctx, boot, c.ID, reviewer.UserID, 10); err != nil {
			t.Fatalf("matrix reviewer: %v", err)
		}
		r, err := e.App.Campaigns.OpenRound(ctx, boot, c.ID, campaign.RoundInput{Name: "初评", Method: campaign.MethodMean, Shortlist: 1,
			Criteria: []campaign.Criterion{{Name: "业绩", Weight: 100, Min: 0, Max: 10}}})
		if err != nil {
			t.Fatalf("matrix round: %v", err)
		}
		a, err := e.App.Campaigns.Assign(ctx, boot, r.ID, n.ID, reviewer.UserID)
		if err != nil {
			t.Fatalf("matrix assignment: %v", err)
		}
		return c, r, a
	}
	_, r, a := mk("矩阵评审")
	m.rounds[name], m.assignments[name] = r.ID, a.ID
	c, r, a := mk("矩阵公示")
	if _, err := e.App.Campaigns.Submit(ctx, reviewer, a.ID, map[int64]int{r.Criteria[0].ID: 8}, ""); err != nil {
		t.Fatalf("matrix score: %v", err)
	}
	if _, err := e.App.Campaigns.CloseRound(ctx, boot, r.ID); err != nil {
		t.Fatalf("matrix close: %v", err)
	}
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	if _, err := e.App.Campaigns.Publicize(ctx, boot, c.ID, campaign.NoticeInput{Starts: today, Ends: today, Contact: "021-12345678",
		Items: []campaign.NoticeItem{{NominationID: a.NominationID}}}); err != nil {
		t.Fatalf("matrix notice: %v", err)
	}
	if _, err := e.App.Campaigns.Advance(ctx, boot, c.ID, campaign.StagePublicity); err != nil {
		t.Fatalf("matrix publicity: %v", err)
	}
	if _, err := e.App.Campaigns.Object(ctx, c.ID, campaign.ObjectionInput{NominationID: a.NominationID, Text: "矩阵测试异议内容，请核实。",
		File: matrixPNG()},
		"192.0.2."+strconv.Itoa(len(m.objections)+1)); err != nil {
		t.Fatalf("matrix objection: %v", err)
	}
	var oid, cert int64
	if err := e.App.DB.R().QueryRowContext(ctx, `SELECT max(id) FROM objections WHERE campaign_id = $1`, c.ID).Scan(&oid); err != nil {
		t.Fatal(err)
	}
	if err := e.App.DB.W().QueryRowContext(ctx, `INSERT INTO certificates (campaign_id, nomination_id, number, code, tier, seq, issued_by, issued_at)
		VALUES ($1, $2, $3, $4, '', 1, 0, $5) RETURNING id`, c.ID, a.NominationID, "QG-MATRIX-"+name, "matrixcode"+strings.ToLower(name),
		time.Now()).Scan(&cert); err != nil {
		t.Fatal(err)
	}
	m.notices[name], m.objections[name], m.certs[name] = c.ID, oid, cert
}

// client returns a cookie client (pages) or a bearer client (API) of login.
func (m *matrixEnv) client(login string, api bool) *apptest.Client {
	key := login + "|" + strconv.FormatBool(api)
	if c, ok := m.clients[key]; ok {
		return c
	}
	var c *apptest.Client
	switch {
	case login == "":
		c = m.e.Anon()
	case api:
		c = m.e.Bearer(login)
	default:
		c = m.e.Login(login)
	}
	m.clients[key] = c
	return c
}

// objectKind names the object a route's first path parameter designates.
func objectKind(pattern string) string {
	s := strings.TrimPrefix(pattern, "/api/v1")
	switch {
	case !strings.Contains(strings.ReplaceAll(s, "{$}", ""), "{"):
		return ""
	case strings.HasPrefix(s, "/orgs/{"):
		return "org"
	case strings.HasPrefix(s, "/regions/{"):
		return "region"
	case strings.HasPrefix(s, "/users/{"):
		return "user"
	case strings.HasPrefix(s, "/grants/{"):
		return "grant"
	case strings.HasPrefix(s, "/tokens/{"):
		return "token"
	case strings.HasPrefix(s, "/imports/{"):
		return "import"
	case strings.HasPrefix(s, "/transfers/{"):
		return "transfer"
	case strings.HasPrefix(s, "/career/plans/{"):
		return "plan"
	case strings.HasPrefix(s, "/career/milestones/{"):
		return "milestone"
	case strings.HasPrefix(s, "/talent/{"):
		return "recommendation"
	case strings.HasPrefix(s, "/courses/{"):
		return "course"
	case strings.HasPrefix(s, "/appraisals/{"):
		return "appraisal"
	case strings.HasPrefix(s, "/mentorships/{"):
		return "mentorship"
	case strings.HasPrefix(s, "/competitions/{"):
		return "competition"
	case strings.HasPrefix(s, "/innovations/{"):
		return "innovation"
	case strings.HasPrefix(s, "/competition-entries/{"):
		return "entry"
	case strings.HasPrefix(s, "/appraisal-applications/{"):
		return "application"
	case strings.HasPrefix(s, "/credits/{"):
		return "credit"
	case strings.HasPrefix(s, "/transcripts/{"):
		return "transcript"
	case strings.HasPrefix(s, "/credit-rules/{"), strings.HasPrefix(s, "/skills/rules/{"):
		return "rule"
	case strings.HasPrefix(s, "/skills-month"):
		return "month"
	case strings.HasPrefix(s, "/me/"):
		return "" // the caller's own record; {purpose} designates nobody's object
	case strings.HasPrefix(s, "/people/{"):
		return "person"
	case strings.HasPrefix(s, "/cadres/{"):
		return "cadre"
	case strings.Contains(s, "{oid}"):
		return "objection"
	case strings.HasPrefix(s, "/campaigns/{"):
		return "campaign"
	case strings.HasPrefix(s, "/rounds/{"), strings.HasPrefix(s, "/reviews/{"):
		return "round"
	case strings.HasPrefix(s, "/assignments/{"):
		return "assignment"
	case strings.HasPrefix(s, "/notice/{"), strings.HasPrefix(s, "/notices/{"), strings.HasPrefix(s, "/announce/{"),
		strings.HasPrefix(s, "/announcements/{"):
		return "notice"
	case strings.HasPrefix(s, "/objections/{"):
		return "objection"
	case strings.HasPrefix(s, "/certificates/{"):
		return "certificate"
	case strings.HasPrefix(s, "/verify/{"):
		return "code"
	case strings.HasPrefix(s, "/nominations/{"):
		return "nomination"
	case strings.HasPrefix(s, "/events/{"):
		return "event"
	case strings.HasPrefix(s, "/sessions/{"), strings.HasPrefix(s, "/checkin/{"):
		return "session"
	case strings.HasPrefix(s, "/registrations/{"):
		return "registration"
	case strings.HasPrefix(s, "/materials/{"):
		return "material"
	case strings.HasPrefix(pattern, "/assets/{"):
		return "asset"
	}
	return "unknown"
}

// targetsFor lists the target labels of a kind; "missing" is a nonexistent ID.
func targetsFor(kind string) []string {
	switch kind {
	case "org", "user", "grant", "person", "cadre", "campaign", "nomination", "event", "session", "registration", "material", "plan", "milestone", "course", "credit", "appraisal", "application", "mentorship", "competition", "entry", "innovation":
		return append(slices.Clone(fixtureOrgs), "missing")
	case "recommendation":
		return append(slices.Clone(fixtureOrgs[1:]), "missing") // recommended to the parent: the root has none
	case "transcript", "rule":
		return []string{"C", "missing"}
	case "month":
		return []string{"C"} // a year's month is set by saving it: none is missing
	case "region":
		return []string{"R1", "RD1", "RD2", "missing"}
	case "round", "assignment", "notice", "objection", "certificate", "code":
		return append(slices.Clone(reviewOrgs), "missing")
	case "asset":
		return []string{"app.css"}
	case "transfer":
		return append(slices.Clone(fixtureOrgs[1:]), "missing") // the root's person has no parent to go to
	case "token", "import":
		return []string{"other", "missing"} // one's own is its own tests'; others' are never visible
	}
	return []string{"-"}
}

var paramRE = regexp.MustCompile(`\{[^}]*\}`)

// fill substitutes the route's path parameters for target tgt. It returns
// the path and the org path the object lives in ("" for none or missing).
func (m *matrixEnv) fill(rt web.Route, kind, tgt string) (string, string, error) {
	var objID, orgParam, gid, oid int64
	var objPath, code string
	missing := tgt == "missing"
	switch kind {
	case "org":
		if !missing {
			o := m.e.Orgs[tgt]
			objID, objPath, orgParam = o.ID, o.Path, o.ID
		}
	case "user":
		if !missing {
			objID, objPath, gid = m.users[tgt], m.e.Orgs[tgt].Path, m.grants[tgt]
		}
	case "grant":
		if !missing {
			objID, objPath = m.grants[tgt], m.e.Orgs[tgt].Path
		}
	case "region":
		if !missing {
			objID, objPath, orgParam = m.regions[tgt].ID, m.e.Orgs[matrixRegions[tgt]].Path, m.members[tgt]
		}
	case "token":
		if !missing {
			objID = m.token
		}
	case "import":
		if !missing {
			objID = m.job
		}
	case "person":
		if !missing {
			objID, objPath = m.people[tgt], m.e.Orgs[tgt].Path
		}
	case "cadre":
		if !missing {
			objID, objPath = m.cadres[tgt], m.e.Orgs[tgt].Path
		}
	case "campaign":
		if !missing {
			// {org} of a quota: the organizer's first child, or itself.
			objID, objPath, orgParam = m.campaigns[tgt], m.e.Orgs[tgt].Path, m.e.Orgs[tgt].ID
		}
	case "nomination":
		if !missing {
			objID, objPath = m.noms[tgt], m.e.Orgs[tgt].Path
		}
	case "event", "session", "registration", "material":
		if !missing {
			ids := map[string]map[string]int64{"event": m.events, "session": m.sessions, "registration": m.regs, "material": m.materials}
			objID, objPath = ids[kind][tgt], m.e.Orgs[tgt].Path
		}
	case "transcript":
		code = m.transcript
	case "rule":
		code, objPath = "course", "/1/"
		if missing {
			objPath = "/1/"
		}
	case "month":
		objPath = "/1/"
	case "plan", "milestone", "recommendation", "course", "credit", "appraisal", "application", "mentorship", "competition", "entry", "innovation":
		if !missing {
			ids := map[string]map[string]int64{"plan": m.plans, "milestone": m.milestones, "recommendation": m.recs, "course": m.courses,
				"credit": m.credits, "appraisal": m.appraisals, "application": m.applications, "mentorship": m.mentorships,
				"competition": m.competitions, "entry": m.entries, "innovation": m.innovations}
			objID, objPath = ids[kind][tgt], m.e.Orgs[tgt].Path
		}
	case "round", "assignment", "notice", "certificate":
		if !missing {
			ids := map[string]map[string]int64{"round": m.rounds, "assignment": m.assignments, "notice": m.notices, "certificate": m.certs}
			objID, objPath = ids[kind][tgt], m.e.Orgs[tgt].Path
		}
	case "objection":
		if !missing {
			// Under a campaign ({id}/objections/{oid}) the first parameter
			// is the campaign; alone (/objections/{id}) the objection.
			objID, objPath, oid = m.objections[tgt], m.e.Orgs[tgt].Path, m.objections[tgt]
			if strings.Contains(rt.Pattern, "{oid}") {
				objID = m.notices[tgt]
			}
		}
	case "code":
		code = "matrixcode" + strings.ToLower(tgt)
	case "transfer":
		if !missing {
			// Approving and rejecting are the receiving (parent) side's;
			// reading and withdrawing the sending side's.
			objID, objPath = m.moves[tgt], m.e.Orgs[tgt].Path
			if strings.HasSuffix(rt.Pattern, "/approve") || strings.HasSuffix(rt.Pattern, "/reject") {
				for _, o := range m.e.Orgs {
					if o.ID == m.e.Orgs[tgt].ParentID {
						objPath = o.Path
					}
				}
			}
		}
	}
	if missing {
		objID, orgParam, gid, oid, code = missingID, missingID, missingID, missingID, "nosuchcode"
	}
	var bad error
	first := true
	p := paramRE.ReplaceAllStringFunc(rt.Pattern, func(s string) string {
		name := strings.TrimSuffix(strings.Trim(s, "{}"), "...")
		defer func() { first = false }()
		switch {
		case name == "$":
			return ""
		case kind == "asset" && name == "name":
			return strings.TrimPrefix(web.Asset(tgt), "/assets/")
		case name == "code":
			if kind == "rule" && missing {
				return "nosuchrule"
			}
			return code
		case first:
			return strconv.FormatInt(objID, 10)
		case name == "org" && orgParam != 0:
			return strconv.FormatInt(orgParam, 10)
		case name == "gid" && gid != 0:
			return strconv.FormatInt(gid, 10)
		case name == "action":
			return "forward"
		case name == "field":
			return "proof"
		case name == "n":
			return "1"
		case name == "year":
			return strconv.Itoa(matrixMonthYear)
		case name == "oid" && oid != 0:
			return strconv.FormatInt(oid, 10)
		case name == "user":
			return strconv.FormatInt(m.users["C"], 10) // not on any panel: removing is a harmless 404 or no-op
		}
		bad = fmt.Errorf("route %s %s: no matrix value for parameter %s", rt.Method, rt.Pattern, s)
		return "0"
	})
	return p, objPath, bad
}

// matrixMonthYear is the fixture's skills month.
const matrixMonthYear = 2030

// expect derives the answer from the policy alone.
func expect(rt web.Route, a *auth.Actor, kind, tgt, objPath string) string {
	switch {
	case rt.Perm == auth.Public:
		return expPublic
	case a == nil:
		return expUnauth
	case !a.HasAnywhere(rt.Perm):
		return expForbid
	case rt.Method == http.MethodPost && rt.Pattern == "/skills-months":
		// Setting a skills month is the city committee's, as its rules.
		if !a.Can(auth.SkillsRules, "/1/") {
			return expForbid
		}
		return expAllowed
	case kind == "" || kind == "asset":
		return expAllowed
	case kind == "rule" || kind == "month":
		// The city committee's: the root's skills.rules, or 403 (before
		// the rule is looked for).
		if !a.Can(auth.SkillsRules, objPath) {
			return expForbid
		}
		if tgt == "missing" {
			return expMissing
		}
		return expAllowed
	case tgt == "missing":
		return expMissing
	case kind == "token" || kind == "import":
		return expMissing // another user's token or import: only its owner sees it
	case kind == "campaign" || kind == "nomination":
		return campaignExpect(rt, a, kind, objPath)
	case kind == "event" || kind == "session" || kind == "registration" || kind == "material":
		return eventExpect(rt, a, kind, objPath)
	case kind == "plan" || kind == "milestone":
		return careerExpect(rt, a, objPath)
	case kind == "recommendation":
		return talentExpect(rt, a, objPath)
	case kind == "appraisal":
		// Sessions are open to every login; their applications are the
		// organizer's (403 to anyone else, who sees the session).
		if rt.Perm == auth.Authenticated || a.Can(auth.SkillsManage, objPath) {
			return expAllowed
		}
		return expForbid
	case kind == "competition":
		// Read with the organizer (judges too, and no actor is one);
		// organized with skills.manage there, else 403 to a reader.
		switch {
		case rt.Perm == auth.SkillsManage && a.Can(auth.SkillsManage, objPath):
			return expAllowed
		case !a.Can(auth.OrgRead, objPath) && !a.Can(auth.SkillsManage, objPath):
			return expMissing
		case rt.Perm == auth.SkillsManage:
			return expForbid
		}
		return expAllowed
	case kind == "innovation":
		// Read with the organization; evaluated with skills.manage there.
		switch {
		case !a.Can(auth.OrgRead, objPath):
			return expMissing
		case rt.Perm == auth.SkillsManage && !a.Can(auth.SkillsManage, objPath):
			return expForbid
		}
		return expAllowed
	case kind == "entry":
		return expForbid // scored by the competition's judges only, and no actor is one
	case kind == "mentorship":
		// Read with the apprentice's records; written by its two sides (no
		// actor is either: 403) and completed by skills.manage there.
		switch {
		case !a.Can(auth.PersonRead, objPath):
			return expMissing
		case rt.Method == "GET", rt.Perm == auth.SkillsManage && a.Can(auth.SkillsManage, objPath):
			return expAllowed
		}
		return expForbid
	case kind == "application":
		switch {
		case a.Can(auth.SkillsManage, objPath):
			return expAllowed
		case a.Can(auth.OrgRead, objPath):
			return expForbid
		}
		return expMissing
	case kind == "course" && rt.Perm == auth.Authenticated:
		return eventExpect(rt, a, "event", objPath) // a course is seen as its event is
	case kind == "course" || kind == "credit":
		// Organizing a course, correcting a credit: skills.manage there;
		// a reader of the organization (or person) who may not is refused.
		read := auth.OrgRead
		if kind == "credit" {
			read = auth.PersonRead
		}
		switch {
		case a.Can(auth.SkillsManage, objPath):
			return expAllowed
		case a.Can(read, objPath):
			return expForbid
		}
		return expMissing
	case kind == "assignment" || (kind == "round" && rt.Perm == auth.Authenticated):
		// Reviewers are named per campaign and no actor is on a panel: a
		// queue, a ballot or an assignment is nobody's here but the
		// reviewer's; a round's scores are also the organizer's.
		if strings.HasSuffix(rt.Pattern, "/scores") && a.Can(auth.CampaignManage, objPath) {
			return expAllowed
		}
		return expMissing
	case rt.Perm.Global():
		if a.Can(rt.Perm, "") {
			return expAllowed
		}
		return expForbid
	case !a.Can(rt.Perm, objPath):
		return expMissing
	}
	if p, ok := alsoNeeds[rt.Method+" "+rt.Pattern]; ok && !a.Can(p, objPath) {
		return expForbid
	}
	return expAllowed
}

// campaignExpect is the policy of the selection engine's objects, whose
// organizer and nominators are in different subtrees. A campaign (its
// subtree eligible) is seen by those who read its organizer or nominate
// anywhere overlapping it, and organized by campaign.manage on its
// organizer; quotas are given by whoever manages a quota holder, so that
// route answers whoever sees the campaign. A nomination (held by the
// organization that made it, in the city's campaign) is read by those
// who read or nominate for that organization or organize the city's
// campaign, and acted on by its holder. The city's path is /1/: the root
// is the first organization of every fixture.
func campaignExpect(rt web.Route, a *auth.Actor, kind, objPath string) string {
	sees := a.Can(auth.OrgRead, objPath) || a.Scope(auth.CampaignNominate).All ||
		slices.ContainsFunc(a.Scope(auth.CampaignNominate).Prefixes, func(p string) bool {
			return strings.HasPrefix(p, objPath) || strings.HasPrefix(objPath, p)
		})
	allowed := false
	switch {
	case strings.HasSuffix(rt.Pattern, "/apply"), strings.HasSuffix(rt.Pattern, "/refer"):
		// Applications are a young worker's own: no actor's login is
		// linked to a record, which is answered alike for every campaign.
		// Referrals are open to any login in every campaign taking them
		// (the matrix's all do): the nominee is named in the form.
		allowed = true
	case kind == "nomination" && rt.Method == "GET":
		allowed = a.Can(auth.OrgRead, objPath) || a.Can(auth.CampaignNominate, objPath) || a.Can(auth.CampaignManage, "/1/")
	case kind == "nomination":
		allowed = a.Can(auth.CampaignNominate, objPath) || (objPath == "/1/" && a.Can(auth.CampaignManage, objPath))
	case strings.Contains(rt.Pattern, "/quotas") && rt.Perm == auth.CampaignManage:
		allowed = sees
	case rt.Perm == auth.CampaignManage:
		allowed = a.Can(auth.CampaignManage, objPath)
	default:
		allowed = sees
	}
	if allowed {
		return expAllowed
	}
	return expMissing
}

// eventExpect is the policy of the event engine's objects (each event,
// its session and its seat belong to one fixture organization). An event
// is read by its organizers and readers of its organizer, and run by
// event.manage there; a seat is given up by the event's organizer or by
// whoever may register its person. Registering oneself and checking in
// use the caller's own record: no actor's login is linked to one, which
// is answered alike for every event and session.
func eventExpect(rt web.Route, a *auth.Actor, kind, objPath string) string {
	allowed := false
	switch {
	case strings.HasSuffix(rt.Pattern, "/registrations"), strings.HasSuffix(rt.Pattern, "/register"),
		strings.HasSuffix(rt.Pattern, "/checkin"), strings.HasPrefix(rt.Pattern, "/checkin/"):
		allowed = true
	case kind == "registration":
		allowed = a.Can(auth.EventManage, objPath) || (a.Can(auth.PersonRead, objPath) && a.Can(auth.EventRegister, objPath))
	case rt.Perm == auth.EventManage:
		allowed = a.Can(auth.EventManage, objPath)
	default:
		// Reading an event, or registering someone for it: also cadres whose
		// people are in its audience (the fixture's: the organizer's subtree).
		allowed = a.Can(auth.EventManage, objPath) || a.Can(auth.OrgRead, objPath) ||
			slices.ContainsFunc(a.Scope(auth.EventRegister).Prefixes, func(p string) bool {
				return strings.HasPrefix(p, objPath) || strings.HasPrefix(objPath, p)
			}) || a.Scope(auth.EventRegister).All
	}
	if allowed {
		return expAllowed
	}
	return expMissing
}

// careerExpect is the policy of career plans (each plan, and its
// milestone, of one fixture organization's person; no actor is that
// person or their mentor): readers of the organization's plans see it,
// cadres write on it, and a reader who may not write is refused (403).
func careerExpect(rt web.Route, a *auth.Actor, objPath string) string {
	write := rt.Method != "GET" || strings.HasSuffix(rt.Pattern, "/edit")
	switch {
	case write && a.Can(auth.CareerWrite, objPath):
		return expAllowed
	case !a.Can(auth.CareerRead, objPath):
		return expMissing
	case write:
		return expForbid
	}
	return expAllowed
}

// talentExpect is the policy of talent recommendations (each sent from a
// fixture organization to its parent): the receiving side reads its pool,
// the sending side its own; only talent.vet on the receiving committee
// decides, and one who sees it but may not is refused (403).
func talentExpect(rt web.Route, a *auth.Actor, from string) string {
	to := from[:strings.LastIndex(strings.TrimSuffix(from, "/"), "/")+1]
	sees := a.Can(auth.CareerRead, to) || a.Can(auth.TalentRecommend, from) || a.Can(auth.CareerRead, from)
	switch {
	case rt.Perm == auth.TalentVet && a.Can(auth.TalentVet, to):
		return expAllowed
	case !sees:
		return expMissing
	case rt.Perm == auth.TalentVet:
		return expForbid
	}
	return expAllowed
}

// alsoNeeds names a second permission a route checks on the same object,
// after its own: linking a login to a person needs user.write there too.
var alsoNeeds = map[string]auth.Permission{
	"POST /people/{id}/login": auth.UserWrite, "POST /people/{id}/login/unlink": auth.UserWrite,
	"POST /api/v1/people/{id}/login": auth.UserWrite, "DELETE /api/v1/people/{id}/login": auth.UserWrite,
}

// matches reports whether res is of the expected class.
func matches(exp string, api, logout bool, res *apptest.Response) bool {
	s := res.StatusCode
	if s >= 500 {
		return false
	}
	loginRedirect := s == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/login")
	switch exp {
	case expPublic:
		return s != 401 && s != 403
	case expUnauth:
		if api {
			return s == 401
		}
		return loginRedirect
	case expForbid:
		return s == 403
	case expMissing:
		return s == 404
	}
	return s != 401 && s != 403 && s != 404 && (!loginRedirect || logout)
}

// sessionRoute reports whether a write to the route ends or replaces the
// client's session, so clients must be rebuilt afterwards.
func sessionRoute(rt web.Route) bool {
	return rt.Method != "GET" && (rt.Pattern == "/login" || rt.Pattern == "/logout" || rt.Pattern == "/password")
}

// harmlessWrite reports whether a successful write leaves the targets as
// they were (own tokens, language cookie).
func harmlessWrite(rt web.Route) bool {
	return rt.Pattern == "/tokens" || rt.Pattern == "/lang" || strings.HasSuffix(rt.Pattern, "/tokens")
}

type matrixRow struct {
	route, actor, target, path, expected string
	status                               int
	ok                                   bool
}

// runMatrix walks routes × actors × targets. A fresh env replaces one that a
// successful write may have changed, so every request sees the fixture.
func runMatrix(t *testing.T, dbName string, keep func(web.Route) bool) []matrixRow {
	t.Helper()
	base := newMatrixEnv(t, dbName)
	routes := slices.Clone(base.e.App.Router.Routes())
	var mu sync.Mutex
	var rows []matrixRow
	t.Run("routes", func(t *testing.T) {
		for _, rt := range routes {
			if keep != nil && !keep(rt) {
				continue
			}
			t.Run(rt.Method+" "+rt.Pattern, func(t *testing.T) {
				t.Parallel()
				r := matrixRoute(t, base, rt)
				mu.Lock()
				rows = append(rows, r...)
				mu.Unlock()
			})
		}
	})
	return rows
}

// matrixRoute runs one route for every actor and target.
func matrixRoute(t *testing.T, base *matrixEnv, rt web.Route) []matrixRow {
	var rows []matrixRow
	m := base.fresh(t)
	{
		kind := objectKind(rt.Pattern)
		if kind == "unknown" {
			t.Errorf("route %s %s: no matrix target kind for its parameters; extend objectKind", rt.Method, rt.Pattern)
			return nil
		}
		api := strings.HasPrefix(rt.Pattern, "/api/")
		for _, login := range matrixActors {
			for _, tgt := range targetsFor(kind) {
				if m.dirty {
					m = base.fresh(t)
				}
				path, objPath, err := m.fill(rt, kind, tgt)
				if err != nil {
					t.Error(err)
					break
				}
				a := m.actors[login]
				exp := expect(rt, a, kind, tgt, objPath)
				if kind == "transfer" && exp == expMissing && tgt != "missing" && a.Can(auth.PersonRead, m.e.Orgs[tgt].Path) {
					exp = expForbid // the sending side sees the transfer but may not decide it
				}
				var body any
				if rt.Method != "GET" {
					if api {
						body = "{}"
					} else {
						body = url.Values{}
					}
				}
				res := m.client(login, api).Do(rt.Method, path, body)
				ok := matches(exp, api, rt.Pattern == "/logout", res)
				if rt.Method == "POST" && rt.Pattern == "/login" && res.StatusCode == http.StatusUnauthorized {
					ok = true // empty credentials: a failed login, not an access decision
				}
				who := login
				if who == "" {
					who = "anonymous"
				}
				if !ok {
					snippet := res.Body
					if len(snippet) > 200 {
						snippet = snippet[:200]
					}
					t.Errorf("MISMATCH %s %s as %s on %s (%s): expected %s, got %d %s %q",
						rt.Method, rt.Pattern, who, tgt, path, exp, res.StatusCode, res.Header.Get("Location"), snippet)
				}
				rows = append(rows, matrixRow{route: rt.Method + " " + rt.Pattern, actor: who, target: tgt, path: path,
					expected: exp, status: res.StatusCode, ok: ok})
				if rt.Method != "GET" && (sessionRoute(rt) || (res.StatusCode < 400 && !harmlessWrite(rt))) {
					m.dirty = true
				}
			}
		}
	}
	return rows
}

func writeMatrixCSV(t *testing.T, rows []matrixRow) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "authz-matrix.csv")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"route", "actor", "target", "path", "expected", "status", "ok"})
	for _, r := range rows {
		w.Write([]string{r.route, r.actor, r.target, r.path, r.expected, strconv.Itoa(r.status), strconv.FormatBool(r.ok)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return name
}

func summarize(t *testing.T, rows []matrixRow, start time.Time) {
	t.Helper()
	routes, targets, byExp, bad := map[string]bool{}, map[string]bool{}, map[string]int{}, 0
	for _, r := range rows {
		routes[r.route] = true
		targets[r.target] = true
		byExp[r.expected]++
		if !r.ok {
			bad++
		}
	}
	t.Logf("authz matrix: %d routes × %d actors × up to %d targets = %d requests (%v), %d mismatches; by expectation %v; csv %s",
		len(routes), len(matrixActors), len(targets), len(rows), time.Since(start).Round(time.Millisecond), bad, byExp,
		writeMatrixCSV(t, rows))
}

func TestAuthzMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("the full matrix runs in the normal (non -short) run; -short is the race-detector run")
	}
	for _, name := range dbtest.Names() {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			var keep func(web.Route) bool
			if name != "sqlite" {
				// Full matrix on SQLite; on PostgreSQL the scope queries of
				// a few read and validation-failing routes.
				reduced := map[string]bool{"GET /orgs/{id}": true, "GET /orgs/{id}/children": true, "GET /users/{id}": true,
					"GET /regions/{id}": true, "POST /orgs/{id}/children": true, "GET /audit": true, "GET /users": true}
				keep = func(rt web.Route) bool {
					return reduced[rt.Method+" "+rt.Pattern] || (rt.Method == "GET" && strings.HasPrefix(rt.Pattern, "/api/v1/orgs/"))
				}
			}
			rows := runMatrix(t, name, keep)
			summarize(t, rows, start)
		})
	}
}

// TestRoutesDeclareKnownPermissions: every registered route names one of the
// policy's permissions (B1, deny by default).
func TestRoutesDeclareKnownPermissions(t *testing.T) {
	e := apptest.New(t, "sqlite")
	known := auth.Permissions()
	routes := e.App.Router.Routes()
	if len(routes) == 0 {
		t.Fatal("router lists no routes")
	}
	seen := map[string]bool{}
	for _, rt := range routes {
		if rt.Perm == "" || !slices.Contains(known, rt.Perm) {
			t.Errorf("route %s %s declares unknown permission %q", rt.Method, rt.Pattern, rt.Perm)
		}
		key := rt.Method + " " + rt.Pattern
		if seen[key] {
			t.Errorf("route %s registered twice", key)
		}
		seen[key] = true
	}
	// Every permission except the pseudo ones is used by some route, and
	// every role's permissions exist.
	used := map[auth.Permission]bool{}
	for _, rt := range routes {
		used[rt.Perm] = true
	}
	for _, p := range known {
		if !used[p] {
			t.Errorf("permission %s has no route: policy without a matrix row", p)
		}
	}
	for _, r := range append(slices.Clone(auth.BusinessRoles), auth.OfficerRoles...) {
		if !r.Valid() {
			t.Errorf("role %s not in the policy table", r)
		}
	}
	// The router refuses an empty permission at registration.
	func() {
		defer func() {
			if recover() == nil {
				t.Error("registering a route without permission did not panic")
			}
		}()
		web.NewRouter().Get("/x", "", func(http.ResponseWriter, *http.Request) error { return nil })
	}()
}
