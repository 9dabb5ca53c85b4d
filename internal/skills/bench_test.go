package skills_test

import (
	"fmt"
	"testing"
	"time"

	"qinggong/internal/db/dbtest"
	"qinggong/internal/event"
	"qinggong/internal/person"
	"qinggong/internal/pii"
	"qinggong/internal/skills"
	"qinggong/internal/svctest"
)

// BenchmarkPostResults500: one class of 500 passing learners posted in one
// transaction (issue 13: under a second), on each database.
//
//	go test ./internal/skills/ -run '^$' -bench PostResults500 -benchtime 5x
func BenchmarkPostResults500(b *testing.B) {
	for _, name := range dbtest.Names() {
		b.Run(name, func(b *testing.B) {
			d := dbtest.Open(b, name)
			sf := svctest.New(b, d)
			ev := event.New(d, sf.Audit, sf.Orgs, sf.People, sf.Clock.Now)
			sk := skills.New(d, sf.Audit, sf.Orgs, sf.People, ev, nil, sf.Clock.Now)
			var people []*person.Person
			in := make([]person.Input, 500)
			for i := range in {
				first17 := fmt.Sprintf("3101151998%02d%02d%03d", 1+i/1000%12, 1+i/12000, i%1000)
				in[i] = person.Input{Name: fmt.Sprintf("学员%03d", i), OrgID: sf.B1.ID, IDNumber: first17 + string(pii.CheckChar(first17))}
			}
			if _, _, err := sf.People.Bulk(sf.Ctx, sf.City, in); err != nil {
				b.Fatal(err)
			}
			rows, err := d.R().QueryContext(sf.Ctx, `SELECT id FROM people ORDER BY id`)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
				var p person.Person
				rows.Scan(&p.ID)
				people = append(people, &p)
			}
			rows.Close()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				now := sf.Clock.Now()
				c, err := sk.CreateCourse(sf.Ctx, sf.City, skills.CourseInput{OrgID: sf.Root.ID, Title: "大班课程", Trade: "电工", Category: "theory",
					Credits: 2, Hours: 8, Assessment: "笔试", Place: "礼堂", Capacity: 1000, RegOpens: now.Add(-time.Hour), RegCloses: now.Add(time.Hour),
					Sessions: []event.SessionInput{{Starts: now.Add(2 * time.Hour), Ends: now.Add(3 * time.Hour)}}})
				if err == nil {
					_, err = ev.Publish(sf.Ctx, sf.City, c.EventID)
				}
				if err != nil {
					b.Fatal(err)
				}
				var rs []skills.Result
				for _, p := range people {
					if _, err := ev.Register(sf.Ctx, sf.City, c.EventID, p.ID); err != nil {
						b.Fatal(err)
					}
					rs = append(rs, skills.Result{PersonID: p.ID, Score: 80, Passed: true})
				}
				b.StartTimer()
				n, err := sk.PostResults(sf.Ctx, sf.City, c.ID, rs)
				if err != nil || n != len(people) {
					b.Fatalf("posted %d, %v", n, err)
				}
			}
			b.StopTimer()
			if bad, err := sk.Check(sf.Ctx); err != nil || len(bad) > 0 {
				b.Fatalf("sums: %v %v", bad, err)
			}
		})
	}
}
