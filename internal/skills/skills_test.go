package skills_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"qinggong/internal/campaign"
	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/errs"
	"qinggong/internal/event"
	"qinggong/internal/org"
	"qinggong/internal/person"
	"qinggong/internal/skills"
	"qinggong/internal/svctest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

type fixture struct {
	*svctest.Fixture
	events    *event.Service
	campaigns *campaign.Service
	skills    *skills.Service
}

func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		sf := svctest.New(t, d)
		ev := event.New(d, sf.Audit, sf.Orgs, sf.People, sf.Clock.Now)
		c := campaign.New(d, sf.Audit, sf.Orgs, sf.Clock.Now)
		c.Register(campaign.PersonKind{People: sf.People})
		sk := skills.New(d, sf.Audit, sf.Orgs, sf.People, ev, c, sf.Clock.Now)
		sf.Orgs.OnMove(ev.OrgMoved)
		sf.Orgs.OnMove(sk.OrgMoved)
		fn(t, &fixture{Fixture: sf, events: ev, campaigns: c, skills: sk})
	})
}

// course publishes a course of o's with two sessions two days on,
// attending one of them enough to sit the assessment.
func (f *fixture) course(t testing.TB, o *org.Org, credits int) *skills.Course {
	t.Helper()
	at := func(d time.Duration) time.Time { return f.Clock.Now().Add(d) }
	c, err := f.skills.CreateCourse(f.Ctx, f.City, skills.CourseInput{OrgID: o.ID, Title: "数控新工艺培训班", Trade: "数控车工",
		Category: "new_process", Credits: credits, Hours: 16, Assessment: "实操考核", MinSessions: 1, Place: "实训中心", Capacity: 100,
		RegOpens: at(-time.Hour), RegCloses: at(24 * time.Hour),
		Sessions: []event.SessionInput{{Starts: at(48 * time.Hour), Ends: at(50 * time.Hour)}, {Starts: at(72 * time.Hour), Ends: at(74 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.events.Publish(f.Ctx, f.City, c.EventID); err != nil {
		t.Fatal(err)
	}
	return c
}

// enrol registers people for the course and checks in the first n of them
// at its first session (the clock moves to it and back).
func (f *fixture) enrol(t testing.TB, c *skills.Course, people []*person.Person, n int) {
	t.Helper()
	for _, p := range people {
		if _, err := f.events.Register(f.Ctx, f.City, c.EventID, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	e, err := f.events.Get(f.Ctx, f.City, c.EventID)
	if err != nil {
		t.Fatal(err)
	}
	back := f.Clock.Now()
	f.Clock.Advance(e.Sessions[0].Starts.Sub(back))
	for _, p := range people[:n] {
		if _, err := f.events.Mark(f.Ctx, f.City, e.Sessions[0].ID, p.ID, false); err != nil {
			t.Fatal(err)
		}
	}
	f.Clock.Advance(back.Sub(f.Clock.Now()))
}

func (f *fixture) check(t testing.TB) {
	t.Helper()
	bad, err := f.skills.Check(f.Ctx)
	if err != nil || len(bad) > 0 {
		t.Fatalf("kept sums differ from the ledger: %+v %v", bad, err)
	}
}

func TestCourseResultsPostCredits(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.course(t, f.U1Org, 4)
		a, b, x := f.Person(t, "甲", f.B1), f.Person(t, "乙", f.U1Org), f.Person(t, "丙", f.B1)
		stranger := f.Person(t, "丁", f.U2)
		f.enrol(t, c, []*person.Person{a, b, x}, 2)
		audits := f.Count(t, `SELECT count(*) FROM audit`)
		// Refused lines refuse the posting: passing without attending, a
		// person not enrolled, a score out of range, the same person twice.
		for _, bad := range []struct {
			rs         []skills.Result
			field, key string
		}{
			{[]skills.Result{{PersonID: a.ID, Score: 90, Passed: true}, {PersonID: x.ID, Score: 80, Passed: true}}, "results.1.passed", "err.course_attendance"},
			{[]skills.Result{{PersonID: stranger.ID, Score: 90, Passed: true}}, "results.0.person_id", "err.course_not_enrolled"},
			{[]skills.Result{{PersonID: a.ID, Score: 101, Passed: true}}, "results.0.score", "err.course_score"},
			{[]skills.Result{{PersonID: a.ID, Score: 90, Passed: true}, {PersonID: a.ID, Score: 90, Passed: true}}, "results.1.person_id", "err.course_result_twice"},
		} {
			_, err := f.skills.PostResults(f.Ctx, f.City, c.ID, bad.rs)
			svctest.WantField(t, err, bad.field, bad.key)
		}
		if n := f.Count(t, `SELECT count(*) FROM credit_entries`) + f.Count(t, `SELECT count(*) FROM course_results`); n != 0 {
			t.Fatalf("refused postings wrote %d rows", n)
		}
		if n := f.Count(t, `SELECT count(*) FROM audit`); n != audits {
			t.Fatal("refused postings were audited")
		}
		// A cadre of another district does not see the course; U1's viewer
		// sees it but may not post.
		_, err := f.skills.PostResults(f.Ctx, f.B2, c.ID, []skills.Result{{PersonID: a.ID, Passed: true}})
		svctest.WantKind(t, err, errs.NotFound)
		_, err = f.skills.PostResults(f.Ctx, f.V1, c.ID, []skills.Result{{PersonID: a.ID, Passed: true}})
		svctest.WantKind(t, err, errs.Forbidden)
		n, err := f.skills.PostResults(f.Ctx, f.U1, c.ID, []skills.Result{{PersonID: a.ID, Score: 92, Passed: true},
			{PersonID: b.ID, Score: 85, Passed: true}, {PersonID: x.ID, Score: 40, Passed: false}})
		if err != nil || n != 2 {
			t.Fatalf("posted %d, %v", n, err)
		}
		tr, err := f.skills.Transcript(f.Ctx, f.U1, a.ID, 0)
		if err != nil || tr.Total != 4 || len(tr.Entries) != 1 || tr.Entries[0].Title != "数控新工艺培训班" || tr.Entries[0].Expires == "" ||
			len(tr.Years) != 1 || tr.Years[0].Category != "new_process" {
			t.Fatalf("transcript = %+v, %v", tr, err)
		}
		if tx, _ := f.skills.Transcript(f.Ctx, f.U1, x.ID, 0); tx.Total != 0 || len(tx.Entries) != 0 {
			t.Fatalf("a failed learner got credits: %+v", tx)
		}
		// Posted once: a second posting for the same people is refused.
		_, err = f.skills.PostResults(f.Ctx, f.U1, c.ID, []skills.Result{{PersonID: a.ID, Score: 92, Passed: true}})
		svctest.WantField(t, err, "results.0.person_id", "err.course_result_twice")
		f.check(t)
		if n := f.Count(t, `SELECT count(*) FROM activity WHERE kind = $1`, skills.KindCredit); n != 2 {
			t.Fatalf("%d growth-record entries, want 2", n)
		}
		var d1 int
		if err := f.DB.R().QueryRowContext(f.Ctx, `SELECT COALESCE(SUM(credits), 0) FROM credit_rollup WHERE org_id = $1`, f.D1.ID).Scan(&d1); err != nil || d1 != 8 {
			t.Fatalf("D1's rollup = %d, %v; want 8", d1, err)
		}
	})
}

func TestReversal(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.course(t, f.U1Org, 5)
		a := f.Person(t, "甲", f.B1)
		f.enrol(t, c, []*person.Person{a}, 1)
		if _, err := f.skills.PostResults(f.Ctx, f.U1, c.ID, []skills.Result{{PersonID: a.ID, Score: 90, Passed: true}}); err != nil {
			t.Fatal(err)
		}
		tr, _ := f.skills.Transcript(f.Ctx, f.U1, a.ID, 0)
		id := tr.Entries[0].ID
		_, err := f.skills.Reverse(f.Ctx, f.U1, id, " ")
		svctest.WantField(t, err, "reason", "err.credit_reason")
		_, err = f.skills.Reverse(f.Ctx, f.V1, id, "误录")
		svctest.WantKind(t, err, errs.Forbidden)
		_, err = f.skills.Reverse(f.Ctx, f.B2, id, "误录")
		svctest.WantKind(t, err, errs.NotFound)
		// A balance that would go negative (here made so by hand) is refused.
		if _, err := f.DB.W().ExecContext(f.Ctx, `UPDATE credit_balances SET total = 2 WHERE person_id = $1`, a.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.skills.Reverse(f.Ctx, f.U1, id, "误录")
		svctest.WantMsg(t, err, errs.Conflict, "err.credit_negative")
		if _, err := f.DB.W().ExecContext(f.Ctx, `UPDATE credit_balances SET total = 5 WHERE person_id = $1`, a.ID); err != nil {
			t.Fatal(err)
		}
		rev, err := f.skills.Reverse(f.Ctx, f.U1, id, "成绩录入错误，更正")
		if err != nil || rev.Credits != -5 || rev.Reverses != id {
			t.Fatalf("reversal = %+v, %v", rev, err)
		}
		_, err = f.skills.Reverse(f.Ctx, f.U1, id, "再次更正")
		svctest.WantMsg(t, err, errs.Conflict, "err.credit_reversed")
		_, err = f.skills.Reverse(f.Ctx, f.U1, rev.ID, "撤销更正")
		svctest.WantMsg(t, err, errs.Conflict, "err.credit_reverse_reversal")
		tr, _ = f.skills.Transcript(f.Ctx, f.U1, a.ID, 0)
		if tr.Total != 0 || len(tr.Entries) != 2 || !tr.Entries[1].Reversed {
			t.Fatalf("after reversal: %+v", tr)
		}
		f.check(t)
	})
}

// TestLedgerProperty: random classes, results and corrections never leave
// a kept sum apart from the ledger, and every balance is the sum of its
// entries and never negative.
func TestLedgerProperty(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		rng := rand.New(rand.NewPCG(7, 13))
		orgs := []*org.Org{f.B1, f.U1Org, f.U2, f.B2Org}
		var people []*person.Person
		for i := range 24 {
			people = append(people, f.Person(t, fmt.Sprintf("青工%02d", i), orgs[i%len(orgs)]))
		}
		var entries []int64
		for round := range 6 {
			c := f.course(t, f.Root, 1+rng.IntN(8))
			picked := []*person.Person{}
			for _, p := range people {
				if rng.IntN(2) == 0 {
					picked = append(picked, p)
				}
			}
			if len(picked) == 0 {
				continue
			}
			f.enrol(t, c, picked, len(picked))
			var rs []skills.Result
			for _, p := range picked {
				rs = append(rs, skills.Result{PersonID: p.ID, Score: rng.IntN(101), Passed: rng.IntN(4) > 0})
			}
			if _, err := f.skills.PostResults(f.Ctx, f.City, c.ID, rs); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			rows, _ := f.DB.R().QueryContext(f.Ctx, `SELECT id FROM credit_entries WHERE source = 'course' AND source_id = $1`, c.ID)
			for rows.Next() {
				var id int64
				rows.Scan(&id)
				entries = append(entries, id)
			}
			rows.Close()
			for range rng.IntN(3) {
				if len(entries) == 0 {
					break
				}
				id := entries[rng.IntN(len(entries))]
				_, err := f.skills.Reverse(f.Ctx, f.City, id, "随机更正")
				if err != nil && errs.KindOf(err) != errs.Conflict {
					t.Fatal(err)
				}
			}
			f.Clock.Advance(20 * 24 * time.Hour) // into other months
			f.check(t)
		}
		for _, p := range people {
			tr, err := f.skills.Transcript(f.Ctx, f.City, p.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			sum := 0
			for _, e := range tr.Entries {
				sum += e.Credits
			}
			if tr.Total != sum || tr.Total < 0 {
				t.Fatalf("%s: balance %d, entries sum to %d", p.Name, tr.Total, sum)
			}
		}
	})
}

func TestRulesAndVerification(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		_, err := f.skills.SetRule(f.Ctx, f.D1Admin, "appraisal_pass", 12, 4)
		svctest.WantMsg(t, err, errs.Forbidden, "err.credit_rules_city")
		_, err = f.skills.SetRule(f.Ctx, f.City, "appraisal_pass", -1, 4)
		svctest.WantField(t, err, "credits", "err.credit_rule_credits")
		r, err := f.skills.SetRule(f.Ctx, f.City, "course", 3, 2)
		if err != nil || r.Credits != 3 || r.ValidYears != 2 {
			t.Fatalf("rule = %+v, %v", r, err)
		}
		// The course rule now gives 3 credits whatever the course says.
		c := f.course(t, f.U1Org, 8)
		p := f.Person(t, "张青松", f.B1)
		me := f.Self(t, p)
		f.enrol(t, c, []*person.Person{p}, 1)
		if _, err := f.skills.PostResults(f.Ctx, f.U1, c.ID, []skills.Result{{PersonID: p.ID, Score: -1, Passed: true}}); err != nil {
			t.Fatal(err)
		}
		iss, err := f.skills.IssueTranscript(f.Ctx, me, 0)
		if err != nil || iss.Total != 3 || iss.Name != "张*松" {
			t.Fatalf("issued = %+v, %v", iss, err)
		}
		got, err := f.skills.Verify(f.Ctx, iss.Code)
		if err != nil || got.Total != 3 || got.Now != 3 || got.Entries != 1 {
			t.Fatalf("verify = %+v, %v", got, err)
		}
		_, err = f.skills.Verify(f.Ctx, "nosuchcode")
		svctest.WantKind(t, err, errs.NotFound)
		// The rollups follow a move of the unit.
		if _, err := f.Orgs.Move(f.Ctx, f.City, f.U1Org.ID, f.D2.ID); err != nil {
			t.Fatal(err)
		}
		var d1, d2 int
		f.DB.R().QueryRowContext(f.Ctx, `SELECT COALESCE(SUM(credits), 0) FROM credit_rollup WHERE org_id = $1`, f.D1.ID).Scan(&d1)
		f.DB.R().QueryRowContext(f.Ctx, `SELECT COALESCE(SUM(credits), 0) FROM credit_rollup WHERE org_id = $1`, f.D2.ID).Scan(&d2)
		if d1 != 0 || d2 != 3 {
			t.Fatalf("after the move D1 %d, D2 %d", d1, d2)
		}
		f.check(t)
	})
}

// TestCheckFindsMismatches: each kept sum made wrong by hand is reported,
// a missing balance row included.
func TestCheckFindsMismatches(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		a, b := f.worker(t, "核对甲", "钳工", 4, f.B1, 91), f.worker(t, "核对乙", "钳工", 4, f.B1, 92)
		x, err := f.skills.FileInnovation(f.Ctx, f.U1, skills.InnovationInput{OrgID: f.U1Org.ID, Kind: "suggestion", Title: "核对",
			Description: "核对用。", Submitters: []int64{a.ID, b.ID}})
		if err == nil {
			_, err = f.skills.Evaluate(f.Ctx, f.D1Admin, x.ID, "unit", false, "")
		}
		if err != nil {
			t.Fatal(err)
		}
		f.check(t)
		for _, q := range []string{
			`UPDATE credit_balances SET total = total + 1 WHERE person_id = ` + fmt.Sprint(a.ID),
			`DELETE FROM credit_balances WHERE person_id = ` + fmt.Sprint(b.ID),
			`UPDATE credit_person_years SET credits = credits + 1 WHERE person_id = ` + fmt.Sprint(a.ID),
			`UPDATE credit_rollup SET credits = credits + 1 WHERE org_id = ` + fmt.Sprint(f.Root.ID),
		} {
			if _, err := f.DB.W().ExecContext(f.Ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		bad, err := f.skills.Check(f.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, m := range bad {
			kinds[m.What]++
		}
		if kinds["balance"] != 2 || kinds["year"] != 1 || kinds["rollup"] != 1 {
			t.Fatalf("mismatches %+v", bad)
		}
	})
}
