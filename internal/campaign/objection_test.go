package campaign_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/campaign"
	"qinggong/internal/errs"
)

// Anyone may object during the notice's days, about a candidate on it,
// with a PDF, JPEG or PNG of at most 5 MB; five a day from one address.
func TestObjection(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		nf := newNoticeFixture(t, f)
		_, err := nf.object(t, 0, "192.0.2.1") // reviewing: no public notice
		wantKind(t, err, errs.NotFound)
		nf.publish(t, "2025-03-02", "2025-03-06")
		_, err = nf.object(t, 0, "192.0.2.1") // 03-01: before the period
		if e, ok := errs.As(err); !ok || e.Msg != "err.objection_period" {
			t.Fatalf("before the period: %v", err)
		}
		nf.days(1)
		rc, err := nf.object(t, 0, "192.0.2.1")
		if err != nil || !strings.HasPrefix(rc.Ref, campaignRef(nf.c)) {
			t.Fatalf("object: %+v %v", rc, err)
		}

		object := func(in campaign.ObjectionInput) error {
			_, err := nf.svc.Object(f.ctx, nf.c.ID, in, "192.0.2.9")
			return err
		}
		text := "材料中的获奖证书系伪造，请组织核查。"
		wantField(t, object(campaign.ObjectionInput{NominationID: nf.pending.ID, Text: text}), "nomination_id", "err.choose")
		wantField(t, object(campaign.ObjectionInput{NominationID: nf.noms[0].ID, Text: "不属实"}), "text", "err.objection_text")
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, campaign.MaxAttachment)...)
		wantField(t, object(campaign.ObjectionInput{NominationID: nf.noms[0].ID, Text: text, File: &campaign.Attachment{Name: "big.png", Data: png}}),
			"file", "err.objection_file_size")
		wantField(t, object(campaign.ObjectionInput{NominationID: nf.noms[0].ID, Text: text,
			File: &campaign.Attachment{Name: "证据.pdf", Type: "application/pdf", Data: []byte("<html><script>alert(1)</script></html>")}}),
			"file", "err.objection_file_type")
		pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
		if err := object(campaign.ObjectionInput{NominationID: nf.noms[1].ID, Text: text, Name: "  张三 ", Contact: "13800000000",
			File: &campaign.Attachment{Name: `C:\证据\材料.pdf`, Type: "image/png", Data: pdf}}); err != nil {
			t.Fatalf("object with a PDF: %v", err)
		}
		list, err := nf.svc.Objections(f.ctx, f.city, nf.c.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("objections: %d %v", len(list), err)
		}
		o := list[1]
		if o.Status != campaign.ObjOpen || o.Name != "张三" || o.FileType != "application/pdf" || o.FileName != "材料.pdf" || o.NomineeName != "李工" {
			t.Fatalf("objection = %+v", o)
		}
		_, a, err := nf.svc.ObjectionFile(f.ctx, f.city, o.ID)
		if err != nil || !bytes.Equal(a.Data, pdf) {
			t.Fatalf("file: %v", err)
		}
		_, _, err = nf.svc.ObjectionFile(f.ctx, f.city, list[0].ID) // none attached
		wantKind(t, err, errs.NotFound)
		_, _, err = nf.svc.ObjectionFile(f.ctx, f.d1, o.ID)
		wantKind(t, err, errs.NotFound)
		_, err = nf.svc.Objections(f.ctx, f.d1, nf.c.ID)
		wantKind(t, err, errs.NotFound)

		// 192.0.2.1 has raised one; four more, then the sixth is refused.
		for range 4 {
			if _, err := nf.object(t, 2, "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
		}
		_, err = nf.object(t, 2, "192.0.2.1")
		wantKind(t, err, errs.TooMany)
		if _, err := nf.object(t, 2, "198.51.100.7"); err != nil {
			t.Fatalf("another address: %v", err)
		}
		nf.days(1) // a new day
		if _, err := nf.object(t, 2, "192.0.2.1"); err != nil {
			t.Fatalf("the next day: %v", err)
		}
		nf.days(4) // 03-07: over
		_, err = nf.object(t, 2, "192.0.2.2")
		wantKind(t, err, errs.Conflict)
		if n := f.count(t, `SELECT count(*) FROM audit WHERE action = 'campaign.objection.create' AND actor_login = 'anonymous' AND actor_id = 0`); n != 8 {
			t.Fatalf("%d objections audited as anonymous, want 8", n)
		}
		if n := f.count(t, `SELECT objections FROM notices WHERE campaign_id = $1`, nf.c.ID); n != 8 {
			t.Fatalf("counter %d, want 8", n)
		}
	})
}

func campaignRef(c *campaign.Campaign) string { return strconv.FormatInt(c.ID, 10) + "-" }

// The organizer handles an objection: open, then investigating, then
// upheld or dismissed with the reason; a decision stands.
func TestDecideObjection(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		nf := newNoticeFixture(t, f)
		nf.publish(t, "2025-03-01", "2025-03-05")
		if _, err := nf.object(t, 0, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		list, _ := nf.svc.Objections(f.ctx, f.city, nf.c.ID)
		id := list[0].ID
		decide := func(status, reason string) (*campaign.Objection, error) {
			return nf.svc.DecideObjection(f.ctx, f.city, id, campaign.Decision{Status: status, Reason: reason})
		}
		_, err := nf.svc.DecideObjection(f.ctx, f.d1, id, campaign.Decision{Status: campaign.ObjInvestigating})
		wantKind(t, err, errs.NotFound)
		_, err = decide("closed", "")
		wantField(t, err, "status", "err.choose")
		_, err = decide(campaign.ObjUpheld, " ")
		wantField(t, err, "reason", "err.required")
		o, err := decide(campaign.ObjInvestigating, "")
		if err != nil || o.Status != campaign.ObjInvestigating || o.DecidedAt == nil {
			t.Fatalf("investigate: %+v %v", o, err)
		}
		_, err = decide(campaign.ObjInvestigating, "")
		wantKind(t, err, errs.Conflict)
		if o, err = decide(campaign.ObjDismissed, "经核实，竞赛成绩属实。"); err != nil || o.Reason != "经核实，竞赛成绩属实。" {
			t.Fatalf("dismiss: %+v %v", o, err)
		}
		_, err = decide(campaign.ObjUpheld, "改判")
		wantKind(t, err, errs.Conflict)
		if n := f.count(t, `SELECT count(*) FROM audit WHERE action = 'campaign.objection.decide' AND object_id = $1`, id); n != 2 {
			t.Fatalf("%d decisions audited", n)
		}
	})
}
