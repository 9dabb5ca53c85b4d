package e2e

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"qinggong/internal/app"
	"qinggong/internal/app/apptest"
	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/person"
)

const journeyMoral = "政治立场坚定，拥护党的路线方针政策；爱岗敬业，遵纪守法，群众基础好，在青年中有较强的示范带动作用，多次被评为优秀共青团员。"

// TestCampaignJourney is issue 11's journey through one whole selection:
// the city announces the Ten Outstanding Young Technicians from its
// template; a unit nominates and passes up, the district passes on
// (two levels); three experts review (one in the browser); the round
// closes and the notice is published; a member of the public objects on
// a phone, the objection is upheld; the winners are named and a
// certificate verified on a phone. Each stage is photographed.
func TestCampaignJourney(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Skip("chromium not found on PATH")
	}
	ctx := context.Background()
	e := apptest.New(t, "sqlite")
	app := e.App
	root := e.Orgs["C"]
	boot := &auth.Actor{Login: "fixture", Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
	sec := &auth.Actor{Login: "fixture", Grants: []auth.Grant{{Role: auth.SecAdmin, ScopeKind: "global"}}}
	// Three technicians of 28 with the 技师 grade, in D1's subtree.
	var nominees []*person.Person
	for i, spec := range []struct{ name, org string }{{"张建华", "B1"}, {"李海峰", "U1"}, {"王志刚", "U1"}} {
		p, err := app.People.Create(ctx, boot, person.Input{Name: spec.name, IDNumber: apptest.IDNumber(100 + i), OrgID: e.Orgs[spec.org].ID,
			SkillLevel: 2, Trade: "数控车工"})
		if err != nil {
			t.Fatal(err)
		}
		nominees = append(nominees, p)
	}
	// Three experts from outside D1's line (no conflict of interest).
	var experts []*auth.Actor
	for i, home := range []string{"D2", "S1", "U2"} {
		login := "expert_" + strconv.Itoa(i+1)
		id, _, err := app.Users.CreateUser(ctx, sec, auth.NewUser{Login: login, Name: "评审专家" + strconv.Itoa(i+1), OrgID: e.Orgs[home].ID,
			Password: apptest.Password})
		if err != nil {
			t.Fatal(err)
		}
		a, err := app.Users.Actor(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		experts = append(experts, a)
	}

	b := startBrowser(t, e.Server.URL)
	dialogs := b.acceptDialogs()
	submit := func(what, form string) {
		t.Helper()
		b.run(what, chromedp.Click(chromedp.CSS(form+` button[type=submit]`)))
	}

	// 1. The city announces the selection from its template.
	b.run("desktop viewport", desktop())
	b.login("admin")
	b.open("/campaigns", "main h1")
	b.shot("campaign-1-board-empty")
	b.run("copy the template", chromedp.Click(chromedp.CSS(`a[href="/campaigns/new?kind=top_technician"]`)))
	b.waitPage("campaign form", "p === '/campaigns/new'")
	if v := eval[string](b, "title", `document.querySelector('#title').value`); v != "上海十大杰出青年技师" {
		t.Errorf("template title = %q", v)
	}
	b.run("title", chromedp.SetValue(chromedp.CSS("#title"), "第二届上海十大杰出青年技师"))
	b.shot("campaign-1-form")
	submit("create", `form[action="/campaigns"]`)
	b.waitPage("campaign page", `/^\/campaigns\/\d+$/.test(p)`)
	cid := strings.TrimPrefix(eval[string](b, "path", "location.pathname"), "/campaigns/")
	id, _ := strconv.ParseInt(cid, 10, 64)
	submit("open nominations", `form[action="/campaigns/`+cid+`/stage"]`)
	b.waitPage("nominating", "document.querySelector('ol.stages li.now')?.textContent.includes('推荐申报')")
	b.shot("campaign-1-announced")
	b.open("/campaigns/"+cid+"/quotas", "#quota")
	b.shot("campaign-1-quotas")

	// 2. The unit nominates and passes up; the district passes on.
	b.logout()
	b.login("cadre_u1")
	b.open("/campaigns/"+cid+"/nominate?org_code=FX-U1", "#nominee_id")
	b.run("choose the nominee", chromedp.SetValue(chromedp.CSS("#nominee_id"), strconv.FormatInt(nominees[0].ID, 10)),
		chromedp.SendKeys(chromedp.CSS("#summary"), "扎根数控加工一线，牵头完成工艺改进 3 项，年节约成本约 40 万元；带徒 5 名。"))
	submit("nominate without the assessment", `form[action="/campaigns/`+cid+`/nominations"]`)
	b.waitPage("refused", "document.querySelector('#err-moral') !== null")
	if s := b.text("#err-moral"); !strings.Contains(s, "思想道德") {
		t.Errorf("moral refusal = %q", s)
	}
	b.shot("campaign-2-nominate-refused")
	b.run("moral", chromedp.SendKeys(chromedp.CSS("#moral"), journeyMoral))
	submit("nominate", `form[action="/campaigns/`+cid+`/nominations"]`)
	b.waitPage("nomination page", `/^\/nominations\/\d+$/.test(p)`)
	nom := eval[string](b, "path", "location.pathname")
	b.run("opinion", chromedp.SendKeys(chromedp.CSS("#opinion"), "经U1团委研究，同意推荐。"), chromedp.SendKeys(chromedp.CSS("#rank"), "1"))
	submit("pass up", `form[action="`+nom+`/forward"]`)
	b.waitPage("passed up", "document.querySelectorAll('ol.timeline li').length === 2")
	b.logout()
	b.login("cadre_d1")
	b.open(nom, "#opinion")
	b.run("district opinion", chromedp.SendKeys(chromedp.CSS("#opinion"), "经D1团委审核，同意推荐至团市委。"), chromedp.SendKeys(chromedp.CSS("#rank"), "1"))
	submit("district passes up", `form[action="`+nom+`/forward"]`)
	b.waitPage("submitted", "document.querySelector('h1 .badge')?.textContent === '已报送'")
	if n := eval[int](b, "steps", `document.querySelectorAll('ol.timeline li').length`); n != 3 {
		t.Errorf("history shows %d steps, want nominate and two passes", n)
	}
	b.shot("campaign-2-history")
	b.run("phone viewport", phone())
	b.noHorizontalOverflow("phone nomination history")
	b.shot("campaign-2-history-phone")
	b.run("desktop again", desktop())
	// The other two arrive the same way (through the service).
	for _, p := range nominees[1:] {
		n, err := app.Campaigns.Nominate(ctx, boot, id, campaign.NominateInput{OrgID: e.Orgs["U1"].ID, NomineeID: p.ID, Moral: journeyMoral,
			Summary: "在市级职业技能竞赛中获一等奖；主持班组 QC 课题。"})
		for err == nil && n.Status == campaign.NomPending {
			n, err = app.Campaigns.Forward(ctx, boot, n.ID, "同意推荐", 2)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	b.logout()

	// 3. Review by three experts: the panel and round set up in the browser.
	b.login("admin")
	b.open("/campaigns/"+cid, "ol.stages")
	submit("to checking", `form[action="/campaigns/`+cid+`/stage"]`)
	b.waitPage("checking", "document.querySelector('ol.stages li.now')?.textContent.includes('资格审查')")
	submit("to review", `form[action="/campaigns/`+cid+`/stage"]`)
	b.waitPage("reviewing", "document.querySelector('ol.stages li.now')?.textContent.includes('专家评审')")
	for _, x := range experts {
		b.open("/campaigns/"+cid+"/review", `form[action="/campaigns/`+cid+`/reviewers"]`)
		b.run("reviewer "+x.Login, chromedp.SendKeys(chromedp.CSS(`form[action="/campaigns/`+cid+`/reviewers"] input[name=login]`), x.Login))
		submit("add reviewer", `form[action="/campaigns/`+cid+`/reviewers"]`)
		b.waitPage("reviewer added", "document.querySelector('#panel')?.textContent.includes('"+x.Login+"')")
	}
	b.run("shortlist", chromedp.SetValue(chromedp.CSS("#shortlist"), "3"))
	submit("open the round", "#round-form")
	b.waitPage("round open", "document.querySelector('form[action$=\"/auto-assign\"]') !== null")
	submit("assign", `form[action$="/auto-assign"]`)
	b.waitPage("assigned", "document.querySelector('#panel')?.textContent.includes('0 / 3')")
	if s := b.text("#panel"); !strings.Contains(s, "0 / 3") {
		t.Errorf("panel after assignment: %q", s)
	}
	b.shot("campaign-3-review-setup")
	b.logout()
	rounds, err := app.Campaigns.Rounds(ctx, boot, id)
	if err != nil || len(rounds) != 1 {
		t.Fatalf("rounds: %v %v", rounds, err)
	}
	round := rounds[0]
	rid := strconv.FormatInt(round.ID, 10)
	b.login("expert_1")
	b.open("/applications", "main h1") // a login linked to no record is told so
	if s := b.text("main"); !strings.Contains(s, "没有") && !strings.Contains(s, "关联") {
		t.Errorf("applications for an unlinked login: %q", s)
	}
	b.shot("campaign-3-applications-unlinked")
	b.open("/reviews", "main h1")
	b.run("open the queue", chromedp.Click(chromedp.CSS(`a[href="/reviews/`+rid+`"]`)))
	b.waitPage("queue", "p === '/reviews/"+rid+"'")
	q, err := app.Campaigns.Queue(ctx, experts[0], round.ID)
	if err != nil || len(q.Items) != 3 {
		t.Fatalf("queue: %v %v", q, err)
	}
	first := q.Items[0]
	form := `form[action="/assignments/` + strconv.FormatInt(first.AssignmentID, 10) + `/score"]`
	for _, c := range round.Criteria {
		b.run("score", chromedp.SendKeys(chromedp.CSS(form+` input[name="s.`+strconv.FormatInt(c.ID, 10)+`"]`), "101"))
	}
	submit("score out of range", form)
	b.waitPage("refused score", "document.querySelector('.field-error') !== null")
	b.shot("campaign-3-score-refused")
	for _, c := range round.Criteria {
		b.run("score", chromedp.SetValue(chromedp.CSS(form+` input[name="s.`+strconv.FormatInt(c.ID, 10)+`"]`), "92"))
	}
	submit("score", form)
	b.waitPage("scored", "document.querySelector('.flash.ok') !== null")
	b.shot("campaign-3-queue")
	b.logout()
	// The rest of the scores through the service: the first nominee best,
	// the others close behind.
	for i, x := range experts {
		q, err := app.Campaigns.Queue(ctx, x, round.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range q.Items {
			if it.Status != campaign.ReviewAssigned {
				continue
			}
			s := 80 + i
			if it.NominationID == first.NominationID {
				s = 95
			}
			scores := map[int64]int{}
			for _, c := range round.Criteria {
				scores[c.ID] = s
			}
			if _, err := app.Campaigns.Submit(ctx, x, it.AssignmentID, scores, "事迹突出"); err != nil {
				t.Fatal(err)
			}
		}
	}

	// 4. Close, rank, publish the notice.
	b.login("admin")
	b.open("/campaigns/"+cid+"/review", "#round-"+rid)
	submit("close the round", `form[action="/rounds/`+rid+`/close"]`)
	b.waitPage("closed", "document.querySelector('a[href=\"/rounds/"+rid+"/results\"]') !== null")
	b.open("/rounds/"+rid+"/results", "#ranking")
	if s := b.text("#ranking tbody tr:first-child"); !strings.Contains(s, "张建华") {
		t.Errorf("first in the ranking: %q", s)
	}
	b.shot("campaign-4-ranking")
	b.open("/campaigns/"+cid+"/notice/new", "#contact")
	b.run("contact", chromedp.SendKeys(chromedp.CSS("#contact"), "团市委青工部，电话 021-63000000"))
	submit("publish", `form[action="/campaigns/`+cid+`/notice"]`)
	b.waitPage("published", "document.querySelector('.flash.ok') !== null")
	submit("to publicity", `form[action="/campaigns/`+cid+`/stage"]`)
	b.waitPage("publicity", "document.querySelector('ol.stages li.now')?.textContent.includes('公示')")
	b.shot("campaign-4-publicity")
	b.logout()

	// 5. A member of the public objects, on a phone.
	b.run("phone viewport", phone())
	b.open("/notice/"+cid, "#nomination_id")
	b.noHorizontalOverflow("phone notice")
	if s := b.text("main"); strings.Contains(s, nominees[1].IDMasked) || strings.Contains(s, apptest.IDNumber(101)) {
		t.Error("the public notice shows an ID number")
	}
	b.shot("campaign-5-notice-phone")
	b.run("object", chromedp.SetValue(chromedp.CSS("#nomination_id"), strconv.FormatInt(nominationOf(t, app, id, nominees[1].ID), 10)),
		chromedp.SendKeys(chromedp.CSS("#text"), "该同志所报竞赛获奖情况与实际不符，获奖证书为他人所得，请核实。"))
	submit("send the objection", `form[action^="/notice/`+cid+`/objections"]`)
	b.waitPage("receipt", "document.querySelector('.receipt-ref') !== null")
	b.shot("campaign-5-objection-receipt-phone")
	b.run("desktop again", desktop())

	// 6. The objection is upheld; the notice ends; the winners are named.
	b.login("admin")
	b.open("/campaigns/"+cid+"/objections", "form[action$='/decide']")
	b.run("decide", chromedp.SetValue(chromedp.CSS("form[action$='/decide'] select[name=status]"), campaign.ObjUpheld),
		chromedp.SendKeys(chromedp.CSS("form[action$='/decide'] textarea[name=reason]"), "经向竞赛组委会核实，获奖证书非本人所得，反映属实。"))
	submit("uphold", "form[action$='/decide']")
	b.waitPage("decided", "document.body.textContent.includes('反映属实')")
	b.shot("campaign-6-objection-upheld")
	// The notice period passes (the test cannot wait a week).
	past := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, -8)
	if _, err := app.DB.W().ExecContext(ctx, `UPDATE notices SET starts = $1, ends = $2 WHERE campaign_id = $3`,
		past.Format(time.DateOnly), past.AddDate(0, 0, 6).Format(time.DateOnly), id); err != nil {
		t.Fatal(err)
	}
	b.open("/campaigns/"+cid+"/winners/new", "#candidates")
	if s := b.text("#candidates"); !strings.Contains(s, "异议属实") {
		t.Errorf("the upheld nominee is not marked: %q", s)
	}
	b.shot("campaign-6-winners")
	submit("name", `form[action="/campaigns/`+cid+`/winners"]`)
	b.waitPage("certificates", "p === '/campaigns/"+cid+"/certificates'")
	b.shot("campaign-6-certificates")
	certs, err := app.Campaigns.Certificates(ctx, boot, id)
	if err != nil || len(certs) != 2 {
		t.Fatalf("certificates: %d %v", len(certs), err)
	}
	b.open("/certificates/"+strconv.FormatInt(certs[0].ID, 10), "img")
	b.shot("campaign-6-certificate")
	b.open("/campaigns", "main h1") // the printable certificate has no menu
	b.logout()

	// 7. Anyone verifies the certificate on a phone.
	b.run("phone viewport", phone())
	var code string
	if err := app.DB.R().QueryRowContext(ctx, `SELECT code FROM certificates WHERE id = $1`, certs[0].ID).Scan(&code); err != nil {
		t.Fatal(err)
	}
	b.open("/verify/"+code, "main")
	if s := b.text("main"); !strings.Contains(s, "有效") || !strings.Contains(s, "第二届上海十大杰出青年技师") {
		t.Errorf("verification page: %q", s)
	}
	b.noHorizontalOverflow("phone verification")
	b.shot("campaign-7-verify-phone")
	if d := dialogs(); len(d) < 4 {
		t.Errorf("confirmations asked: %q", d)
	}
	var honours int
	if err := app.DB.R().QueryRowContext(ctx, `SELECT count(*) FROM activity WHERE kind = 'honour' AND person_id = $1`, nominees[0].ID).Scan(&honours); err != nil || honours != 1 {
		t.Errorf("the winner's growth record has %d honours (%v)", honours, err)
	}
}

// nominationOf finds the nomination of a person in a campaign.
func nominationOf(t *testing.T, a *app.App, campaignID, personID int64) int64 {
	t.Helper()
	var id int64
	if err := a.DB.R().QueryRowContext(context.Background(), `SELECT id FROM nominations WHERE campaign_id = $1 AND nominee_id = $2`,
		campaignID, personID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
