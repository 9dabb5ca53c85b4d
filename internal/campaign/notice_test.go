package campaign_test

import (
	"encoding/json"
	"strings"
	"testing"

	"qinggong/internal/campaign"
	"qinggong/internal/errs"
	"qinggong/internal/web"
)

// A notice lists submitted nominations of the campaign, each once, for 1
// to 30 days from today; it may be replaced until its first day.
func TestPublicize(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		nf := newNoticeFixture(t, f)
		in := func(starts, ends string, ids ...int64) campaign.NoticeInput {
			x := campaign.NoticeInput{Starts: starts, Ends: ends, Contact: "电话 021-12345678"}
			for _, id := range ids {
				x.Items = append(x.Items, campaign.NoticeItem{NominationID: id})
			}
			return x
		}
		a, b, c := nf.noms[0].ID, nf.noms[1].ID, nf.noms[2].ID
		_, err := nf.svc.Publicize(f.ctx, f.city, nf.c.ID, in("2025-03-02", "2025-03-08", a, nf.pending.ID, a))
		wantField(t, err, "items.1.nomination_id", "err.notice_nomination")
		wantField(t, err, "items.2.nomination_id", "err.notice_twice")
		_, err = nf.svc.Publicize(f.ctx, f.city, nf.c.ID, in("2025-02-28", "2025-03-31", a))
		wantField(t, err, "starts", "err.notice_starts_past")
		wantField(t, err, "ends", "err.notice_period")
		_, err = nf.svc.Publicize(f.ctx, f.city, nf.c.ID, in("2025-03-05", "2025-03-04", a))
		wantField(t, err, "ends", "err.notice_period")
		_, err = nf.svc.Publicize(f.ctx, f.city, nf.c.ID, in("2025-3-5", "2025-03-10"))
		wantField(t, err, "starts", "err.date_format")
		wantField(t, err, "items", "err.notice_items")
		x := in("2025-03-02", "2025-03-08", a)
		x.Contact, x.Items[0].Summary = " ", strings.Repeat("好", 501)
		_, err = nf.svc.Publicize(f.ctx, f.city, nf.c.ID, x)
		wantField(t, err, "contact", "err.required")
		wantField(t, err, "items.0.summary", "err.too_long")
		_, err = nf.svc.Publicize(f.ctx, f.d1, nf.c.ID, in("2025-03-02", "2025-03-08", a))
		wantKind(t, err, errs.NotFound)
		if n := f.count(t, `SELECT count(*) FROM notices`); n != 0 {
			t.Fatalf("%d notices written by refused calls", n)
		}

		n, err := nf.svc.Publicize(f.ctx, f.city, nf.c.ID, in("2025-03-03", "2025-03-09", a, b))
		if err != nil || len(n.Items) != 2 || n.Items[0].Summary != nf.noms[0].Summary {
			t.Fatalf("publicize: %+v %v", n, err)
		}
		// Not public while the campaign is reviewing.
		_, err = nf.svc.PublicNotice(f.ctx, nf.c.ID)
		wantKind(t, err, errs.NotFound)
		// Replaced before it starts: three candidates, one summary edited.
		x = in("2025-03-03", "2025-03-09", c, a, b)
		x.Items[0].Summary = "市级技术能手"
		if n, err = nf.svc.Publicize(f.ctx, f.city, nf.c.ID, x); err != nil || len(n.Items) != 3 || n.Items[0].NominationID != c {
			t.Fatalf("replace: %+v %v", n, err)
		}
		if nf.c, err = nf.svc.Advance(f.ctx, f.city, nf.c.ID, campaign.StagePublicity); err != nil {
			t.Fatal(err)
		}
		v, err := nf.svc.PublicNotice(f.ctx, nf.c.ID)
		if err != nil || len(v.Items) != 3 || v.Open || v.Contact != "电话 021-12345678" {
			t.Fatalf("public view: %+v %v", v, err)
		}
		if v.Items[0].Name != "赵技" || v.Items[0].Org != f.root.Name || v.Items[0].Summary != "市级技术能手" || v.Items[1].Org != f.D1.Name {
			t.Fatalf("items: %+v", v.Items)
		}
		// Nothing personal beyond names and organizations.
		body, _ := json.Marshal(v)
		for _, p := range nf.people {
			for _, secret := range []string{p.IDMasked, p.BirthDate, moral} {
				if secret != "" && strings.Contains(string(body), secret) {
					t.Errorf("public view holds %q", secret)
				}
			}
		}
		nf.days(2) // 2025-03-03: started
		if v, _ = nf.svc.PublicNotice(f.ctx, nf.c.ID); !v.Open {
			t.Fatal("the notice is not open on its first day")
		}
		_, err = nf.svc.Publicize(f.ctx, f.city, nf.c.ID, in("2025-03-04", "2025-03-09", a))
		if e, ok := errs.As(err); !ok || e.Msg != "err.notice_started" {
			t.Fatalf("replace a started notice: %v", err)
		}
		if n := f.count(t, `SELECT count(*) FROM audit WHERE action = 'campaign.notice.publish' AND object_id = $1`, nf.c.ID); n != 2 {
			t.Fatalf("%d publications audited", n)
		}
	})
}

// The keys the notice pages build from stored values (which the web
// package's literal scan cannot see) exist in both languages.
func TestNoticeCatalogKeys(t *testing.T) {
	keys := []string{"event." + campaign.KindHonour, "event." + campaign.KindHonourRevoked}
	for _, st := range []string{campaign.ObjOpen, campaign.ObjInvestigating, campaign.ObjUpheld, campaign.ObjDismissed} {
		keys = append(keys, "objection.status."+st)
	}
	for _, lang := range web.Languages {
		for _, k := range keys {
			if web.Catalog(lang)[k] == "" {
				t.Errorf("%s catalog lacks %s", lang, k)
			}
		}
	}
}
