package e2e

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"qinggong/internal/app/apptest"
	"qinggong/internal/auth"
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
		BenefitYuan: 120000, EnergyKWh: 8000, Tags: []string{"energy", "green"}, Submitters: []int64{mentor.ID, ap.ID}})
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
}
