package e2e

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"qinggong/internal/app/apptest"
	"qinggong/internal/attach"
	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/person"
	"qinggong/internal/skills"
)

// TestSkillsPages: the mentorship and competition pages on a phone, with
// long names and an entry list, as an organizer sees them.
func TestSkillsPages(t *testing.T) {
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
	mk := func(name string, n, level int) *person.Person {
		p, err := app.People.Create(ctx, boot, person.Input{Name: name, IDNumber: apptest.IDNumber(n), OrgID: e.Orgs["U1"].ID, Trade: "数控车工", SkillLevel: level})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	mentor := mk("欧阳建国", 801, 2)
	ap := mk("司马青云", 802, 5)
	m, err := app.Skills.CreateMentorship(ctx, boot, skills.MentorshipInput{MentorID: mentor.ID, ApprenticeID: ap.ID, Trade: "数控车工",
		Goals:  "一年内独立完成多轴联动数控加工复杂零件，掌握宏程序编制，参加区级技能竞赛并取得名次，带动班组同事共同提高。",
		Starts: time.Now().AddDate(0, -2, 0).Format("2006-01-02"), Ends: time.Now().AddDate(1, 0, 0).Format("2006-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	c, err := app.Skills.CreateCompetition(ctx, boot, skills.CompetitionInput{OrgID: root.ID, Title: "上海市青年职工数控车工技能大赛暨十大杰出青年技师选拔赛",
		Trade: "数控车工", Level: "city", HeldOn: time.Now().Format("2006-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"欧阳建国", "司马青云", "诸葛明亮"} {
		p := mentor
		switch i {
		case 1:
			p = ap
		case 2:
			p = mk(name, 803, 4)
		}
		if _, err := app.Skills.Enter(ctx, boot, c.ID, "", []int64{p.ID}); err != nil {
			t.Fatal(err)
		}
	}

	inn, err := app.Skills.FileInnovation(ctx, boot, skills.InnovationInput{OrgID: e.Orgs["U1"].ID, Kind: "improvement",
		Title: "数控车床冷却液循环利用与过滤系统改造", Description: "改造冷却液回收管路并增加二级过滤，延长冷却液使用周期，年节约冷却液 30 吨。",
		BenefitYuan: 120000, EnergyKWh: 8000, Tags: []string{"energy", "green"}, Submitters: []int64{mentor.ID, ap.ID},
		Files: []*attach.File{{Name: "冷却液循环系统改造图纸（第三版，含二级过滤器安装示意）.png", Data: append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 3000)...)}}})
	if err != nil {
		t.Fatal(err)
	}
	// A second innovation, evaluated, for the double-climb list.
	inn2, err := app.Skills.FileInnovation(ctx, boot, skills.InnovationInput{OrgID: e.Orgs["U1"].ID, Kind: "invention",
		Title: "快速换型夹具", Description: "换型时间由 40 分钟缩短到 8 分钟。", Submitters: []int64{mentor.ID}})
	if err == nil {
		_, err = app.Skills.Evaluate(ctx, boot, inn2.ID, "city", true, "全市推广")
	}
	if err != nil {
		t.Fatal(err)
	}
	// This year's skills month holds today: the competition above and a
	// second one, closed, whose first three may go forward to a selection.
	today := time.Now()
	year := today.Year()
	if _, err := app.Skills.SaveMonth(ctx, boot, skills.MonthInput{Year: year, Title: fmt.Sprintf("%d 上海青工技能月", year),
		StartsOn: time.Date(year, today.Month(), 1, 0, 0, 0, 0, time.Local).Format("2006-01-02"),
		EndsOn:   time.Date(year, today.Month()+1, 0, 0, 0, 0, 0, time.Local).Format("2006-01-02"),
		Summary:  "以“技能成才、技能报国”为主题，举办各工种青工技能竞赛、专场职业技能鉴定和新技术新工艺培训。"}); err != nil {
		t.Fatal(err)
	}
	closed, err := app.Skills.CreateCompetition(ctx, boot, skills.CompetitionInput{OrgID: root.ID, Title: "上海市青年职工电工技能大赛",
		Trade: "电工", Level: "city", HeldOn: today.Format("2006-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	judge := &auth.Actor{UserID: e.Users["admin"], Login: "admin"}
	if err := app.Skills.AddJudge(ctx, boot, closed.ID, judge.UserID); err != nil {
		t.Fatal(err)
	}
	for i, p := range []*person.Person{mentor, ap, mk("东方晓", 804, 4), mk("慕容雪", 805, 4)} {
		en, err := app.Skills.Enter(ctx, boot, closed.ID, "", []int64{p.ID})
		if err == nil {
			err = app.Skills.Score(ctx, judge, en.ID, 95-5*i)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := app.Skills.CloseCompetition(ctx, boot, closed.ID); err != nil {
		t.Fatal(err)
	}
	sel, err := app.Campaigns.Create(ctx, boot, campaign.Input{Title: "第二届上海十大杰出青年技师", OrgID: root.ID, NomineeKind: campaign.NomineePerson, Winners: 10})
	if err == nil {
		_, err = app.Campaigns.Advance(ctx, boot, sel.ID, campaign.StageNominating)
	}
	if err != nil {
		t.Fatal(err)
	}

	b := startBrowser(t, e.Server.URL)
	b.run("phone viewport", phone())
	b.login("admin")
	b.open("/mentorships/"+strconv.FormatInt(m.ID, 10), "main h1")
	if s := b.text("main"); !strings.Contains(s, "欧阳建国") || !strings.Contains(s, "还没有月记") {
		t.Errorf("mentorship page: %q", s)
	}
	b.noHorizontalOverflow("mentorship")
	b.shot("skills-pages-1-mentorship")
	b.open("/competitions/"+strconv.FormatInt(c.ID, 10), "main h1")
	if s := b.text("main"); !strings.Contains(s, "诸葛明亮") || !strings.Contains(s, "市级") {
		t.Errorf("competition page: %q", s)
	}
	b.noHorizontalOverflow("competition")
	b.shot("skills-pages-2-competition")
	b.open("/competitions", "main h1")
	b.noHorizontalOverflow("competitions")
	b.shot("skills-pages-3-competitions")
	b.open("/innovations/"+strconv.FormatInt(inn.ID, 10), "main h1")
	if s := b.text("main"); !strings.Contains(s, "欧阳建国、司马青云") || !strings.Contains(s, "节能降耗") {
		t.Errorf("innovation page: %q", s)
	}
	b.noHorizontalOverflow("innovation")
	b.shot("skills-pages-4-innovation")
	b.open("/innovations?tag=energy", "main h1")
	b.noHorizontalOverflow("innovations")
	b.shot("skills-pages-5-innovations")
	b.open("/competitions/"+strconv.FormatInt(closed.ID, 10), "main h1")
	if s := b.text("main"); !strings.Contains(s, "推荐参评") || !strings.Contains(s, "第二届上海十大杰出青年技师") {
		t.Errorf("closed competition page: %q", s)
	}
	b.noHorizontalOverflow("closed competition")
	b.shot("skills-pages-6-put-forward")
	b.open("/skills/double-climb", "main h1")
	if s := b.text("main"); !strings.Contains(s, "欧阳建国") {
		t.Errorf("double climb: %q", s)
	}
	b.noHorizontalOverflow("double climb")
	b.shot("skills-pages-7-double-climb")
	b.open("/skills", "main h1")
	if s := b.text("main"); !strings.Contains(s, "各工种学分") || !strings.Contains(s, "电工") {
		t.Errorf("overview: %q", s)
	}
	b.noHorizontalOverflow("overview")
	b.shot("skills-pages-8-overview")
	b.open("/skills-months", "main h1")
	b.noHorizontalOverflow("skills months")
	b.shot("skills-pages-9-months")
	// A correction: from the person's credits to its own page, with a reason.
	dialogs := b.acceptDialogs()
	b.open("/people/"+strconv.FormatInt(mentor.ID, 10)+"/credits", "main h1")
	b.noHorizontalOverflow("credits")
	b.shot("skills-pages-9a-credits")
	b.run("correct", chromedp.Click(chromedp.CSS(`a.reverse`)))
	b.waitPage("correction page", "p.endsWith('/reverse')")
	b.run("without a reason", chromedp.Click(chromedp.CSS(`form[action$="/reverse"] button[type=submit]`)))
	b.waitPage("refused", "document.querySelector('.flash.error') !== null")
	if s := b.text("main"); !strings.Contains(s, "原因") {
		t.Errorf("correction without a reason: %q", s)
	}
	b.run("reason", chromedp.SetValue(chromedp.CSS("#reason"), "名次录入有误，经复核更正"))
	b.shot("skills-pages-9b-correct")
	b.run("submit", chromedp.Click(chromedp.CSS(`form[action$="/reverse"] button[type=submit]`)))
	b.waitPage("back to the credits", "p.endsWith('/credits')")
	if s := b.text("main"); !strings.Contains(s, "名次录入有误") || len(dialogs()) < 2 {
		t.Errorf("after the correction (%d dialogs): %q", len(dialogs()), s)
	}
	// The month's page is public: the programme and the live board.
	b.logout()
	b.open("/skills-month/"+strconv.Itoa(year), "main h1")
	if s := b.text("main"); !strings.Contains(s, "实时看板") || !strings.Contains(s, "上海市青年职工电工技能大赛") {
		t.Errorf("skills month page: %q", s)
	}
	b.noHorizontalOverflow("skills month")
	b.shot("skills-pages-10-month")
}
