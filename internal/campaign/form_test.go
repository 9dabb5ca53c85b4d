package campaign_test

import (
	"testing"
	"time"

	"qinggong/internal/campaign"
	"qinggong/internal/person"
)

var pngFile = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")

// A campaign's own form is checked when it is defined and when it is
// filled: required fields, limits, choices, dates and files (by content,
// stored in the database); the nominee's sector is kept with the
// nomination and counted against the sector targets.
func TestNominationForm(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		_, err := f.campaigns.Create(f.ctx, f.city, campaign.Input{Title: "表单", OrgID: f.root.ID, NomineeKind: campaign.NomineePerson, Winners: 2,
			Form: []campaign.FormField{{Key: "a", Label: "甲", Kind: campaign.FieldText}, {Key: "a", Label: "乙", Kind: campaign.FieldText},
				{Key: "c", Label: "丙", Kind: campaign.FieldChoice}, {Key: "d", Label: "丁", Kind: "colour"}},
			Dates:   map[string]string{campaign.StageNominating: "2025-04-30", campaign.StageReviewing: "2025-04-01", "later": "2025-05-01"},
			Sectors: []campaign.SectorTarget{{Sector: "soe", Min: 1}, {Sector: "guild", Min: 1}}})
		for field, key := range map[string]string{"form.1.key": "err.form_key", "form.2.choices": "err.form_choices", "form.3.kind": "err.choose",
			"dates.reviewing": "err.dates_order", "dates.later": "err.choose", "sectors.1": "err.invalid"} {
			wantField(t, err, field, key)
		}
		c, err := f.campaigns.Create(f.ctx, f.city, campaign.Input{Title: "十大杰出青年技师", OrgID: f.root.ID, NomineeKind: campaign.NomineePerson,
			Winners: 2, Tiers: []string{"标兵", "能手"}, Dates: map[string]string{campaign.StageNominating: "2025-04-30"},
			Sectors: []campaign.SectorTarget{{Sector: "soe", Min: 1}},
			Form: []campaign.FormField{
				{Key: "contest", Label: "竞赛成绩", Kind: campaign.FieldText, Required: true, Max: 10},
				{Key: "years", Label: "工龄", Kind: campaign.FieldNumber, Min: 1, Max: 40},
				{Key: "since", Label: "聘任日期", Kind: campaign.FieldDate},
				{Key: "field", Label: "类别", Kind: campaign.FieldChoice, Choices: []string{"制造", "交通"}},
				{Key: "proof", Label: "证书扫描件", Kind: campaign.FieldFile, Required: true},
			}})
		if err != nil {
			t.Fatal(err)
		}
		if c, err = f.campaigns.Advance(f.ctx, f.city, c.ID, campaign.StageNominating); err != nil {
			t.Fatal(err)
		}
		if len(c.Tiers) != 2 || len(c.Form) != 5 || c.Dates[campaign.StageNominating] != "2025-04-30" || len(c.Sectors) != 1 {
			t.Fatalf("campaign as stored: %+v", c)
		}
		if _, err := f.d.W().ExecContext(f.ctx, `UPDATE orgs SET unit_type = 'soe' WHERE id = $1`, f.U1.ID); err != nil {
			t.Fatal(err)
		}
		p := f.person(t, "技师甲", f.B1, "19950101", 2, person.League)
		in := campaign.NominateInput{OrgID: f.B1.ID, NomineeID: p.ID, Moral: moral, Answers: map[string]string{"contest": "市级一等奖（数控车工组）",
			"years": "41", "since": "2025-02-30", "field": "农业"}, Files: map[string]*campaign.Attachment{"proof": {Name: "a.png", Data: []byte("not a picture")}}}
		_, err = f.campaigns.Nominate(f.ctx, f.b1, c.ID, in)
		for field, key := range map[string]string{"answers.contest": "err.too_long", "answers.years": "err.invalid", "answers.since": "err.date",
			"answers.field": "err.choose", "answers.proof": "err.attachment_type"} {
			wantField(t, err, field, key)
		}
		in.Files = nil
		_, err = f.campaigns.Nominate(f.ctx, f.b1, c.ID, in)
		wantField(t, err, "answers.proof", "err.required")
		if n := f.count(t, `SELECT count(*) FROM nominations`); n != 0 {
			t.Fatalf("%d nominations written by refused calls", n)
		}
		in.Answers = map[string]string{"contest": " 市级一等奖 ", "years": "8", "since": "2020-07-01", "field": "制造", "stray": "x"}
		in.Files = map[string]*campaign.Attachment{"proof": {Name: `..\证书.png`, Data: pngFile}}
		n, err := f.campaigns.Nominate(f.ctx, f.b1, c.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if n.Answers["contest"] != "市级一等奖" || n.Answers["years"] != "8" || n.Answers["stray"] != "" || n.Sector != "soe" {
			t.Fatalf("nomination as stored: answers %v sector %q", n.Answers, n.Sector)
		}
		a, err := f.campaigns.File(f.ctx, f.b1, n.ID, "proof")
		if err != nil || a.Type != "image/png" || a.Name != "证书.png" || string(a.Data) != string(pngFile) {
			t.Fatalf("file: %+v %v", a, err)
		}
		if _, err := f.campaigns.File(f.ctx, f.b2, n.ID, "proof"); err == nil {
			t.Fatal("a branch of another district read the file")
		}
		bal, err := f.campaigns.Balance(f.ctx, c, []int64{n.ID})
		if err != nil || len(bal) != 1 || bal[0].Count != 1 || bal[0].Min != 1 {
			t.Fatalf("balance: %+v %v", bal, err)
		}
	})
}

// Rules that look at earlier campaigns: an honour held long enough (a
// certificate of a campaign of the kind asked, not revoked, old enough),
// and no objection upheld in an earlier campaign of the same kind.
func TestRecordRules(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		held := f.person(t, "区级能手", f.B1, "19950101", 2, person.League)
		recent := f.person(t, "新晋能手", f.B1, "19960101", 2, person.League)
		objected := f.person(t, "有异议", f.B1, "19970101", 2, person.League)
		// Last years' district selection: held named two years ago, recent
		// a month ago; objected had an objection upheld in last year's city one.
		earlier, err := f.campaigns.Create(f.ctx, f.city, campaign.Input{Title: "区级青年岗位能手", Kind: "job_expert_district", OrgID: f.root.ID,
			NomineeKind: campaign.NomineePerson, Winners: 5})
		if err != nil {
			t.Fatal(err)
		}
		city, err := f.campaigns.Create(f.ctx, f.city, campaign.Input{Title: "杰出青年岗位能手（上届）", Kind: "job_expert", OrgID: f.root.ID,
			NomineeKind: campaign.NomineePerson, Winners: 5})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2025, 3, 1, 4, 0, 0, 0, time.UTC)
		for i, x := range []struct {
			c      *campaign.Campaign
			p      *person.Person
			issued time.Time
		}{{earlier, held, now.AddDate(-2, 0, 0)}, {earlier, recent, now.AddDate(0, -1, 0)}, {city, objected, now.AddDate(-1, 0, 0)}} {
			var nid int64
			if err := f.d.W().QueryRowContext(f.ctx, `INSERT INTO nominations (campaign_id, nominee_kind, nominee_id, nominee_name, origin_id,
				origin_path, holder_id, holder_path, status, moral, summary, created_by, created_at, updated_at)
				VALUES ($1, 'person', $2, $3, $4, $5, $4, $5, 'submitted', '', '', 0, $6, $6) RETURNING id`,
				x.c.ID, x.p.ID, x.p.Name, f.B1.ID, f.B1.Path, x.issued).Scan(&nid); err != nil {
				t.Fatal(err)
			}
			if x.c == city {
				if _, err := f.d.W().ExecContext(f.ctx, `INSERT INTO objections (campaign_id, nomination_id, ref, name, contact, body, client, day,
					status, created_at) VALUES ($1, $2, 'r1', '', '', '反映属实', '', '', 'upheld', $3)`, x.c.ID, nid, x.issued); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if _, err := f.d.W().ExecContext(f.ctx, `INSERT INTO certificates (campaign_id, nomination_id, number, code, tier, seq, issued_by, issued_at)
				VALUES ($1, $2, $3, $4, '', $5, 0, $6)`, x.c.ID, nid, "N"+string(rune('A'+i)), "code"+string(rune('a'+i)), i+1, x.issued); err != nil {
				t.Fatal(err)
			}
		}
		c, err := f.campaigns.Create(f.ctx, f.city, campaign.Input{Title: "杰出青年岗位能手", Kind: "job_expert", OrgID: f.root.ID,
			NomineeKind: campaign.NomineePerson, Winners: 5, Rules: campaign.Rules{HeldKind: "job_expert_district", HeldYears: 1, CleanRecord: true}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.campaigns.Advance(f.ctx, f.city, c.ID, campaign.StageNominating); err != nil {
			t.Fatal(err)
		}
		nominate := func(p *person.Person) error {
			_, err := f.campaigns.Nominate(f.ctx, f.b1, c.ID, campaign.NominateInput{OrgID: f.B1.ID, NomineeID: p.ID, Moral: moral})
			return err
		}
		wantField(t, nominate(recent), "nominee", "err.held_honour")
		wantField(t, nominate(objected), "nominee", "err.held_honour") // and an upheld objection: the first reason is kept
		if err := nominate(held); err != nil {
			t.Fatalf("the holder of the district honour: %v", err)
		}
		clean, err := f.campaigns.Create(f.ctx, f.city, campaign.Input{Title: "杰出青年岗位能手（补评）", Kind: "job_expert", OrgID: f.root.ID,
			NomineeKind: campaign.NomineePerson, Winners: 5, Rules: campaign.Rules{CleanRecord: true}})
		if err == nil {
			_, err = f.campaigns.Advance(f.ctx, f.city, clean.ID, campaign.StageNominating)
		}
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.campaigns.Nominate(f.ctx, f.b1, clean.ID, campaign.NominateInput{OrgID: f.B1.ID, NomineeID: objected.ID, Moral: moral})
		wantField(t, err, "nominee", "err.previous_objection")
		_, err = f.campaigns.Create(f.ctx, f.city, campaign.Input{Title: "x", OrgID: f.root.ID, NomineeKind: campaign.NomineePerson, Winners: 1,
			Rules: campaign.Rules{HeldYears: 2}})
		wantField(t, err, "rules.held_years", "err.invalid")
	})
}
