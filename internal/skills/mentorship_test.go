package skills_test

import (
	"testing"
	"time"

	"qinggong/internal/errs"
	"qinggong/internal/person"
	"qinggong/internal/pii"
	"qinggong/internal/skills"
	"qinggong/internal/svctest"
)

func TestMentorship(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		mentor := f.worker(t, "老技师", "数控车工", 2, f.U1Org, 11)
		novice := f.worker(t, "半熟手", "数控车工", 4, f.U1Org, 12)
		ap := f.worker(t, "小徒弟", "数控车工", 5, f.B1, 13)
		me := f.Self(t, ap)
		teacher := f.Self(t, mentor)
		in := skills.MentorshipInput{MentorID: mentor.ID, ApprenticeID: ap.ID, Trade: "数控车工", Goals: "一年内独立完成复杂零件加工",
			Starts: "2025-03-01", Ends: "2026-02-28"}
		// A mentor must be of the corps or a technician and above.
		bad := in
		bad.MentorID = novice.ID
		_, err := f.skills.CreateMentorship(f.Ctx, f.U1, bad)
		svctest.WantField(t, err, "mentor_id", "err.mentorship_unqualified")
		bad = in
		bad.Ends = "2025-01-01"
		_, err = f.skills.CreateMentorship(f.Ctx, f.U1, bad)
		svctest.WantField(t, err, "ends", "err.career_ends")
		_, err = f.skills.CreateMentorship(f.Ctx, f.B2, in)
		svctest.WantField(t, err, "apprentice_id", "err.mentorship_apprentice")
		m, err := f.skills.CreateMentorship(f.Ctx, f.U1, in)
		if err != nil || m.MentorName != "老技师" || m.Status != skills.MentorshipActive {
			t.Fatalf("create = %+v, %v", m, err)
		}
		// A corps member below technician level qualifies by the tag.
		first17 := "31011519970101099"
		corps, err := f.People.Create(f.Ctx, f.City, person.Input{Name: "导师团成员", OrgID: f.U1Org.ID, SkillLevel: 3, Tags: []string{skills.MentorCorpsTag},
			IDNumber: first17 + string(pii.CheckChar(first17))})
		if err != nil || !skills.Qualified(corps) || skills.Qualified(novice) {
			t.Errorf("qualification: corps %v (%v), level 4 %v", corps != nil && skills.Qualified(corps), err, skills.Qualified(novice))
		}
		// Monthly logs by both sides, once each, within the term and not ahead.
		f.Clock.Advance(60 * 24 * time.Hour) // 2025-04-30
		if _, err := f.skills.AddLog(f.Ctx, me, m.ID, "2025-03", "学习了数控编程基础。"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.skills.AddLog(f.Ctx, teacher, m.ID, "2025-03", "徒弟学习认真。"); err != nil {
			t.Fatal(err)
		}
		_, err = f.skills.AddLog(f.Ctx, me, m.ID, "2025-03", "重复")
		svctest.WantMsg(t, err, errs.Conflict, "err.mentorship_log_twice")
		_, err = f.skills.AddLog(f.Ctx, me, m.ID, "2025-09", "未来的月份")
		svctest.WantField(t, err, "month", "err.mentorship_month_outside")
		_, err = f.skills.AddLog(f.Ctx, f.U1, m.ID, "2025-04", "干部不是任何一方")
		svctest.WantMsg(t, err, errs.Forbidden, "err.mentorship_side")
		// Completing credits both sides.
		_, err = f.skills.CompleteMentorship(f.Ctx, teacher, m.ID, "合格", 5)
		svctest.WantKind(t, err, errs.Forbidden)
		_, err = f.skills.CompleteMentorship(f.Ctx, f.U1, m.ID, "", 5)
		svctest.WantField(t, err, "evaluation", "err.required")
		done, err := f.skills.CompleteMentorship(f.Ctx, f.U1, m.ID, "徒弟已能独立操作，达到预期目标。", 5)
		if err != nil || done.Status != skills.MentorshipCompleted || done.Logs != 2 {
			t.Fatalf("complete = %+v, %v", done, err)
		}
		_, err = f.skills.CompleteMentorship(f.Ctx, f.U1, m.ID, "再次", 4)
		svctest.WantMsg(t, err, errs.Conflict, "err.mentorship_closed")
		for id, want := range map[int64]int{mentor.ID: 6, ap.ID: 4} {
			if tr, _ := f.skills.Transcript(f.Ctx, f.City, id, 0); tr.Total != want {
				t.Errorf("person %d has %d credits, want %d", id, tr.Total, want)
			}
		}
		f.check(t)
		// The sides see it; a stranger does not.
		if list, err := f.skills.Mentorships(f.Ctx, me, 0); err != nil || len(list) != 1 {
			t.Fatalf("apprentice's list: %d, %v", len(list), err)
		}
		_, _, err = f.skills.Mentorship(f.Ctx, f.B2, m.ID)
		svctest.WantKind(t, err, errs.NotFound)
	})
}
