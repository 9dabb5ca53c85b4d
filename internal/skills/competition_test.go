package skills_test

import (
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/skills"
	"qinggong/internal/svctest"
)

func TestCompetition(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c, err := f.skills.CreateCompetition(f.Ctx, f.D1Admin, skills.CompetitionInput{OrgID: f.D1.ID, Title: "区青工数控技能大赛", Trade: "数控车工",
			Level: "industry", HeldOn: "2025-04-20"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.skills.CreateCompetition(f.Ctx, f.D1Admin, skills.CompetitionInput{OrgID: f.D1.ID, Title: "x", Trade: "y", Level: "galaxy", HeldOn: "2025-04-20"})
		svctest.WantField(t, err, "level", "err.choose")
		a, b, x := f.worker(t, "甲", "数控车工", 4, f.B1, 21), f.worker(t, "乙", "数控车工", 4, f.U1Org, 22), f.worker(t, "丙", "数控车工", 4, f.B1, 23)
		outsider := f.worker(t, "外区", "数控车工", 4, f.U2, 24)
		var entries []*skills.CompetitionEntry
		for _, p := range []int64{a.ID, b.ID, x.ID} {
			e, err := f.skills.Enter(f.Ctx, f.D1Admin, c.ID, "", []int64{p})
			if err != nil {
				t.Fatal(err)
			}
			entries = append(entries, e)
		}
		_, err = f.skills.Enter(f.Ctx, f.D1Admin, c.ID, "", []int64{a.ID})
		svctest.WantMsg(t, err, errs.Conflict, "err.competition_entered")
		_, err = f.skills.Enter(f.Ctx, f.City, c.ID, "", []int64{outsider.ID})
		svctest.WantField(t, err, "members.0", "err.competition_member")
		_, err = f.skills.Enter(f.Ctx, f.D1Admin, c.ID, "", []int64{a.ID, b.ID})
		svctest.WantField(t, err, "members", "err.competition_individual")
		// Two judges on the panel; a score from anyone else is refused.
		j1 := f.Actor(t, "svc.judge1", auth.Viewer, f.D1)
		j2 := f.Actor(t, "svc.judge2", auth.Viewer, f.D1)
		for _, j := range []*auth.Actor{j1, j2} {
			if err := f.skills.AddJudge(f.Ctx, f.D1Admin, c.ID, j.UserID); err != nil {
				t.Fatal(err)
			}
		}
		err = f.skills.Score(f.Ctx, f.D1Admin, entries[0].ID, 90)
		svctest.WantMsg(t, err, errs.Forbidden, "err.competition_not_judge")
		scores := map[int][2]int{0: {92, 88}, 1: {95, 93}, 2: {70, 74}}
		for i, sc := range scores {
			for k, j := range []*auth.Actor{j1, j2} {
				if err := f.skills.Score(f.Ctx, j, entries[i].ID, sc[k]); err != nil {
					t.Fatal(err)
				}
			}
		}
		err = f.skills.Score(f.Ctx, j1, entries[0].ID, 10)
		svctest.WantMsg(t, err, errs.Conflict, "err.competition_scored")
		err = f.skills.Score(f.Ctx, j1, entries[0].ID+1000, 10)
		svctest.WantKind(t, err, errs.NotFound)
		_, err = f.skills.CloseCompetition(f.Ctx, f.V1, c.ID)
		svctest.WantKind(t, err, errs.NotFound) // U1's viewer does not read D1's competition
		list, err := f.skills.CloseCompetition(f.Ctx, f.D1Admin, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		place := map[int64]int{}
		for _, e := range list {
			place[e.Members[0]] = e.Placement
		}
		if place[b.ID] != 1 || place[a.ID] != 2 || place[x.ID] != 3 {
			t.Fatalf("placements %v", place)
		}
		for id, want := range map[int64]int{b.ID: 10, a.ID: 8, x.ID: 6} { // the industry rules 1st–3rd
			if tr, _ := f.skills.Transcript(f.Ctx, f.City, id, 0); tr.Total != want {
				t.Errorf("person %d has %d credits, want %d", id, tr.Total, want)
			}
		}
		err = f.skills.Score(f.Ctx, j2, entries[2].ID, 99)
		svctest.WantMsg(t, err, errs.Conflict, "err.competition_closed")
		_, err = f.skills.CloseCompetition(f.Ctx, f.D1Admin, c.ID)
		svctest.WantMsg(t, err, errs.Conflict, "err.competition_closed")
		f.check(t)
		// A team competition takes a named team of several.
		tc, err := f.skills.CreateCompetition(f.Ctx, f.D1Admin, skills.CompetitionInput{OrgID: f.D1.ID, Title: "班组技能比武", Trade: "数控车工",
			Level: "enterprise", Team: true, HeldOn: "2025-05-20"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.skills.Enter(f.Ctx, f.D1Admin, tc.ID, "", []int64{a.ID, b.ID})
		svctest.WantField(t, err, "team", "err.required")
		if e, err := f.skills.Enter(f.Ctx, f.D1Admin, tc.ID, "数控一组", []int64{a.ID, b.ID}); err != nil || e.Name != "数控一组" {
			t.Fatalf("team entry = %+v, %v", e, err)
		}
	})
}

func TestCompetitionRounds(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		// Held in the skills month: everyone a judge scored took part.
		if _, err := f.skills.SaveMonth(f.Ctx, f.City, skills.MonthInput{Year: 2025, Title: "技能月", StartsOn: "2025-04-01", EndsOn: "2025-04-30"}); err != nil {
			t.Fatal(err)
		}
		c, err := f.skills.CreateCompetition(f.Ctx, f.D1Admin, skills.CompetitionInput{OrgID: f.D1.ID, Title: "区青工焊工技能大赛", Trade: "焊工",
			Level: "industry", HeldOn: "2025-04-20"})
		if err != nil {
			t.Fatal(err)
		}
		judge := f.Actor(t, "svc.roundjudge", auth.Viewer, f.D1)
		if err := f.skills.AddJudge(f.Ctx, f.D1Admin, c.ID, judge.UserID); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		var entries []*skills.CompetitionEntry
		for i, name := range []string{"初甲", "初乙", "初丙", "初丁", "初戊"} {
			p := f.worker(t, name, "焊工", 4, f.B1, 71+i)
			e, err := f.skills.Enter(f.Ctx, f.D1Admin, c.ID, "", []int64{p.ID})
			if err != nil {
				t.Fatal(err)
			}
			ids, entries = append(ids, p.ID), append(entries, e)
		}
		for i, sc := range []int{90, 80, 80, 60} { // the fifth is never scored
			if err := f.skills.Score(f.Ctx, judge, entries[i].ID, sc); err != nil {
				t.Fatal(err)
			}
		}
		for _, keep := range []int{0, 4} {
			_, err = f.skills.AdvanceRound(f.Ctx, f.D1Admin, c.ID, keep)
			svctest.WantField(t, err, "keep", "err.competition_keep")
		}
		_, err = f.skills.AdvanceRound(f.Ctx, f.V1, c.ID, 2)
		svctest.WantKind(t, err, errs.NotFound)
		// Two go on, and the one tied with the second.
		got, err := f.skills.AdvanceRound(f.Ctx, f.D1Admin, c.ID, 2)
		if err != nil || got.Round != 2 {
			t.Fatalf("advanced = %+v, %v", got, err)
		}
		err = f.skills.Score(f.Ctx, judge, entries[3].ID, 99)
		svctest.WantMsg(t, err, errs.Conflict, "err.competition_eliminated")
		for i, sc := range []int{70, 95, 85} { // round two, scored afresh
			if err := f.skills.Score(f.Ctx, judge, entries[i].ID, sc); err != nil {
				t.Fatal(err)
			}
		}
		list, err := f.skills.CloseCompetition(f.Ctx, f.D1Admin, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		place, round := map[int64]int{}, map[int64]int{}
		for _, e := range list {
			place[e.Members[0]], round[e.Members[0]] = e.Placement, e.Round
		}
		if place[ids[1]] != 1 || place[ids[2]] != 2 || place[ids[0]] != 3 || place[ids[3]] != 0 || round[ids[3]] != 1 || round[ids[0]] != 2 {
			t.Fatalf("places %v, rounds %v", place, round)
		}
		// The industry rules 10, 8, 6 and 2 for taking part; out in round
		// one still took part; never scored, not.
		for i, want := range []int{6 + 2, 10 + 2, 8 + 2, 2, 0} {
			if tr, _ := f.skills.Transcript(f.Ctx, f.City, ids[i], 0); tr.Total != want {
				t.Errorf("entrant %d has %d credits, want %d", i, tr.Total, want)
			}
		}
		f.check(t)
	})
}
