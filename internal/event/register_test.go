package event_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"qinggong/internal/errs"
	"qinggong/internal/event"
	"qinggong/internal/person"
)

// Seats go in arrival order; beyond capacity people wait; a cancelled seat
// goes at once to the first waiting; the ledger records each seat.
func TestRegistrationWaitlist(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		e := f.open(t, 2, true, nil)
		var ps []*person.Person
		for i := range 4 {
			ps = append(ps, f.person(t, fmt.Sprintf("青年%d", i), f.B1))
		}
		me := f.self(t, ps[0])
		r0, err := f.events.Register(f.ctx, me, e.ID, 0) // self-service
		if err != nil || r0.Status != event.Registered || r0.Arrival != 1 || r0.PersonID != ps[0].ID || r0.Code == "" {
			t.Fatalf("own registration: %+v %v", r0, err)
		}
		var rs = []*event.Registration{r0}
		for _, p := range ps[1:] { // by the unit's cadre
			r, err := f.events.Register(f.ctx, f.u1, e.ID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			rs = append(rs, r)
		}
		if rs[1].Status != event.Registered || rs[2].Status != event.Waitlisted || rs[3].Status != event.Waitlisted {
			t.Fatalf("statuses: %s %s %s", rs[1].Status, rs[2].Status, rs[3].Status)
		}
		_, err = f.events.Register(f.ctx, me, e.ID, 0)
		wantMsg(t, err, errs.Conflict, "err.event_registered_twice")
		_, err = f.events.Register(f.ctx, f.b2, e.ID, ps[1].ID) // another district's cadre
		wantKind(t, err, errs.NotFound)

		if _, err := f.events.CancelRegistration(f.ctx, me, r0.ID); err != nil {
			t.Fatal(err)
		}
		got, err := f.events.Get(f.ctx, f.city, e.ID)
		if err != nil || got.Registered != 2 || got.Waitlisted != 1 {
			t.Fatalf("after a cancellation: %+v %v", got, err)
		}
		mine, err := f.events.MyEvents(f.ctx, f.self(t, ps[2]))
		if err != nil || len(mine) != 1 || mine[0].Status != event.Registered || mine[0].PromotedAt == nil || mine[0].Event.ID != e.ID {
			t.Fatalf("the first waiting is promoted: %+v %v", mine, err)
		}
		_, err = f.events.CancelRegistration(f.ctx, me, r0.ID)
		wantMsg(t, err, errs.Conflict, "err.event_cancelled_twice")
		// Registering again after cancelling joins the end of the queue.
		again, err := f.events.Register(f.ctx, me, e.ID, 0)
		if err != nil || again.ID != r0.ID || again.Status != event.Waitlisted || again.Arrival != 5 {
			t.Fatalf("again: %+v %v", again, err)
		}
		// Seats in the ledger: three people were seated (one later cancelled).
		if n := f.count(t, `SELECT count(*) FROM activity WHERE kind = $1 AND ref_id = $2`, event.ActivityRegistered, e.ID); n != 3 {
			t.Fatalf("%d registrations in the ledger, want 3", n)
		}
		if n := f.count(t, `SELECT count(*) FROM audit WHERE action IN ('event.register', 'event.unregister', 'event.promote')`); n != 7 {
			t.Fatalf("%d audited registration changes, want 7", n)
		}
	})
}

// Registering outside the window, outside the audience, for a draft or a
// cancelled event, or from a login with no record is refused, and writes
// nothing.
func TestRegistrationRefused(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.person(t, "李青", f.B2)
		me := f.self(t, p)
		forD1 := f.open(t, 10, true, func(in *event.Input) { in.OrgID, in.AudienceID = f.D1.ID, f.D1.ID })
		before := f.count(t, `SELECT count(*) FROM registrations`)
		_, err := f.events.Register(f.ctx, me, forD1.ID, 0)
		wantMsg(t, err, errs.Conflict, "err.event_audience_person")

		e := f.open(t, 10, true, nil)
		f.clock.Advance(25 * time.Hour) // the window closed
		_, err = f.events.Register(f.ctx, me, e.ID, 0)
		wantMsg(t, err, errs.Conflict, "err.event_window_closed")

		draft, err := f.events.Create(f.ctx, f.city, event.Input{OrgID: f.root.ID, Kind: "lecture", Title: "讲座", Place: "礼堂", Capacity: 5,
			RegOpens: f.at(0), RegCloses: f.at(72 * time.Hour), Sessions: []event.SessionInput{{Starts: f.at(72 * time.Hour), Ends: f.at(74 * time.Hour)}}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.events.Register(f.ctx, me, draft.ID, 0)
		wantMsg(t, err, errs.Conflict, "err.event_not_open")
		_, err = f.events.Register(f.ctx, f.city, draft.ID, 0) // no record of their own
		wantKind(t, err, errs.Conflict)
		if after := f.count(t, `SELECT count(*) FROM registrations`); after != before {
			t.Fatalf("refused registrations wrote %d rows", after-before)
		}
	})
}

// Bad event input is refused field by field.
func TestCreateRefused(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		_, err := f.events.Create(f.ctx, f.city, event.Input{OrgID: f.root.ID, Kind: "party", Capacity: -1,
			RegOpens: f.at(10 * time.Hour), RegCloses: f.at(time.Hour), OnlineURL: "javascript:alert(1)",
			Sessions: []event.SessionInput{{Starts: f.at(5 * time.Hour), Ends: f.at(4 * time.Hour)}}})
		for field, key := range map[string]string{"title": "err.required", "kind": "err.choose", "capacity": "err.invalid",
			"reg_closes": "err.event_window", "online_url": "err.url", "sessions.0.ends": "err.event_ends"} {
			wantField(t, err, field, key)
		}
		_, err = f.events.Create(f.ctx, f.city, event.Input{OrgID: f.root.ID, Kind: "class", Title: "班", Place: "教室",
			RegOpens: f.at(0), RegCloses: f.at(10 * time.Hour)})
		wantField(t, err, "sessions", "err.event_sessions")
		_, err = f.events.Create(f.ctx, f.u1, event.Input{OrgID: f.D2.ID, Kind: "class", Title: "班", Place: "教室"})
		wantField(t, err, "org_id", "err.event_org")
		if n := f.count(t, `SELECT count(*) FROM events`); n != 0 {
			t.Fatalf("refused events wrote %d", n)
		}
	})
}

// 600 people registering at the same moment for 500 seats: exactly 500
// seats, 100 waiting, and every one waiting arrived after every one seated.
func TestRegistrationRush(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		e := f.open(t, 500, true, nil)
		var ids []int64
		for i := range 600 {
			ids = append(ids, f.person(t, fmt.Sprintf("青工%03d", i), f.B1).ID)
		}
		var wg sync.WaitGroup
		errc := make(chan error, len(ids))
		start := make(chan struct{})
		for _, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := f.events.Register(f.ctx, f.u1, e.ID, id)
				errc <- err
			}()
		}
		close(start)
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		got, err := f.events.Get(f.ctx, f.city, e.ID)
		if err != nil || got.Registered != 500 || got.Waitlisted != 100 {
			t.Fatalf("kept counts %+v %v", got, err)
		}
		if n := f.count(t, `SELECT count(*) FROM registrations WHERE event_id = $1 AND status = $2`, e.ID, event.Registered); n != 500 {
			t.Fatalf("%d seats", n)
		}
		lastSeat := f.count(t, `SELECT max(arrival) FROM registrations WHERE event_id = $1 AND status = $2`, e.ID, event.Registered)
		firstWait := f.count(t, `SELECT min(arrival) FROM registrations WHERE event_id = $1 AND status = $2`, e.ID, event.Waitlisted)
		distinct := f.count(t, `SELECT count(DISTINCT arrival) FROM registrations WHERE event_id = $1`, e.ID)
		if lastSeat != 500 || firstWait != 501 || distinct != 600 {
			t.Fatalf("arrivals: last seat %d, first waiting %d, %d distinct", lastSeat, firstWait, distinct)
		}
	})
}

// Random registrations and cancellations never seat more than capacity,
// keep the counts equal to the rows, leave no seat free while anyone
// waits, and promote in arrival order (every seated person arrived before
// every waiting one).
func TestWaitlistProperty(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		rng := rand.New(rand.NewPCG(11, 12))
		const capacity = 3
		e := f.open(t, capacity, true, nil)
		var ps []*person.Person
		for i := range 12 {
			ps = append(ps, f.person(t, fmt.Sprintf("青年%d", i), f.B1))
		}
		regs := map[int64]int64{} // person → registration
		for step := range 120 {
			p := ps[rng.IntN(len(ps))]
			if rid, ok := regs[p.ID]; ok && rng.IntN(2) == 0 {
				if _, err := f.events.CancelRegistration(f.ctx, f.u1, rid); err != nil && errs.KindOf(err) != errs.Conflict {
					t.Fatal(err)
				}
			} else if r, err := f.events.Register(f.ctx, f.u1, e.ID, p.ID); err == nil {
				regs[p.ID] = r.ID
			} else if errs.KindOf(err) != errs.Conflict {
				t.Fatal(err)
			}
			rows, err := f.d.R().QueryContext(f.ctx, `SELECT status, arrival FROM registrations WHERE event_id = $1`, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			var seated, waiting []int
			for rows.Next() {
				var st string
				var arrival int
				if err := rows.Scan(&st, &arrival); err != nil {
					t.Fatal(err)
				}
				switch st {
				case event.Registered:
					seated = append(seated, arrival)
				case event.Waitlisted:
					waiting = append(waiting, arrival)
				}
			}
			rows.Close()
			got, err := f.events.Get(f.ctx, f.city, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case len(seated) > capacity:
				t.Fatalf("step %d: %d seated", step, len(seated))
			case got.Registered != len(seated) || got.Waitlisted != len(waiting):
				t.Fatalf("step %d: kept %d/%d, rows %d/%d", step, got.Registered, got.Waitlisted, len(seated), len(waiting))
			case len(waiting) > 0 && len(seated) < capacity:
				t.Fatalf("step %d: a free seat while %d wait", step, len(waiting))
			case len(waiting) > 0 && slices.Max(seated) > slices.Min(waiting):
				t.Fatalf("step %d: seated %v, waiting %v", step, seated, waiting)
			}
		}
	})
}

// A cadre may cancel for their people, the organizer for anyone; nobody
// else can reach a registration.
func TestCancelScope(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		e := f.open(t, 5, true, nil)
		p := f.person(t, "王青", f.B1)
		r, err := f.events.Register(f.ctx, f.u1, e.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.events.CancelRegistration(f.ctx, f.b2, r.ID)
		wantKind(t, err, errs.NotFound)
		stranger := f.self(t, f.person(t, "赵青", f.B2))
		_, err = f.events.CancelRegistration(f.ctx, stranger, r.ID)
		wantKind(t, err, errs.NotFound)
		if _, err := f.events.CancelRegistration(f.ctx, f.city, r.ID); err != nil {
			t.Fatal(err)
		}
	})
}

// "My events" at the door: the events still to check in to, then the
// latest past ones up to the number asked, and how many more the whole
// list holds; cancelled registrations are in neither.
func TestMyEventsAtDoor(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.person(t, "王青", f.B1)
		me := f.self(t, p)
		var ids []int64
		for i := range 6 {
			e := f.open(t, 0, true, func(in *event.Input) {
				if i >= 3 { // still to come after the clock moves
					in.Sessions = []event.SessionInput{{Starts: f.at(30 * 24 * time.Hour), Ends: f.at(30*24*time.Hour + 2*time.Hour)}}
				}
			})
			r, err := f.events.Register(f.ctx, me, e.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			if i == 5 {
				if _, err := f.events.CancelRegistration(f.ctx, me, r.ID); err != nil {
					t.Fatal(err)
				}
			}
			ids = append(ids, e.ID)
		}
		f.clock.Advance(5 * 24 * time.Hour) // the first three are over
		got, hidden, err := f.events.MyEventsAtDoor(f.ctx, me, 2)
		if err != nil {
			t.Fatal(err)
		}
		var shown []int64
		var open []bool
		for _, m := range got {
			shown = append(shown, m.Event.ID)
			open = append(open, m.Open)
		}
		if !slices.Equal(shown, []int64{ids[4], ids[3], ids[2], ids[1]}) || !slices.Equal(open, []bool{true, true, false, false}) || hidden != 1 {
			t.Fatalf("shown %v (open %v), %d hidden; events %v", shown, open, hidden, ids)
		}
		all, err := f.events.MyEvents(f.ctx, me)
		if err != nil || len(all) != 5 {
			t.Fatalf("all: %d %v", len(all), err)
		}
		for i, m := range got {
			if m.Registration != all[i].Registration || m.Event.Title != all[i].Event.Title {
				t.Fatalf("row %d differs from MyEvents: %+v / %+v", i, m, all[i])
			}
		}
		if got, hidden, err := f.events.MyEventsAtDoor(f.ctx, me, 0); err != nil || len(got) != 2 || hidden != 3 {
			t.Fatalf("no past ones: %d shown, %d hidden, %v", len(got), hidden, err)
		}
	})
}
