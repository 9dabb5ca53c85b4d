package campaign_test

import (
	"strings"
	"testing"

	"qinggong/internal/campaign"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// named names the second and third candidates (no tiers) and returns
// their certificates.
func (nf *noticeFixture) named(t *testing.T) []campaign.Certificate {
	t.Helper()
	_, open := nf.readyToName(t)
	if _, err := nf.svc.DecideObjection(nf.ctx, nf.city, open, campaign.Decision{Status: campaign.ObjDismissed, Reason: "不属实"}); err != nil {
		t.Fatal(err)
	}
	nf.days(1)
	certs, err := nf.svc.Name(nf.ctx, nf.city, nf.c.ID, []campaign.Winner{{NominationID: nf.noms[1].ID}, {NominationID: nf.noms[2].ID}})
	if err != nil {
		t.Fatal(err)
	}
	return certs
}

// A certificate verifies by its code until revoked; then verification
// says revoked, when and why. Only the organizer reads or revokes it.
func TestCertificateVerifyRevoke(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		nf := newNoticeFixture(t, f)
		certs := nf.named(t)
		x := certs[0]
		v, err := nf.svc.Verify(f.ctx, " "+strings.ToUpper(x.Code)+" ")
		if err != nil || !v.Valid || v.Holder != "李工" || v.Campaign != nf.c.Title || v.Number != x.Number || v.Organizer != f.root.Name ||
			v.IssuedOn != "2025-03-06" || v.RevokedOn != "" {
			t.Fatalf("verify: %+v %v", v, err)
		}
		for _, code := range []string{"", "abc", strings.Repeat("a", 32), x.Number} {
			if _, err := nf.svc.Verify(f.ctx, code); errs.KindOf(err) != errs.NotFound {
				t.Errorf("verify %q: %v", code, err)
			}
		}
		if _, err := nf.svc.Certificate(f.ctx, f.city, x.ID); err != nil {
			t.Fatal(err)
		}
		_, err = nf.svc.Certificate(f.ctx, f.d1, x.ID)
		wantKind(t, err, errs.NotFound)
		if list, err := nf.svc.Certificates(f.ctx, f.city, nf.c.ID); err != nil || len(list) != 2 {
			t.Fatalf("certificates: %d %v", len(list), err)
		}
		_, err = nf.svc.Revoke(f.ctx, f.d1, x.ID, "弄虚作假")
		wantKind(t, err, errs.NotFound)
		_, err = nf.svc.Revoke(f.ctx, f.city, x.ID, "  ")
		wantField(t, err, "reason", "err.required")

		nf.days(10)
		r, err := nf.svc.Revoke(f.ctx, f.city, x.ID, "获奖后查实材料弄虚作假")
		if err != nil || r.RevokedAt == nil {
			t.Fatalf("revoke: %+v %v", r, err)
		}
		v, err = nf.svc.Verify(f.ctx, x.Code)
		if err != nil || v.Valid || v.RevokeReason != "获奖后查实材料弄虚作假" || v.RevokedOn != "2025-03-16" {
			t.Fatalf("verify revoked: %+v %v", v, err)
		}
		_, err = nf.svc.Revoke(f.ctx, f.city, x.ID, "again")
		wantKind(t, err, errs.Conflict)
		if v, _ := nf.svc.Verify(f.ctx, certs[1].Code); !v.Valid {
			t.Fatal("revoking one certificate revoked another")
		}
		ann, err := nf.svc.Winners(f.ctx, nf.c.ID)
		if err != nil || len(ann.Winners) != 1 || ann.Winners[0].Name != "赵技" {
			t.Fatalf("announcement after revocation: %+v %v", ann, err)
		}
		if n := f.count(t, `SELECT count(*) FROM activity WHERE kind = 'honour.revoked' AND person_id = $1`, nf.people[1].ID); n != 1 {
			t.Fatalf("%d revocations in the growth record", n)
		}
		if n := f.count(t, `SELECT count(*) FROM audit WHERE action IN ('campaign.certificate.issue', 'campaign.certificate.revoke')`); n != 3 {
			t.Fatalf("%d certificate records audited, want 3", n)
		}
	})
}

// Verification codes are 32 characters of base32 and never repeat: the
// database refuses a repeated code or number.
func TestCertificateCodes(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		nf := newNoticeFixture(t, f)
		certs := nf.named(t)
		for _, col := range []string{"code", "number"} {
			_, err := f.d.W().ExecContext(f.ctx, `UPDATE certificates SET `+col+` = (SELECT `+col+` FROM certificates WHERE id = $1) WHERE id = $2`,
				certs[0].ID, certs[1].ID)
			if !db.IsUniqueViolation(err) {
				t.Errorf("a repeated %s: %v", col, err)
			}
		}
		rows, err := f.d.R().QueryContext(f.ctx, `SELECT code, number FROM certificates`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		seen := map[string]bool{}
		for rows.Next() {
			var code, number string
			if err := rows.Scan(&code, &number); err != nil {
				t.Fatal(err)
			}
			if len(code) < 32 || strings.Trim(code, "abcdefghijklmnopqrstuvwxyz234567") != "" || seen[code] || strings.Contains(code, number) {
				t.Errorf("code %q", code)
			}
			seen[code] = true
		}
		if len(seen) != 2 {
			t.Fatalf("%d codes", len(seen))
		}
	})
}
