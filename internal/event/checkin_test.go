package event_test

import (
	"strings"
	"testing"
	"time"

	"qinggong/internal/errs"
	"qinggong/internal/event"
)

// Check-in by the organizer's rotating code: the current and the previous
// code work, an older one or another session's does not; twice, without a
// seat, or outside the session's hours is refused; late arrivals and
// walk-ins are recorded as such; attendance is counted and in the ledger.
func TestCheckIn(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		e := f.open(t, 10, true, func(in *event.Input) {
			in.Sessions = append(in.Sessions, event.SessionInput{Starts: f.at(72 * time.Hour), Ends: f.at(74 * time.Hour)})
		})
		s1, s2 := e.Sessions[0], e.Sessions[1]
		seated := f.person(t, "张青", f.B1)
		late := f.person(t, "李青", f.B1)
		noSeat := f.person(t, "王青", f.B1)
		for _, p := range []int64{seated.ID, late.ID} {
			if _, err := f.events.Register(f.ctx, f.u1, e.ID, p); err != nil {
				t.Fatal(err)
			}
		}
		me, lateMe, noSeatMe := f.self(t, seated), f.self(t, late), f.self(t, noSeat)

		// Too early: an hour before the session opens check-in.
		code, err := f.events.SessionCode(f.ctx, f.city, s1.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.events.CheckInByCode(f.ctx, me, s1.ID, code.Code)
		wantMsg(t, err, errs.Conflict, "err.checkin_hours")

		f.clock.Advance(48*time.Hour - 10*time.Minute) // ten minutes before the start
		code, _ = f.events.SessionCode(f.ctx, f.city, s1.ID)
		if _, err := f.events.SessionCode(f.ctx, f.u1, s1.ID); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("a unit cadre reads the city's code: %v", err)
		}
		other, _ := f.events.SessionCode(f.ctx, f.city, s2.ID)
		_, err = f.events.CheckInByCode(f.ctx, me, s1.ID, other.Code)
		wantField(t, err, "code", "err.checkin_code")
		f.clock.Advance(event.CodePeriod) // the code just changed: the last one still works
		c, err := f.events.CheckInByCode(f.ctx, me, s1.ID, strings.ToLower(code.Code))
		if err != nil || c.Late || c.WalkIn || c.Method != event.ByCode {
			t.Fatalf("check-in: %+v %v", c, err)
		}
		_, err = f.events.CheckInByCode(f.ctx, me, s1.ID, code.Code)
		wantMsg(t, err, errs.Conflict, "err.checkin_twice")
		f.clock.Advance(2 * event.CodePeriod) // a photo of the code, passed around
		_, err = f.events.CheckInByCode(f.ctx, lateMe, s1.ID, code.Code)
		wantField(t, err, "code", "err.checkin_code")

		now, _ := f.events.SessionCode(f.ctx, f.city, s1.ID)
		_, err = f.events.CheckInByCode(f.ctx, noSeatMe, s1.ID, now.Code)
		wantMsg(t, err, errs.Conflict, "err.checkin_not_registered")

		f.clock.Advance(30 * time.Minute) // twenty minutes into the session
		now, _ = f.events.SessionCode(f.ctx, f.city, s1.ID)
		if c, err := f.events.CheckInByCode(f.ctx, lateMe, s1.ID, now.Code); err != nil || !c.Late {
			t.Fatalf("late check-in: %+v %v", c, err)
		}
		// The organizer admits someone without a seat only as a walk-in.
		_, err = f.events.Mark(f.ctx, f.city, s1.ID, noSeat.ID, false)
		wantMsg(t, err, errs.Conflict, "err.checkin_not_registered")
		if c, err := f.events.Mark(f.ctx, f.city, s1.ID, noSeat.ID, true); err != nil || !c.WalkIn || c.Method != event.ByMark {
			t.Fatalf("walk-in: %+v %v", c, err)
		}
		list, err := f.events.Attendance(f.ctx, f.city, s1.ID)
		if err != nil || len(list) != 3 || list[0].PersonID != seated.ID {
			t.Fatalf("attendance: %+v %v", list, err)
		}
		got, _ := f.events.Get(f.ctx, f.city, e.ID)
		if got.Sessions[0].Attended != 3 || got.Sessions[1].Attended != 0 {
			t.Fatalf("attended per session: %+v", got.Sessions)
		}
		if n := f.count(t, `SELECT count(*) FROM activity WHERE kind = $1 AND ref_id = $2`, event.ActivityAttended, e.ID); n != 3 {
			t.Fatalf("%d attendances in the ledger", n)
		}
	})
}

// The organizer scans an attendee's personal code from "my events"; a
// code of another event's registration is refused.
func TestCheckInPersonalCode(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		e := f.open(t, 10, true, nil)
		other := f.open(t, 10, true, nil)
		p := f.person(t, "孙青", f.B1)
		if _, err := f.events.Register(f.ctx, f.u1, e.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		r2, err := f.events.Register(f.ctx, f.u1, other.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		mine, err := f.events.MyEvents(f.ctx, f.self(t, p))
		if err != nil || len(mine) != 2 {
			t.Fatalf("my events: %+v %v", mine, err)
		}
		var code string
		for _, m := range mine {
			if m.EventID == e.ID {
				code = m.Code
			}
		}
		f.clock.Advance(48 * time.Hour)
		_, err = f.events.Scan(f.ctx, f.city, e.Sessions[0].ID, r2.Code)
		wantField(t, err, "code", "err.checkin_personal")
		c, err := f.events.Scan(f.ctx, f.city, e.Sessions[0].ID, code)
		if err != nil || c.Method != event.ByPersonal || c.PersonID != p.ID {
			t.Fatalf("scan: %+v %v", c, err)
		}
		// An open event (no registration required) takes walk-ins by code.
		open := f.open(t, 0, false, func(in *event.Input) {
			in.Sessions = []event.SessionInput{{Starts: f.at(48 * time.Hour), Ends: f.at(50 * time.Hour)}}
			in.RegCloses = f.at(48 * time.Hour)
		})
		walker := f.self(t, f.person(t, "周青", f.B2))
		now, _ := f.events.SessionCode(f.ctx, f.city, open.Sessions[0].ID)
		if c, err := f.events.CheckInByCode(f.ctx, walker, open.Sessions[0].ID, now.Code); err != nil || !c.WalkIn {
			t.Fatalf("walk-in by code: %+v %v", c, err)
		}
	})
}
