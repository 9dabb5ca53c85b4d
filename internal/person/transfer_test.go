package person_test

import (
	"testing"

	"qinggong/internal/activity"
	"qinggong/internal/auth"
	"qinggong/internal/errs"
	"qinggong/internal/person"
)

// A transfer from D1 to D2: D1 asks, D2 decides; the person moves only on
// approval, counts follow, the growth record notes it, history stays.
func TestTransferLifecycle(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		cadre2 := f.actor(t, "d2.cadre", auth.Cadre, "org", f.d2.ID)
		p := f.add(t, "转接人", f.b1)

		t.Run("ErrInvalid", func(t *testing.T) {
			_, err := f.people.RequestTransfer(f.ctx, f.cadre1, p.ID, person.TransferInput{ToOrgCode: "NOPE", Date: "2025-13-01"})
			wantFields(t, err, map[string]string{"to_org_code": "err.org_unknown", "reason": "err.required", "transfer_date": "err.date"})
			_, err = f.people.RequestTransfer(f.ctx, f.cadre1, p.ID, person.TransferInput{ToOrgCode: f.b1.Code, Reason: "x"})
			wantFields(t, err, map[string]string{"to_org_code": "err.transfer_same"})
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			// D2's cadre cannot ask for a D1 person; a viewer of D1 may not ask at all.
			_, err := f.people.RequestTransfer(f.ctx, cadre2, p.ID, person.TransferInput{ToOrgCode: f.u2.Code, Reason: "x"})
			wantKind(t, err, errs.NotFound)
			_, err = f.people.RequestTransfer(f.ctx, f.viewer1, p.ID, person.TransferInput{ToOrgCode: f.u2.Code, Reason: "x"})
			wantKind(t, err, errs.Forbidden)
		})

		tr, err := f.people.RequestTransfer(f.ctx, f.cadre1, p.ID, person.TransferInput{ToOrgCode: f.u2.Code, Reason: "工作调动", Date: "2025-02-20"})
		if err != nil {
			t.Fatal(err)
		}
		if tr.Status != person.TransferPending || tr.ToOrgID != f.u2.ID || tr.FromOrgID != f.b1.ID {
			t.Fatalf("request = %+v", tr)
		}
		_, err = f.people.RequestTransfer(f.ctx, f.cadre1, p.ID, person.TransferInput{ToOrgCode: f.u2.Code, Reason: "again"})
		wantKind(t, err, errs.Conflict)

		// The sending side cannot approve; the receiving side sees it as incoming.
		_, err = f.people.ApproveTransfer(f.ctx, f.cadre1, tr.ID, "")
		wantKind(t, err, errs.Forbidden)
		in, err := f.people.Transfers(f.ctx, cadre2, person.TransferFilter{Incoming: true, Status: person.TransferPending})
		if err != nil || len(in) != 1 || in[0].ID != tr.ID {
			t.Fatalf("incoming for D2 = %v, %v", in, err)
		}
		if in, _ := f.people.Transfers(f.ctx, f.cadre1, person.TransferFilter{Incoming: true}); len(in) != 0 {
			t.Errorf("D1 sees an incoming transfer: %v", in)
		}
		// Until approval D2 cannot read the person.
		if _, err := f.people.Get(f.ctx, cadre2, p.ID); errs.KindOf(err) != errs.NotFound {
			t.Errorf("D2 reads the person before approval: %v", err)
		}

		done, err := f.people.ApproveTransfer(f.ctx, cadre2, tr.ID, "欢迎")
		if err != nil {
			t.Fatal(err)
		}
		if done.Status != person.TransferApproved || done.Note != "欢迎" {
			t.Errorf("approved = %+v", done)
		}
		moved, err := f.people.Get(f.ctx, cadre2, p.ID)
		if err != nil || moved.OrgID != f.u2.ID {
			t.Fatalf("after approval: %+v, %v", moved, err)
		}
		if _, err := f.people.Get(f.ctx, f.cadre1, p.ID); errs.KindOf(err) != errs.NotFound {
			t.Errorf("D1 still reads the person: %v", err)
		}
		f.wantRollupsClean(t)
		rows, err := f.people.Timeline(f.ctx, cadre2, p.ID, 0, 10)
		if err != nil || len(rows) != 1 || rows[0].Kind != person.KindTransferred || rows[0].OrgID != f.u2.ID {
			t.Errorf("timeline = %+v, %v", rows, err)
		}
		if bad, err := activity.Check(f.ctx, f.d.R()); err != nil || len(bad) > 0 {
			t.Errorf("activity check: %v %v", bad, err)
		}
		// Decided once only; the history is the person's and stays.
		_, err = f.people.RejectTransfer(f.ctx, cadre2, tr.ID, "")
		wantKind(t, err, errs.Conflict)
		hist, err := f.people.Transfers(f.ctx, cadre2, person.TransferFilter{Person: p.ID})
		if err != nil || len(hist) != 1 {
			t.Errorf("history = %v, %v", hist, err)
		}
		// The sending side still sees its outgoing request.
		out, err := f.people.Transfers(f.ctx, f.cadre1, person.TransferFilter{})
		if err != nil || len(out) != 1 || out[0].Status != person.TransferApproved {
			t.Errorf("outgoing for D1 = %v, %v", out, err)
		}
		if got := f.auditSince(t, 0); !containsPrefix(got, "person.transfer.approved") || !containsPrefix(got, "person.transfer.request") {
			t.Errorf("audit lacks the transfer: %v", got)
		}
	})
}

// Rejecting and withdrawing leave the person where they were.
func TestTransferRejectCancel(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		cadre2 := f.actor(t, "d2.cadre", auth.Cadre, "org", f.d2.ID)
		p := f.add(t, "留下", f.b1)
		tr, err := f.people.RequestTransfer(f.ctx, f.cadre1, p.ID, person.TransferInput{ToOrgCode: f.b2.Code, Reason: "x"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.people.CancelTransfer(f.ctx, cadre2, tr.ID)
		wantKind(t, err, errs.Forbidden) // the receiver sees it but may not withdraw it
		if _, err := f.people.RejectTransfer(f.ctx, cadre2, tr.ID, "名额已满"); err != nil {
			t.Fatal(err)
		}
		tr, err = f.people.RequestTransfer(f.ctx, f.cadre1, p.ID, person.TransferInput{ToOrgCode: f.b2.Code, Reason: "y"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.people.CancelTransfer(f.ctx, f.cadre1, tr.ID); err != nil {
			t.Fatal(err)
		}
		got, err := f.people.Get(f.ctx, f.cadre1, p.ID)
		if err != nil || got.OrgID != f.b1.ID {
			t.Errorf("person moved: %+v %v", got, err)
		}
		other := f.actor(t, "u2.viewer", auth.Viewer, "org", f.u2.ID)
		if _, err := f.people.GetTransfer(f.ctx, other, tr.ID); errs.KindOf(err) != errs.NotFound {
			t.Errorf("a viewer of the receiving unit sees the transfer: %v", err)
		}
		f.wantRollupsClean(t)
	})
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
			return true
		}
	}
	return false
}
