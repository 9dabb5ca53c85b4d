package skills_test

import (
	"fmt"
	"testing"
	"time"

	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/person"
	"qinggong/internal/pii"
	"qinggong/internal/skills"
	"qinggong/internal/svctest"
)

// worker registers someone of a trade at a skill level (certified today).
func (f *fixture) worker(t *testing.T, name, trade string, level int, o *org.Org, n int) *person.Person {
	t.Helper()
	first17 := fmt.Sprintf("31011519970101%03d", n)
	p, err := f.People.Create(f.Ctx, f.City, person.Input{Name: name, OrgID: o.ID, Trade: trade, SkillLevel: level,
		IDNumber: first17 + string(pii.CheckChar(first17))})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAppraisal(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.worker(t, "陈达", "数控车工", 5, f.B1, 1)
		q := f.worker(t, "林新", "数控车工", 5, f.B1, 2)
		other := f.worker(t, "周电", "电工", 5, f.B1, 3)
		f.Clock.Advance(400 * 24 * time.Hour) // a year and more at level 5
		c := f.course(t, f.U1Org, 4)
		f.enrol(t, c, []*person.Person{p, other}, 2)
		if _, err := f.skills.PostResults(f.Ctx, f.U1, c.ID, []skills.Result{{PersonID: p.ID, Score: 90, Passed: true},
			{PersonID: other.ID, Score: 90, Passed: true}}); err != nil {
			t.Fatal(err)
		}
		el, err := f.skills.EligibilityOf(f.Ctx, f.DB.R(), p)
		if err != nil || !el.Eligible || el.Target != 4 || el.Credits != 4 || el.YearsAtLevel != 1 {
			t.Fatalf("eligibility = %+v, %v", el, err)
		}
		if el, _ := f.skills.EligibilityOf(f.Ctx, f.DB.R(), q); el.Eligible || len(el.Missing) != 1 || el.Missing[0] != "skills.missing.credits" {
			t.Fatalf("q's eligibility = %+v", el)
		}
		session := func(level, capacity int, trade string) *skills.AppraisalSession {
			t.Helper()
			a, err := f.skills.CreateAppraisal(f.Ctx, f.City, skills.AppraisalInput{OrgID: f.Root.ID, Trade: trade, Level: level,
				Starts: f.Clock.Now().Add(7 * 24 * time.Hour), Place: "市职业技能鉴定中心", Capacity: capacity, Body: "上海市职业技能鉴定中心"})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		a := session(4, 1, "数控车工")
		// Refused with the reason, nothing written: below the threshold, the
		// wrong level, the wrong trade; then the last seat goes once.
		_, err = f.skills.Apply(f.Ctx, f.City, a.ID, q.ID)
		svctest.WantMsg(t, err, errs.Conflict, "err.appraisal_below")
		_, err = f.skills.Apply(f.Ctx, f.City, session(3, 5, "数控车工").ID, p.ID)
		svctest.WantMsg(t, err, errs.Conflict, "err.appraisal_level")
		_, err = f.skills.Apply(f.Ctx, f.City, a.ID, other.ID)
		svctest.WantMsg(t, err, errs.Conflict, "err.appraisal_trade")
		_, err = f.skills.Apply(f.Ctx, f.B2, a.ID, p.ID)
		svctest.WantKind(t, err, errs.NotFound)
		x, err := f.skills.Apply(f.Ctx, f.U1, a.ID, p.ID)
		if err != nil || x.Status != skills.Applied || x.Credits != 4 {
			t.Fatalf("apply = %+v, %v", x, err)
		}
		_, err = f.skills.Apply(f.Ctx, f.U1, a.ID, p.ID)
		svctest.WantMsg(t, err, errs.Conflict, "err.appraisal_full")
		wide := session(4, 5, "数控车工")
		if _, err := f.skills.Apply(f.Ctx, f.U1, wide.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.skills.Apply(f.Ctx, f.U1, wide.ID, p.ID)
		svctest.WantMsg(t, err, errs.Conflict, "err.appraisal_twice")
		// The result: a pass raises the level with its history and credits.
		_, err = f.skills.RecordResult(f.Ctx, f.U1, x.ID, 80, 70)
		svctest.WantKind(t, err, errs.NotFound) // U1 does not organize the city's session
		_, err = f.skills.RecordResult(f.Ctx, f.City, x.ID, 101, 70)
		svctest.WantField(t, err, "theory", "err.course_score")
		got, err := f.skills.RecordResult(f.Ctx, f.City, x.ID, 80, 70)
		if err != nil || got.Status != skills.Passed {
			t.Fatalf("result = %+v, %v", got, err)
		}
		_, err = f.skills.RecordResult(f.Ctx, f.City, x.ID, 90, 90)
		svctest.WantMsg(t, err, errs.Conflict, "err.appraisal_decided")
		now, err := f.People.Get(f.Ctx, f.City, p.ID)
		if err != nil || now.SkillLevel != 4 {
			t.Fatalf("after passing: level %d, %v", now.SkillLevel, err)
		}
		if n := f.Count(t, `SELECT count(*) FROM skill_changes WHERE person_id = $1 AND level = 4`, p.ID); n != 1 {
			t.Fatalf("%d history rows at level 4", n)
		}
		if tr, _ := f.skills.Transcript(f.Ctx, f.City, p.ID, 0); tr.Total != 14 {
			t.Fatalf("credits after passing = %d, want 4 + 10", tr.Total)
		}
		f.check(t)
		// A fail leaves the level alone.
		y, err := f.skills.Apply(f.Ctx, f.City, session(5, 5, "数控车工").ID, f.worker(t, "新人", "数控车工", 0, f.B1, 4).ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := f.skills.RecordResult(f.Ctx, f.City, y.ID, 50, 90); err != nil || got.Status != skills.Failed {
			t.Fatalf("fail = %+v, %v", got, err)
		}
	})
}
