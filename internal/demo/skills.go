package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/event"
	"qinggong/internal/org"
	"qinggong/internal/skills"
)

// The demo's credit system: a year of courses in four districts — one a
// month in turn, of every category — each with some thirty learners who
// checked in, most of them passing, so transcripts, the overview's months
// and the units' totals hold a year of credits. Everything goes through
// the event engine and the credit system on the demo's clock.

// demoCourses are course titles with their trade and category.
var demoCourses = []struct{ title, trade, category string }{
	{"数控加工新工艺培训班", "数控车工", "new_process"},
	{"电工安全操作规程培训", "电工", "safety"},
	{"焊接新技术实训", "焊工", "new_technology"},
	{"节能降耗技术专题培训", "维修电工", "energy_saving"},
	{"绿色制造与清洁生产", "化工总控工", "green_manufacturing"},
	{"钳工基础理论", "钳工", "theory"},
}

// demoInnovations are titles, one per innovation kind.
var demoInnovations = []string{"降低数控车床刀具损耗 QC 小组成果", "快速定位夹具", "工件自动计数装置", "冷却液循环利用改造", "工具柜分区设计", "交接班记录电子化建议"}

func loadSkills(ctx context.Context, s Services, root *org.Org, seed int64, today time.Time) (courses, credited int, err error) {
	clock := &demoClock{}
	events := event.New(s.DB, s.Audit, s.Orgs, s.People, clock.now)
	svc := skills.New(s.DB, s.Audit, s.Orgs, s.People, events, nil, clock.now)
	by := &auth.Actor{UserID: 0, Login: "demo", Name: "团市委青工部", OrgID: root.ID,
		Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5C11))
	districts, err := districtsOf(ctx, s, by, root, 4)
	if err != nil {
		return 0, 0, err
	}
	t := today.In(shanghai)
	for m := 11; m >= 1; m-- {
		d := districts[m%len(districts)]
		k := demoCourses[m%len(demoCourses)]
		day := time.Date(t.Year(), t.Month()-time.Month(m), 10, 9, 0, 0, 0, shanghai)
		clock.t = day.AddDate(0, 0, -14)
		c, err := svc.CreateCourse(ctx, by, skills.CourseInput{OrgID: d.ID, Title: d.ShortName + k.title, Trade: k.trade, Category: k.category,
			Credits: 2 + m%4, Hours: 8 + 4*(m%3), Assessment: "理论考试与实操考核", MinSessions: 1, Place: d.Name + "职工技能实训基地",
			Capacity: 40, RegOpens: clock.t, RegCloses: day.Add(-time.Hour),
			Sessions: []event.SessionInput{{Starts: day, Ends: day.Add(4 * time.Hour)}}})
		if err == nil {
			_, err = events.Publish(ctx, by, c.EventID)
		}
		if err != nil {
			return courses, credited, fmt.Errorf("demo: course: %w", err)
		}
		courses++
		ids, err := peopleUnder(ctx, s, d.Path, 400)
		if err != nil {
			return courses, credited, err
		}
		e, err := events.Get(ctx, by, c.EventID)
		if err != nil {
			return courses, credited, err
		}
		var results []skills.Result
		for i := 0; i < len(ids) && len(results) < 30; i += 1 + rng.IntN(12) {
			clock.t = day.AddDate(0, 0, -10).Add(time.Duration(i) * time.Minute)
			if _, err := events.Register(ctx, by, c.EventID, ids[i]); err != nil {
				return courses, credited, fmt.Errorf("demo: enrol: %w", err)
			}
			if rng.IntN(10) == 0 {
				continue // enrolled, never came
			}
			clock.t = day.Add(time.Duration(rng.IntN(20)) * time.Minute)
			if _, err := events.Mark(ctx, by, e.Sessions[0].ID, ids[i], false); err != nil && !isConflict(err) {
				return courses, credited, fmt.Errorf("demo: attend: %w", err)
			}
			score := 55 + rng.IntN(45)
			results = append(results, skills.Result{PersonID: ids[i], Score: score, Passed: score >= 60})
		}
		if len(results) == 0 {
			continue // a district too small to hold a class (a demo of a few people)
		}
		clock.t = day.AddDate(0, 0, 3)
		n, err := svc.PostResults(ctx, by, c.ID, results)
		if err != nil {
			return courses, credited, fmt.Errorf("demo: results: %w", err)
		}
		credited += n
	}
	if err := loadSkillsMore(ctx, s, svc, by, districts, rng, today, clock); err != nil {
		return courses, credited, err
	}
	return courses, credited, nil
}

// loadSkillsMore adds, in the first district: a closed competition with
// placements and credits and an open one; mentorships between its
// technicians and newer workers, some completed; a city appraisal session
// to come. People are the district's own.
func loadSkillsMore(ctx context.Context, s Services, svc *skills.Service, by *auth.Actor, districts []*org.Org, rng *rand.Rand,
	today time.Time, clock *demoClock) error {
	d := districts[0]
	ids, err := peopleUnder(ctx, s, d.Path, 600)
	if err != nil || len(ids) < 200 {
		return err
	}
	t := today.In(shanghai)
	clock.t = t.AddDate(0, -3, 0)
	// The skills month holds the first competition (held two weeks on):
	// its entrants are credited for taking part when it closes.
	held := clock.t.AddDate(0, 0, 14)
	from := held.AddDate(0, 0, -10)
	if _, err := svc.SaveMonth(ctx, by, skills.MonthInput{Year: from.Year(), Title: fmt.Sprintf("%d 上海青工技能月", from.Year()),
		StartsOn: from.Format(time.DateOnly), EndsOn: from.AddDate(0, 1, -1).Format(time.DateOnly),
		Summary: "以“技能成才、技能报国”为主题，举办各工种青工技能竞赛、专场职业技能鉴定和新技术新工艺培训，竞赛优胜者可推荐参评“十大杰出青年技师”。"}); err != nil {
		return fmt.Errorf("demo: skills month: %w", err)
	}
	for k, title := range []string{d.ShortName + "青工数控车工技能比武", d.ShortName + "青工电工技能大赛"} {
		c, err := svc.CreateCompetition(ctx, by, skills.CompetitionInput{OrgID: d.ID, Title: title, Trade: []string{"数控车工", "电工"}[k],
			Level: "industry", HeldOn: clock.t.AddDate(0, 0, 14+60*k).Format(time.DateOnly)})
		if err != nil {
			return fmt.Errorf("demo: competition: %w", err)
		}
		var entries []int64
		for i := 0; i < 12; i++ {
			e, err := svc.Enter(ctx, by, c.ID, "", []int64{ids[300+k*20+i]})
			if err != nil {
				return fmt.Errorf("demo: competition entry: %w", err)
			}
			entries = append(entries, e.ID)
		}
		if k == 1 {
			continue // still open
		}
		judges, err := s.DB.R().QueryContext(ctx, `SELECT id FROM users WHERE login IN ('expert_1', 'expert_2', 'expert_3') ORDER BY id`)
		if err != nil {
			return err
		}
		var js []int64
		for judges.Next() {
			var id int64
			judges.Scan(&id)
			js = append(js, id)
		}
		judges.Close()
		for _, j := range js {
			if err := svc.AddJudge(ctx, by, c.ID, j); err != nil {
				return err
			}
		}
		// Two rounds: the preliminary of all twelve, the final of the best six.
		score := func(entries []int64) error {
			for _, j := range js {
				ja := &auth.Actor{UserID: j, Login: "judge"}
				for _, e := range entries {
					if err := svc.Score(ctx, ja, e, 60+rng.IntN(40)); err != nil {
						return fmt.Errorf("demo: score: %w", err)
					}
				}
			}
			return nil
		}
		if err := score(entries); err != nil {
			return err
		}
		if len(js) > 0 {
			if _, err := svc.AdvanceRound(ctx, by, c.ID, 6); err != nil {
				return fmt.Errorf("demo: advance: %w", err)
			}
			_, list, err := svc.Entries(ctx, by, c.ID)
			if err != nil {
				return err
			}
			var final []int64
			for _, e := range list {
				if e.Round == 2 {
					final = append(final, e.ID)
				}
			}
			if err := score(final); err != nil {
				return err
			}
		}
		clock.t = clock.t.AddDate(0, 0, 15)
		if _, err := svc.CloseCompetition(ctx, by, c.ID); err != nil {
			return fmt.Errorf("demo: close competition: %w", err)
		}
	}
	// Mentorships: the district's technicians (level 1–2) with newer workers.
	rows, err := s.DB.R().QueryContext(ctx, `SELECT id FROM people WHERE org_path >= $1 AND org_path < $2 AND skill_level BETWEEN 1 AND 2
		AND status = 'active' ORDER BY id LIMIT 8`, d.Path, d.Path[:len(d.Path)-1]+"0")
	if err != nil {
		return err
	}
	var mentors []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		mentors = append(mentors, id)
	}
	rows.Close()
	for i, m := range mentors {
		clock.t = t.AddDate(-1, i, 0)
		ms, err := svc.CreateMentorship(ctx, by, skills.MentorshipInput{MentorID: m, ApprenticeID: ids[400+i], Trade: "数控车工",
			Goals: "掌握岗位核心技能，一年内通过上一级职业技能鉴定。", Starts: clock.t.Format(time.DateOnly),
			Ends: clock.t.AddDate(1, 0, -1).Format(time.DateOnly)})
		if err != nil {
			return fmt.Errorf("demo: mentorship: %w", err)
		}
		if i%2 == 0 && clock.t.AddDate(1, 0, 0).Before(today) {
			clock.t = clock.t.AddDate(1, 0, 0)
			if _, err := svc.CompleteMentorship(ctx, by, ms.ID, "徒弟进步明显，已能独立承担岗位工作。", 4+i%2); err != nil {
				return fmt.Errorf("demo: complete mentorship: %w", err)
			}
		}
	}
	// Innovations of every kind, most evaluated.
	for i, k := range skills.InnovationKinds {
		clock.t = t.AddDate(0, -6+i, 0)
		x, err := svc.FileInnovation(ctx, by, skills.InnovationInput{OrgID: d.ID, Kind: k, Title: demoInnovations[i],
			Description: "针对生产中的实际问题提出改进方案，经试用效果明显，已在班组推广。", BenefitYuan: int64(20000 + 15000*i),
			EnergyKWh: int64(1000 * (i % 3)), Tags: [][]string{{"energy"}, nil, {"green"}, {"energy", "green"}, nil, nil}[i],
			Submitters: []int64{ids[450+2*i], ids[451+2*i]}})
		if err != nil {
			return fmt.Errorf("demo: innovation: %w", err)
		}
		if i < 4 {
			clock.t = clock.t.AddDate(0, 0, 20)
			if _, err := svc.Evaluate(ctx, by, x.ID, skills.EvaluationLevels[i%3], i%2 == 0, "经评审，成果具有推广价值。"); err != nil {
				return fmt.Errorf("demo: evaluate: %w", err)
			}
		}
	}
	clock.t = t
	if _, err := svc.CreateAppraisal(ctx, by, skills.AppraisalInput{OrgID: by.OrgID, Trade: "数控车工", Level: 4, Starts: t.AddDate(0, 0, 21),
		Place: "上海市职业技能鉴定中心", Capacity: 60, Body: "上海市职业技能鉴定中心"}); err != nil {
		return fmt.Errorf("demo: appraisal: %w", err)
	}
	return nil
}
