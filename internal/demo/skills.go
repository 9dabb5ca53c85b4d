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

func loadSkills(ctx context.Context, s Services, root *org.Org, seed int64, today time.Time) (courses, credited int, err error) {
	clock := &demoClock{}
	events := event.New(s.DB, s.Audit, s.Orgs, s.People, clock.now)
	svc := skills.New(s.DB, s.Audit, s.Orgs, s.People, events, clock.now)
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
	return courses, credited, nil
}
