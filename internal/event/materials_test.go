package event_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"qinggong/internal/errs"
	"qinggong/internal/event"
)

var pdf = []byte("%PDF-1.4\n1 0 obj << >> endobj\n")

func TestMaterials(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		e := f.open(t, 10, true, nil)
		m, err := f.events.AddMaterial(f.ctx, f.city, e.ID, "研讨会议程.pdf", pdf)
		if err != nil || m.Type != "application/pdf" || m.Name != "研讨会议程.pdf" {
			t.Fatalf("add: %+v %v", m, err)
		}
		// An Office file is known by its name; text is refused by content
		// whatever it is called; a cadre below does not organize the event.
		if m2, err := f.events.AddMaterial(f.ctx, f.city, e.ID, "讲义.pptx", append([]byte("PK\x03\x04"), bytes.Repeat([]byte{1}, 64)...)); err != nil ||
			!strings.Contains(m2.Type, "presentation") {
			t.Fatalf("pptx: %+v %v", m2, err)
		}
		_, err = f.events.AddMaterial(f.ctx, f.city, e.ID, "议程.pdf", []byte("just text, not a PDF"))
		wantField(t, err, "file", "err.event_material_type")
		_, err = f.events.AddMaterial(f.ctx, f.city, e.ID, "big.pdf", append(pdf, make([]byte, event.MaxMaterial)...))
		wantField(t, err, "file", "err.file_too_large")
		_, err = f.events.AddMaterial(f.ctx, f.u1, e.ID, "a.pdf", pdf)
		wantKind(t, err, errs.NotFound)
		// Whoever sees the event reads its files: an attendee in its
		// audience, not a stranger to a draft.
		p := f.person(t, "王明", f.B1)
		me := f.self(t, p)
		list, err := f.events.Materials(f.ctx, me, e.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("materials for an attendee: %d, %v", len(list), err)
		}
		got, err := f.events.Material(f.ctx, me, m.ID)
		if err != nil || !bytes.Equal(got.Data, pdf) {
			t.Fatalf("read: %v", err)
		}
		draft, err := f.events.Create(f.ctx, f.city, event.Input{OrgID: f.root.ID, Kind: "lecture", Title: "草稿", Place: "会议室",
			RegOpens: f.at(-time.Hour), RegCloses: f.at(time.Hour), Sessions: []event.SessionInput{{Starts: f.at(2 * time.Hour), Ends: f.at(3 * time.Hour)}}})
		if err != nil {
			t.Fatal(err)
		}
		dm, err := f.events.AddMaterial(f.ctx, f.city, draft.ID, "x.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.events.Material(f.ctx, me, dm.ID)
		wantKind(t, err, errs.NotFound)
		// Removing: organizers only, then gone.
		_, err = f.events.RemoveMaterial(f.ctx, f.u1, m.ID)
		wantKind(t, err, errs.NotFound)
		if _, err := f.events.RemoveMaterial(f.ctx, f.city, m.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.events.Material(f.ctx, f.city, m.ID)
		wantKind(t, err, errs.NotFound)
		if n := f.count(t, `SELECT count(*) FROM audit WHERE action LIKE 'event.material.%'`); n != 4 {
			t.Fatalf("%d material audit records, want 4", n)
		}
	})
}

func TestFeedback(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		e := f.open(t, 10, true, nil)
		p1, p2 := f.person(t, "王明", f.B1), f.person(t, "李华", f.B2)
		a1, a2 := f.self(t, p1), f.self(t, p2)
		for _, p := range []int64{p1.ID, p2.ID} {
			if _, err := f.events.Register(f.ctx, f.city, e.ID, p); err != nil {
				t.Fatal(err)
			}
		}
		// Before attending: refused.
		err := f.events.GiveFeedback(f.ctx, a1, e.ID, event.FeedbackInput{Overall: 5, Useful: 4})
		wantMsg(t, err, errs.Conflict, "err.event_feedback_attend")
		f.clock.Advance(48 * time.Hour)
		for _, p := range []int64{p1.ID, p2.ID} {
			if _, err := f.events.Mark(f.ctx, f.city, e.Sessions[0].ID, p, false); err != nil {
				t.Fatal(err)
			}
		}
		err = f.events.GiveFeedback(f.ctx, a1, e.ID, event.FeedbackInput{Overall: 6, Useful: 0})
		wantField(t, err, "overall", "err.event_rating")
		if err := f.events.GiveFeedback(f.ctx, a1, e.ID, event.FeedbackInput{Overall: 5, Useful: 4, Comment: "案例很实用"}); err != nil {
			t.Fatal(err)
		}
		err = f.events.GiveFeedback(f.ctx, a1, e.ID, event.FeedbackInput{Overall: 1, Useful: 1})
		wantMsg(t, err, errs.Conflict, "err.event_feedback_twice")
		if err := f.events.GiveFeedback(f.ctx, a2, e.ID, event.FeedbackInput{Overall: 4, Useful: 3}); err != nil {
			t.Fatal(err)
		}
		if !f.events.GaveFeedback(f.ctx, a1, e.ID) {
			t.Error("GaveFeedback = false after answering")
		}
		sum, err := f.events.FeedbackOf(f.ctx, f.city, e.ID)
		if err != nil || sum.Answers != 2 || sum.Overall != 4.5 || sum.Useful != 3.5 || len(sum.Comments) != 1 || sum.Comments[0].Text != "案例很实用" {
			t.Fatalf("summary = %+v, %v", sum, err)
		}
		_, err = f.events.FeedbackOf(f.ctx, a1, e.ID)
		wantKind(t, err, errs.NotFound)
	})
}

// TestMyEventsOpen: "my events" says which codes can still be scanned (a
// session not ended an hour ago), so the page draws only those.
func TestMyEventsOpen(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		e := f.open(t, 10, true, nil)
		p := f.person(t, "王明", f.B1)
		me := f.self(t, p)
		if _, err := f.events.Register(f.ctx, me, e.ID, 0); err != nil {
			t.Fatal(err)
		}
		mine, err := f.events.MyEvents(f.ctx, me)
		if err != nil || len(mine) != 1 || !mine[0].Open {
			t.Fatalf("before the session: %+v, %v", mine, err)
		}
		f.clock.Advance(50*time.Hour + 61*time.Minute) // the session ended over an hour ago
		if mine, _ = f.events.MyEvents(f.ctx, me); len(mine) != 1 || mine[0].Open {
			t.Fatalf("after the session: %+v", mine)
		}
	})
}
