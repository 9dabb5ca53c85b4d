package campaign_test

import (
	"testing"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/clocktest"
	"qinggong/internal/org"
	"qinggong/internal/person"
)

// noticeFixture is a campaign in review with three submitted nominations
// (people at B1 and U1 nominated by D1, one at B2 by the city) and one
// still pending at B1, served by a Service whose clock the test moves. The clock starts
// at 2025-03-01 12:00 Shanghai.
type noticeFixture struct {
	*fixture
	clock   *clocktest.Clock
	svc     *campaign.Service
	c       *campaign.Campaign
	people  []*person.Person // of the submitted nominations, in order
	noms    []*campaign.Nomination
	pending *campaign.Nomination
}

func newNoticeFixture(t *testing.T, f *fixture) *noticeFixture {
	t.Helper()
	nf := &noticeFixture{fixture: f, clock: clocktest.New()}
	nf.svc = campaign.New(f.d, audit.New([]byte("campaign-test-key"), nf.clock.Now), f.orgs, nf.clock.Now)
	nf.svc.Register(campaign.PersonKind{People: f.people})
	nf.svc.Register(campaign.OrgKind{Orgs: f.orgs})
	nf.c = f.open(t, campaign.Rules{}, 10)
	for i, at := range []struct {
		name     string
		at, from *org.Org
		by       *auth.Actor
	}{{"王青", f.B1, f.D1, f.d1}, {"李工", f.U1, f.D1, f.d1}, {"赵技", f.B2, f.root, f.city}} {
		p := f.person(t, at.name, at.at, "19950101", 2, person.League)
		n, err := nf.svc.Nominate(f.ctx, at.by, nf.c.ID, campaign.NominateInput{OrgID: at.from.ID, NomineeID: p.ID, Moral: moral,
			Summary: "刻苦钻研技术，获市级技能竞赛一等奖。"})
		if err == nil && n.Status == campaign.NomPending {
			n, err = nf.svc.Forward(f.ctx, at.by, n.ID, "同意推荐", i+1)
		}
		if err != nil || n.Status != campaign.NomSubmitted {
			t.Fatalf("nomination %d: %+v %v", i, n, err)
		}
		nf.people, nf.noms = append(nf.people, p), append(nf.noms, n)
	}
	p := f.person(t, "未报送", f.B1, "19960101", 2, person.League)
	var err error
	if nf.pending, err = nf.svc.Nominate(f.ctx, f.b1, nf.c.ID, campaign.NominateInput{OrgID: f.B1.ID, NomineeID: p.ID, Moral: moral}); err != nil {
		t.Fatal(err)
	}
	for _, st := range []string{campaign.StageChecking, campaign.StageReviewing} {
		if nf.c, err = nf.svc.Advance(f.ctx, f.city, nf.c.ID, st); err != nil {
			t.Fatalf("advance to %s: %v", st, err)
		}
	}
	return nf
}

// publish publishes a notice of all three submitted nominations for the
// days given (YYYY-MM-DD) and moves the campaign into publicity.
func (nf *noticeFixture) publish(t *testing.T, starts, ends string) *campaign.Notice {
	t.Helper()
	var items []campaign.NoticeItem
	for _, n := range nf.noms {
		items = append(items, campaign.NoticeItem{NominationID: n.ID})
	}
	n, err := nf.svc.Publicize(nf.ctx, nf.city, nf.c.ID, campaign.NoticeInput{Starts: starts, Ends: ends,
		Contact: "电话 021-12345678；地址：团市委组织部", Items: items})
	if err != nil {
		t.Fatalf("publicize: %v", err)
	}
	if nf.c, err = nf.svc.Advance(nf.ctx, nf.city, nf.c.ID, campaign.StagePublicity); err != nil {
		t.Fatal(err)
	}
	return n
}

// days moves the clock forward by n days.
func (nf *noticeFixture) days(n int) { nf.clock.Advance(time.Duration(n) * 24 * time.Hour) }

// object raises a valid objection about the i-th nomination from addr.
func (nf *noticeFixture) object(t *testing.T, i int, addr string) (*campaign.Receipt, error) {
	t.Helper()
	return nf.svc.Object(nf.ctx, nf.c.ID, campaign.ObjectionInput{NominationID: nf.noms[i].ID,
		Text: "该同志获奖材料中的竞赛成绩与实际不符，请核实。"}, addr)
}
