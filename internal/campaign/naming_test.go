package campaign_test

import (
	"fmt"
	"testing"

	"qinggong/internal/campaign"
	"qinggong/internal/errs"
)

// readyToName publishes the notice for 2025-03-01 to 03-05, upholds an
// objection to the first candidate, leaves one to the second open, and
// moves the clock into the notice's last day.
func (nf *noticeFixture) readyToName(t *testing.T) (upheld, open int64) {
	t.Helper()
	nf.publish(t, "2025-03-01", "2025-03-05")
	for i := range 2 {
		if _, err := nf.object(t, i, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	list, _ := nf.svc.Objections(nf.ctx, nf.city, nf.c.ID)
	if _, err := nf.svc.DecideObjection(nf.ctx, nf.city, list[0].ID, campaign.Decision{Status: campaign.ObjUpheld, Reason: "经查，材料造假。"}); err != nil {
		t.Fatal(err)
	}
	nf.days(4)
	return list[0].ID, list[1].ID
}

// Winners are named after the notice, with every objection decided, from
// its candidates without an upheld objection, within the campaign's
// number and tiers; naming moves the campaign on, issues certificates and
// writes the honours to the ledger.
func TestNaming(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		nf := newNoticeFixture(t, f)
		_, open := nf.readyToName(t)
		a, b, c := nf.noms[0].ID, nf.noms[1].ID, nf.noms[2].ID
		name := func(ws ...campaign.Winner) ([]campaign.Certificate, error) {
			return nf.svc.Name(f.ctx, f.city, nf.c.ID, ws)
		}
		_, err := name(campaign.Winner{NominationID: b})
		if e, ok := errs.As(err); !ok || e.Msg != "err.notice_not_ended" {
			t.Fatalf("naming on the last day: %v", err)
		}
		nf.days(1) // 03-06
		_, err = name(campaign.Winner{NominationID: b})
		if e, ok := errs.As(err); !ok || e.Msg != "err.objection_open" {
			t.Fatalf("naming with an open objection: %v", err)
		}
		if _, err := nf.svc.DecideObjection(f.ctx, f.city, open, campaign.Decision{Status: campaign.ObjDismissed, Reason: "不属实"}); err != nil {
			t.Fatal(err)
		}
		_, err = nf.svc.Name(f.ctx, f.d1, nf.c.ID, []campaign.Winner{{NominationID: b}})
		wantKind(t, err, errs.NotFound)
		_, err = name(campaign.Winner{NominationID: a}, campaign.Winner{NominationID: nf.pending.ID})
		wantField(t, err, "winners.0.nomination_id", "err.objection_upheld")
		wantField(t, err, "winners.1.nomination_id", "err.winner_not_candidate")
		_, err = name(campaign.Winner{NominationID: b}, campaign.Winner{NominationID: c}, campaign.Winner{NominationID: b})
		wantField(t, err, "winners", "err.winners_too_many") // the campaign names 2
		wantField(t, err, "winners.2.nomination_id", "err.winner_twice")
		_, err = name()
		wantField(t, err, "winners", "err.required")

		err = nf.svc.SetTiers(f.ctx, f.city, nf.c.ID, []string{"一等奖", "一等奖", ""})
		wantField(t, err, "tiers.1", "err.tier_twice")
		wantField(t, err, "tiers.2", "err.tier_name")
		if err := nf.svc.SetTiers(f.ctx, f.city, nf.c.ID, []string{"一等奖", "二等奖"}); err != nil {
			t.Fatal(err)
		}
		_, err = name(campaign.Winner{NominationID: b, Tier: "特等奖"})
		wantField(t, err, "winners.0.tier", "err.choose")
		_, err = nf.svc.Winners(f.ctx, nf.c.ID)
		wantKind(t, err, errs.NotFound)
		if n := f.count(t, `SELECT count(*) FROM certificates`); n != 0 {
			t.Fatalf("%d certificates written by refused calls", n)
		}

		certs, err := name(campaign.Winner{NominationID: c, Tier: "二等奖"}, campaign.Winner{NominationID: b, Tier: "一等奖"})
		if err != nil || len(certs) != 2 {
			t.Fatalf("name: %v", err)
		}
		for i, x := range certs {
			if want := fmt.Sprintf("QG2025-%04d-%04d", nf.c.ID, i+1); x.Number != want || x.RevokedAt != nil {
				t.Errorf("certificate %d: %+v, want number %s", i, x, want)
			}
			if len(x.Code) < 32 || x.Code == certs[1-i].Code {
				t.Errorf("code %q: short or shared", x.Code)
			}
		}
		if certs[0].Holder != "赵技" || certs[0].Tier != "二等奖" || certs[1].Org != f.D1.Name || certs[1].Organizer != f.root.Name {
			t.Errorf("certificates: %+v", certs)
		}
		cm, _ := f.campaigns.Get(f.ctx, f.city, nf.c.ID)
		if cm.Stage != campaign.StageNaming {
			t.Fatalf("stage %s after naming", cm.Stage)
		}
		if n := f.count(t, `SELECT count(*) FROM audit WHERE action = 'campaign.stage' AND object_id = $1 AND summary = 'from=publicity to=naming'`, nf.c.ID); n != 1 {
			t.Fatalf("%d naming stage moves audited", n)
		}
		for i, p := range nf.people {
			want := map[int]int{0: 0, 1: 1, 2: 1}[i]
			if n := f.count(t, `SELECT count(*) FROM activity WHERE kind = 'honour' AND person_id = $1 AND ref_type = 'campaign' AND ref_id = $2`,
				p.ID, nf.c.ID); n != want {
				t.Errorf("%s has %d honours, want %d", p.Name, n, want)
			}
		}
		_, err = name(campaign.Winner{NominationID: b, Tier: "一等奖"})
		wantKind(t, err, errs.Conflict)
		ann, err := nf.svc.Winners(f.ctx, nf.c.ID)
		if err != nil || len(ann.Winners) != 2 || ann.Winners[0].Name != "李工" || ann.Winners[0].Tier != "一等奖" || ann.NamedOn != "2025-03-06" {
			t.Fatalf("announcement: %+v %v", ann, err)
		}
		// Objections and decisions are closed with the notice.
		_, err = nf.svc.DecideObjection(f.ctx, f.city, open, campaign.Decision{Status: campaign.ObjUpheld, Reason: "x"})
		wantKind(t, err, errs.Conflict)
		err = nf.svc.SetTiers(f.ctx, f.city, nf.c.ID, []string{"特等奖"})
		wantKind(t, err, errs.Conflict)
	})
}
