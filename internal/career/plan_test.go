package career_test

import (
	"testing"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/career"
	"qinggong/internal/db"
	"qinggong/internal/db/dbtest"
	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/svctest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

type fixture struct {
	*svctest.Fixture
	career *career.Service
}

func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		sf := svctest.New(t, d)
		svc := career.New(d, sf.Audit, sf.Orgs, sf.People, sf.Clock.Now)
		sf.Orgs.OnMove(svc.OrgMoved)
		fn(t, &fixture{Fixture: sf, career: svc})
	})
}

// plan is a valid plan for 2025 with two milestones.
func plan(personID int64) career.Input {
	return career.Input{PersonID: personID, Position: "数控车工", SkillLevel: 4, TargetPosition: "班组长", TargetLevel: 3,
		Starts: "2025-03-01", Ends: "2026-02-28", Milestones: []career.MilestoneInput{
			{Title: "通过中级工鉴定", Due: "2025-06-30"}, {Title: "参加技能竞赛", Due: "2025-10-15"}}}
}

func TestPlanSelfAndCadre(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.Person(t, "张青", f.B1)
		me := f.Self(t, p)
		in := plan(0)
		got, err := f.career.Create(f.Ctx, me, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.PersonID != p.ID || got.Year != 2025 || got.Milestones != 2 || len(got.MilestoneList) != 2 || got.PersonName != "张青" {
			t.Fatalf("plan = %+v", got)
		}
		// Twice in a year: refused, nothing written.
		_, err = f.career.Create(f.Ctx, me, in)
		svctest.WantMsg(t, err, errs.Conflict, "err.career_plan_twice")
		// A cadre of U1 writes next year's, with a mentor from their scope.
		mentor := f.Person(t, "李师傅", f.U1Org)
		next := plan(p.ID)
		next.Starts, next.Ends, next.MentorID = "2026-03-01", "2027-02-28", mentor.ID
		next.Milestones = nil
		cp, err := f.career.Create(f.Ctx, f.U1, next)
		if err != nil {
			t.Fatal(err)
		}
		if cp.MentorName != "李师傅" || cp.Year != 2026 {
			t.Fatalf("cadre plan = %+v", cp)
		}
		// Outside the cadre's subtree: the person is unknown to them.
		other := f.Person(t, "王外", f.U2)
		_, err = f.career.Create(f.Ctx, f.U1, plan(other.ID))
		svctest.WantField(t, err, "person_id", "err.career_person")
		// A young worker may not name their own mentor.
		self2 := f.Self(t, other)
		in2 := plan(0)
		in2.MentorID = mentor.ID
		_, err = f.career.Create(f.Ctx, self2, in2)
		svctest.WantField(t, err, "mentor_id", "err.career_mentor_cadre")
		if n := f.Count(t, `SELECT count(*) FROM career_plans`); n != 2 {
			t.Fatalf("%d plans, want 2", n)
		}
		if n := f.Count(t, `SELECT count(*) FROM activity WHERE kind = $1`, career.KindPlanned); n != 2 {
			t.Fatalf("%d ledger entries, want 2", n)
		}
	})
}

func TestPlanBadInputWritesNothing(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.Person(t, "张青", f.B1)
		audits := f.Count(t, `SELECT count(*) FROM audit`)
		cases := []struct {
			edit       func(*career.Input)
			field, key string
		}{
			{func(in *career.Input) { in.Milestones[0].Due = "2025-02-01" }, "milestones.0.due", "err.career_milestone_early"},
			{func(in *career.Input) { in.Milestones[1].Due = "2026-05-01" }, "milestones.1.due", "err.career_milestone_late"},
			{func(in *career.Input) { in.Milestones[1].Title = " " }, "milestones.1.title", "err.required"},
			{func(in *career.Input) { in.Position = "" }, "position", "err.required"},
			{func(in *career.Input) { in.Ends = "2025-01-01" }, "ends", "err.career_ends"},
			{func(in *career.Input) { in.Starts = "2025-13-01" }, "starts", "err.career_date"},
			{func(in *career.Input) { in.TargetLevel = 5 }, "target_level", "err.career_target_level"},
			{func(in *career.Input) { in.TargetPosition, in.TargetLevel = "", 0 }, "target_position", "err.career_target"},
			{func(in *career.Input) { in.MentorID = p.ID }, "mentor_id", "err.career_mentor_self"},
		}
		for _, c := range cases {
			in := plan(p.ID)
			c.edit(&in)
			_, err := f.career.Create(f.Ctx, f.U1, in)
			svctest.WantField(t, err, c.field, c.key)
		}
		if n := f.Count(t, `SELECT count(*) FROM career_plans`) + f.Count(t, `SELECT count(*) FROM career_milestones`); n != 0 {
			t.Fatalf("%d rows written by refused plans", n)
		}
		if n := f.Count(t, `SELECT count(*) FROM audit`); n != audits {
			t.Fatalf("audit grew from %d to %d", audits, n)
		}
	})
}

func TestPlanAccessReviewsAndMilestones(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.Person(t, "张青", f.B1)
		me := f.Self(t, p)
		mentor := f.Person(t, "李师傅", f.U1Org)
		mentorLogin := f.Self(t, mentor)
		in := plan(p.ID)
		in.MentorID = mentor.ID
		pl, err := f.career.Create(f.Ctx, f.U1, in)
		if err != nil {
			t.Fatal(err)
		}
		// Readers: the person, the mentor, viewers and cadres of the
		// subtree, the district and city; not the other district's cadre.
		for name, a := range map[string]*auth.Actor{"self": me, "mentor": mentorLogin, "viewer": f.V1, "district": f.D1Admin, "city": f.City} {
			if _, err := f.career.Get(f.Ctx, a, pl.ID); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
		_, err = f.career.Get(f.Ctx, f.B2, pl.ID)
		svctest.WantKind(t, err, errs.NotFound)
		// Reviews: the mentor and a cadre; not the person, not a viewer.
		_, err = f.career.AddReview(f.Ctx, me, pl.ID, career.ReviewInput{Progress: 50, Comment: "自评"})
		svctest.WantMsg(t, err, errs.Forbidden, "err.career_review_who")
		_, err = f.career.AddReview(f.Ctx, f.V1, pl.ID, career.ReviewInput{Progress: 50, Comment: "看看"})
		svctest.WantKind(t, err, errs.Forbidden)
		_, err = f.career.AddReview(f.Ctx, mentorLogin, pl.ID, career.ReviewInput{Progress: 101, Comment: "好"})
		svctest.WantField(t, err, "progress", "err.career_progress")
		_, err = f.career.AddReview(f.Ctx, mentorLogin, pl.ID, career.ReviewInput{Progress: 30, Comment: "  "})
		svctest.WantField(t, err, "comment", "err.required")
		got, err := f.career.AddReview(f.Ctx, mentorLogin, pl.ID, career.ReviewInput{Progress: 30, Comment: "进步明显，继续练习数控编程。"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Reviews != 1 || got.ReviewList[0].Role != career.ByMentor || got.LastReview == nil {
			t.Fatalf("after review: %+v", got)
		}
		f.Clock.Advance(40 * 24 * time.Hour)
		if got, err = f.career.AddReview(f.Ctx, f.U1, pl.ID, career.ReviewInput{Progress: 45, Comment: "按计划推进。"}); err != nil {
			t.Fatal(err)
		}
		if got.ReviewList[0].Role != career.ByCadre || got.Reviews != 2 {
			t.Fatalf("cadre review: %+v", got.ReviewList)
		}
		// Milestones: met once by the mentor, then refused; a new one must
		// fall within the plan.
		ms := got.MilestoneList[0].ID
		if got, err = f.career.MeetMilestone(f.Ctx, mentorLogin, ms, "已取得证书"); err != nil || got.Met != 1 || got.Progress() != 50 {
			t.Fatalf("meet: %+v %v", got, err)
		}
		_, err = f.career.MeetMilestone(f.Ctx, me, ms, "")
		svctest.WantMsg(t, err, errs.Conflict, "err.career_milestone_met")
		_, err = f.career.AddMilestone(f.Ctx, me, pl.ID, career.MilestoneInput{Title: "早了", Due: "2025-01-01"})
		svctest.WantField(t, err, "due", "err.career_milestone_early")
		if got, err = f.career.AddMilestone(f.Ctx, me, pl.ID, career.MilestoneInput{Title: "带一名新徒弟", Due: "2025-12-01"}); err != nil || got.Milestones != 3 {
			t.Fatalf("add milestone: %+v %v", got, err)
		}
		_, err = f.career.AddMilestone(f.Ctx, mentorLogin, pl.ID, career.MilestoneInput{Title: "导师不改规划", Due: "2025-12-01"})
		svctest.WantKind(t, err, errs.Forbidden)
		// The growth record holds the plan, two reviews and the milestone.
		if n := f.Count(t, `SELECT count(*) FROM activity WHERE person_id = $1 AND kind LIKE 'career.%'`, p.ID); n != 4 {
			t.Fatalf("%d career entries in the growth record, want 4", n)
		}
		// Updating: a young worker cannot change the mentor; dates may not
		// leave a milestone outside the plan.
		up := plan(0)
		up.MentorID = 0
		_, err = f.career.Update(f.Ctx, me, pl.ID, up)
		svctest.WantField(t, err, "mentor_id", "err.career_mentor_cadre")
		up.MentorID, up.Starts = mentor.ID, "2025-07-01"
		_, err = f.career.Update(f.Ctx, me, pl.ID, up)
		svctest.WantField(t, err, "starts", "err.career_milestones_outside")
		up.Starts, up.TargetTitle = "2025-03-01", "技师"
		if got, err = f.career.Update(f.Ctx, me, pl.ID, up); err != nil || got.TargetTitle != "技师" {
			t.Fatalf("update: %+v %v", got, err)
		}
	})
}

func TestUnitCountsFromRollups(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		mentor := f.Person(t, "李师傅", f.U1Org)
		var plans []*career.Plan
		for i, o := range []*org.Org{f.B1, f.B1, f.U1Org, f.U2} {
			p := f.Person(t, "青工"+string(rune('A'+i)), o)
			in := plan(p.ID)
			if i == 0 {
				in.MentorID = mentor.ID
			}
			pl, err := f.career.Create(f.Ctx, f.City, in)
			if err != nil {
				t.Fatal(err)
			}
			plans = append(plans, pl)
		}
		units := func(o *org.Org, children ...org.Org) (career.UnitCount, []career.UnitCount) {
			t.Helper()
			self, rows, err := f.career.Units(f.Ctx, f.City, o, children, 2025)
			if err != nil {
				t.Fatal(err)
			}
			return self, rows
		}
		root, rows := units(f.Root, *f.D1, *f.D2)
		if root.Plans != 4 || root.Mentored != 1 || rows[0].Plans != 3 || rows[1].Plans != 1 || root.Reviewed != 0 {
			t.Fatalf("root %+v, districts %+v", root, rows)
		}
		// Two reviews of one plan in two months count it once; another plan
		// reviewed once.
		for _, d := range []time.Duration{0, 35 * 24 * time.Hour} {
			f.Clock.Advance(d)
			if _, err := f.career.AddReview(f.Ctx, f.City, plans[0].ID, career.ReviewInput{Progress: 20, Comment: "好"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.career.AddReview(f.Ctx, f.City, plans[3].ID, career.ReviewInput{Progress: 20, Comment: "好"}); err != nil {
			t.Fatal(err)
		}
		if root, rows = units(f.Root, *f.D1, *f.D2); root.Reviewed != 2 || rows[0].Reviewed != 1 || rows[1].Reviewed != 1 {
			t.Fatalf("reviewed: root %+v, districts %+v", root, rows)
		}
		// Moving U1 under D2 carries its counts along.
		if _, err := f.Orgs.Move(f.Ctx, f.City, f.U1Org.ID, f.D2.ID); err != nil {
			t.Fatal(err)
		}
		if root, rows = units(f.Root, *f.D1, *f.D2); root.Plans != 4 || rows[0].Plans != 0 || rows[1].Plans != 4 ||
			rows[0].Reviewed != 0 || rows[1].Reviewed != 2 || rows[1].Mentored != 1 {
			t.Fatalf("after move: root %+v, districts %+v", root, rows)
		}
		// The moved plans follow their organization's scope.
		d2 := f.Actor(t, "svc.d2", auth.Viewer, f.D2)
		if _, err := f.career.Get(f.Ctx, d2, plans[0].ID); err != nil {
			t.Fatalf("D2's viewer after the move: %v", err)
		}
		if pg, err := f.career.List(f.Ctx, f.D1Admin, career.Filter{}); err != nil || len(pg.Items) != 0 {
			t.Fatalf("D1 after the move lists %d plans, %v", len(pg.Items), err)
		}
		// Seven months on, no review is recent.
		f.Clock.Advance(7 * 31 * 24 * time.Hour)
		if root, _ = units(f.Root); root.Reviewed != 0 {
			t.Fatalf("stale reviews counted: %+v", root)
		}
		// Outside the scope: nothing.
		if _, _, err := f.career.Units(f.Ctx, f.B2, f.Root, nil, 2025); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("B2 on the root: %v", err)
		}
	})
}

func TestMyPlans(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.Person(t, "张青", f.B1)
		me := f.Self(t, p)
		mentor := f.Person(t, "李师傅", f.U1Org)
		ml := f.Self(t, mentor)
		in := plan(p.ID)
		in.MentorID = mentor.ID
		if _, err := f.career.Create(f.Ctx, f.U1, in); err != nil {
			t.Fatal(err)
		}
		mine, err := f.career.MyPlans(f.Ctx, me)
		if err != nil || len(mine.Own) != 1 || len(mine.Mentored) != 0 || !mine.Linked {
			t.Fatalf("mine = %+v, %v", mine, err)
		}
		if mine, err = f.career.MyPlans(f.Ctx, ml); err != nil || len(mine.Mentored) != 1 || len(mine.Own) != 0 {
			t.Fatalf("mentor's = %+v, %v", mine, err)
		}
		if mine, err = f.career.MyPlans(f.Ctx, f.U1); err != nil || mine.Linked {
			t.Fatalf("unlinked = %+v, %v", mine, err)
		}
	})
}
