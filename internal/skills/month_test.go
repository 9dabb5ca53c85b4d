package skills_test

import (
	"testing"

	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/skills"
	"qinggong/internal/svctest"
)

// held runs a competition of the city's on day with one judge: each
// person an entry, scored in the order given (the first wins), closed.
func (f *fixture) held(t *testing.T, title, level, day string, people ...int64) *skills.Competition {
	t.Helper()
	c, err := f.skills.CreateCompetition(f.Ctx, f.City, skills.CompetitionInput{OrgID: f.Root.ID, Title: title, Trade: "数控车工",
		Level: level, HeldOn: day})
	if err != nil {
		t.Fatal(err)
	}
	judge := f.Actor(t, "svc.judge."+day, auth.Viewer, f.Root)
	if err := f.skills.AddJudge(f.Ctx, f.City, c.ID, judge.UserID); err != nil {
		t.Fatal(err)
	}
	for i, p := range people {
		e, err := f.skills.Enter(f.Ctx, f.City, c.ID, "", []int64{p})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.skills.Score(f.Ctx, judge, e.ID, 90-i); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.skills.CloseCompetition(f.Ctx, f.City, c.ID); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSkillsMonth(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		in := skills.MonthInput{Year: 2025, Title: "2025 上海青工技能月", StartsOn: "2025-04-01", EndsOn: "2025-04-30", Summary: "竞赛、鉴定、培训"}
		_, err := f.skills.SaveMonth(f.Ctx, f.D1Admin, in)
		svctest.WantMsg(t, err, errs.Forbidden, "err.skills_month_city")
		bad := in
		bad.StartsOn, bad.EndsOn = "2024-12-30", "2024-12-01"
		_, err = f.skills.SaveMonth(f.Ctx, f.City, bad)
		svctest.WantField(t, err, "starts_on", "err.skills_month_year")
		bad.StartsOn = "2025-05-01"
		_, err = f.skills.SaveMonth(f.Ctx, f.City, bad)
		svctest.WantField(t, err, "ends_on", "err.skills_month_order")
		if _, err := f.skills.Month(f.Ctx, 2025); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("a refused month was saved: %v", err)
		}
		m, err := f.skills.SaveMonth(f.Ctx, f.City, in)
		if err != nil || m.Title != in.Title || m.EndsOn != "2025-04-30" {
			t.Fatalf("month = %+v, %v", m, err)
		}
		a, b := f.worker(t, "月甲", "数控车工", 4, f.B1, 41), f.worker(t, "月乙", "数控车工", 4, f.U1Org, 42)
		c := f.worker(t, "月丙", "数控车工", 4, f.U2, 43)
		d := f.worker(t, "月丁", "数控车工", 4, f.B1, 44)
		// Held within the month: places credited by the city rules (20,
		// 15, 10), and every entrant, placed or not, 2 for taking part.
		f.held(t, "数控车工市赛", "city", "2025-04-20", a.ID, b.ID, c.ID, d.ID)
		// A second competition of the month credits places, not taking part again;
		// one outside the month no participation at all.
		f.held(t, "数控车工邀请赛", "enterprise", "2025-04-25", a.ID)
		f.held(t, "数控车工秋季赛", "enterprise", "2025-09-25", d.ID)
		for p, want := range map[int64]int{a.ID: 20 + 2 + 6, b.ID: 15 + 2, c.ID: 10 + 2, d.ID: 2 + 6} {
			if tr, _ := f.skills.Transcript(f.Ctx, f.City, p, 0); tr.Total != want {
				t.Errorf("person %d has %d credits, want %d", p, tr.Total, want)
			}
		}
		f.check(t)
		pr, err := f.skills.Programme(f.Ctx, m)
		if err != nil || len(pr.Competitions) != 2 || pr.Competitions[0].Title != "数控车工市赛" || pr.Competitions[0].Count != 4 {
			t.Fatalf("programme = %+v, %v", pr, err)
		}
		bd, err := f.skills.Board(f.Ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		rows := map[int64]skills.BoardRow{}
		for _, r := range bd.Rows {
			rows[r.OrgID] = r
		}
		// D1 holds a (twice), b and d; D2 holds c.
		if rows[f.D1.ID].Entrants != 4 || rows[f.D2.ID].Entrants != 1 || bd.Total.Entrants != 5 {
			t.Fatalf("board entrants: D1 %d, D2 %d, total %d", rows[f.D1.ID].Entrants, rows[f.D2.ID].Entrants, bd.Total.Entrants)
		}
		// Every credit above was posted in March 2025 (the clock's month),
		// outside April: the board counts the month's own months only.
		if bd.Total.Credits != 0 {
			t.Fatalf("board credits %d, want 0 (posted in March)", bd.Total.Credits)
		}
		// The overview counts the trade.
		ov, err := f.skills.Overview(f.Ctx, f.City, f.D1, nil)
		if err != nil || len(ov.Trades) != 1 || ov.Trades[0].Trade != "数控车工" || ov.Trades[0].N != 20+2+6+15+2+2+6 {
			t.Fatalf("trades = %+v, %v", ov.Trades, err)
		}
		// Changing the month keeps one row for the year.
		in.EndsOn = "2025-05-15"
		if m2, err := f.skills.SaveMonth(f.Ctx, f.City, in); err != nil || m2.ID != m.ID || m2.EndsOn != "2025-05-15" {
			t.Fatalf("updated month = %+v, %v", m2, err)
		}
		if list, err := f.skills.Months(f.Ctx, 0); err != nil || len(list) != 1 {
			t.Fatalf("months = %+v, %v", list, err)
		}
	})
}

func TestNominatePlaced(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		a, b := f.worker(t, "技师甲", "数控车工", 3, f.B1, 51), f.worker(t, "技师乙", "数控车工", 3, f.B1, 52)
		x, y := f.worker(t, "技师丙", "数控车工", 3, f.B1, 53), f.worker(t, "技师丁", "数控车工", 3, f.B1, 54)
		comp := f.held(t, "青工技能大赛", "city", "2025-06-01", a.ID, b.ID, x.ID, y.ID)
		placed, err := f.skills.Placed(f.Ctx, f.City, comp.ID)
		if err != nil || len(placed) != 3 || placed[0].PersonID != a.ID || placed[0].Placement != 1 {
			t.Fatalf("placed = %+v, %v", placed, err)
		}
		c, err := f.campaigns.Create(f.Ctx, f.City, campaign.Input{Title: "十大杰出青年技师", OrgID: f.Root.ID, NomineeKind: campaign.NomineePerson,
			Winners: 10})
		if err == nil {
			_, err = f.campaigns.Advance(f.Ctx, f.City, c.ID, campaign.StageNominating)
		}
		if err != nil {
			t.Fatal(err)
		}
		in := skills.PlacementNomination{PersonID: y.ID, CampaignID: c.ID, Moral: "思想政治素质好，爱岗敬业，遵纪守法，群众公认。"}
		_, err = f.skills.NominatePlaced(f.Ctx, f.City, comp.ID, in)
		svctest.WantField(t, err, "person_id", "err.competition_not_placed") // fourth
		_, err = f.skills.NominatePlaced(f.Ctx, f.D1Admin, comp.ID, skills.PlacementNomination{PersonID: a.ID, CampaignID: c.ID, Moral: in.Moral})
		svctest.WantKind(t, err, errs.NotFound) // the city's competition is not D1's to manage
		in.PersonID = a.ID
		n, err := f.skills.NominatePlaced(f.Ctx, f.City, comp.ID, in)
		if err != nil || n.NomineeID != a.ID || n.Summary != "青工技能大赛（数控车工，2025-06-01）第 1 名" {
			t.Fatalf("nomination = %+v, %v", n, err)
		}
		_, err = f.skills.NominatePlaced(f.Ctx, f.City, comp.ID, in)
		svctest.WantMsg(t, err, errs.Conflict, "err.competition_nominated")
		if placed, _ := f.skills.Placed(f.Ctx, f.City, comp.ID); placed[0].NominationID != n.ID {
			t.Fatalf("placed[0] links %d, want %d", placed[0].NominationID, n.ID)
		}
		// A refused nomination (no assessment) links nothing.
		_, err = f.skills.NominatePlaced(f.Ctx, f.City, comp.ID, skills.PlacementNomination{PersonID: b.ID, CampaignID: c.ID})
		svctest.WantKind(t, err, errs.Invalid)
		if placed, _ := f.skills.Placed(f.Ctx, f.City, comp.ID); placed[1].NominationID != 0 {
			t.Fatal("a refused nomination left a link")
		}
		open, err := f.skills.CreateCompetition(f.Ctx, f.City, skills.CompetitionInput{OrgID: f.Root.ID, Title: "未结束", Trade: "数控车工",
			Level: "city", HeldOn: "2025-06-02"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.skills.NominatePlaced(f.Ctx, f.City, open.ID, in)
		svctest.WantMsg(t, err, errs.Conflict, "err.competition_not_closed")
	})
}

func TestDoubleClimb(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		a, b := f.worker(t, "登高甲", "钳工", 4, f.B1, 61), f.worker(t, "登高乙", "钳工", 4, f.B1, 62)
		for _, x := range []struct {
			who   int64
			level string
		}{{a.ID, "city"}, {b.ID, "unit"}} {
			in, err := f.skills.FileInnovation(f.Ctx, f.U1, skills.InnovationInput{OrgID: f.U1Org.ID, Kind: "invention", Title: "夹具改进",
				Description: "快速换型夹具。", Submitters: []int64{x.who}})
			if err == nil {
				_, err = f.skills.Evaluate(f.Ctx, f.D1Admin, in.ID, x.level, x.level == "city", "")
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		// b's level was raised a month ago: science and skill within a year.
		if err := f.DB.InTx(f.Ctx, func(tx *db.Tx) error {
			return f.People.CertifySkill(f.Ctx, tx, f.City, b.ID, 3, "2025-02-01", "市职业技能鉴定中心")
		}); err != nil {
			t.Fatal(err)
		}
		c, err := f.skills.ClimbOf(f.Ctx, f.D1Admin, a.ID)
		if err != nil || c.Innovations != 1 || c.BestLevel != "city" || c.Adopted != 1 || c.Double {
			t.Fatalf("a's climb = %+v, %v", c, err)
		}
		list, err := f.skills.Climbs(f.Ctx, f.D1Admin, f.D1)
		if err != nil || len(list) != 2 || list[0].PersonID != b.ID || !list[0].Double || list[0].SkillLevel != 3 || list[0].RaisedOn != "2025-02-01" {
			t.Fatalf("climbs = %+v, %v", list, err)
		}
		_, err = f.skills.Climbs(f.Ctx, f.B2, f.D1)
		svctest.WantKind(t, err, errs.NotFound)
		if list, err := f.skills.Climbs(f.Ctx, f.City, f.D2); err != nil || len(list) != 0 {
			t.Fatalf("D2's climbs = %+v, %v", list, err)
		}
	})
}
