// Command eventseed adds issue 12's load to a demo database (made by
// `qinggong demo --scale small`): 100,000 events spread over the demo's
// organizations with their sessions, 2,000,000 registrations over the
// demo's people (seats, waitlists and cancellations, the kept counts on
// each event equal to its rows) and the check-ins of sessions already
// held; then what the HTTP measurements of bench/event.sh need:
//
//   - a login and an API token for each of the first --logins people
//     without a login yet (the tokens written to --tokens, one a line, in
//     person order), so that every request of a run can be a different
//     young worker;
//   - "register": a published public event, registration open now, no
//     registrations yet, capacity 100,000 (POST /api/v1/events/{id}/registrations);
//   - "checkin": a published public event every login is registered for,
//     whose one session is under way (POST /api/v1/sessions/{id}/checkin);
//   - two seminars of --seminar attendees (the first --seminar logins),
//     starting within the hour, for the check-in rush of bench/checkinrush;
//   - the young worker for "my events" (the login with the most
//     registrations), with a password so that the script can log in.
//
// The special events are created and published through the event service
// (audited as always); the bulk — events, sessions, registrations,
// check-ins, accounts and their links — goes in as batched SQL (COPY on
// PostgreSQL) in transactions of --batch events, without audit records or
// activity entries of its own (growth records do not show the bulk). The
// tokens go through (*auth.Service).CreateToken, audited, a thousand per
// transaction.
//
// It reads the database and secret like the app (QG_DB, QG_SECRET_FILE,
// --db) and prints key=value lines:
//
//	events=100000 sessions=… registrations=2000000 checkins=… logins=20000
//	register_event=… checkin_event=… checkin_session=… seminar=… seminar_session=…
//	seminar2=… seminar2_session=… mine_login=… mine_registrations=… seed_ms=… analyze_ms=…
//
// With --verify SESSION it only counts a session's check-ins three ways
// (rows, the session's kept count, the audit records) and prints them.
//
//	go run ./bench/eventseed --db sqlite:/tmp/qg.db --tokens /tmp/tokens.txt
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"qinggong/internal/app"
	"qinggong/internal/auth"
	"qinggong/internal/config"
	"qinggong/internal/event"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "eventseed:", err)
		os.Exit(1)
	}
}

type options struct {
	events, registrations, logins, seminar, batch int
	attendance                                    float64
	admin, tokens, password                       string
	seed                                          uint64
	verify                                        int64
	analyze                                       bool
}

func run(ctx context.Context, args []string, out io.Writer) error {
	cfg := config.Default()
	if err := cfg.FromEnv(); err != nil {
		return err
	}
	var o options
	fs := flag.NewFlagSet("eventseed", flag.ContinueOnError)
	cfg.DBFlags(fs)
	fs.IntVar(&o.events, "events", 100_000, "events to add in bulk")
	fs.IntVar(&o.registrations, "registrations", 2_000_000, "registrations to add in bulk, over those events")
	fs.IntVar(&o.logins, "logins", 20_000, "people given a login and an API token (the first by ID without one)")
	fs.IntVar(&o.seminar, "seminar", 2000, "attendees of each of the two rush seminars (the first logins)")
	fs.IntVar(&o.batch, "batch", 2000, "events per transaction")
	fs.Float64Var(&o.attendance, "attendance", 0.8, "share of seats checked in at each session already held")
	fs.StringVar(&o.admin, "admin", "admin", "login of the organizer of the special events (an administrator of the root committee)")
	fs.StringVar(&o.tokens, "tokens", "", "file to write the logins' API tokens to (required unless --verify)")
	fs.StringVar(&o.password, "password", "Bench-Pass-2026x", "password given to the \"my events\" young worker")
	fs.Uint64Var(&o.seed, "seed", 12, "seed of the random choices")
	fs.Int64Var(&o.verify, "verify", 0, "only count the check-ins of this session")
	fs.BoolVar(&o.analyze, "analyze", true, "refresh planner statistics after the load, as the demo does")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if o.verify != 0 {
		return verify(ctx, a, o.verify, out)
	}
	if o.tokens == "" || o.seminar > o.logins || o.events < 1 {
		return errors.New("need --tokens, 1 <= events and seminar <= logins")
	}
	return seed(ctx, a, o, out)
}

func seed(ctx context.Context, a *app.App, o options, out io.Writer) error {
	u, err := a.Users.FindUserByLogin(ctx, o.admin)
	if err != nil {
		return fmt.Errorf("organizer %q: %w", o.admin, err)
	}
	boss, err := a.Users.Actor(ctx, u.ID)
	if err != nil {
		return err
	}
	bctx := auth.WithAuditMeta(ctx, boss)
	start := time.Now()
	w, err := loadWorld(ctx, a.DB)
	if err != nil {
		return err
	}
	// The logins: the first people (by ID) without one yet.
	var people []person
	for _, p := range w.people {
		if !p.linked && len(people) < o.logins {
			people = append(people, p)
		}
	}
	if len(people) < o.seminar {
		return fmt.Errorf("%d people without a login, %d attendees wanted", len(people), o.seminar)
	}
	rng := rand.New(rand.NewPCG(o.seed, 0xE12))
	b := newBulk(w, rng, boss.UserID, start)
	st, err := b.load(ctx, a.DB, o)
	if err != nil {
		return fmt.Errorf("bulk: %w", err)
	}
	bulked := time.Since(start)
	users, err := logins(ctx, a, people)
	if err != nil {
		return fmt.Errorf("logins: %w", err)
	}
	if err := tokens(ctx, a, users, o.tokens); err != nil {
		return fmt.Errorf("tokens: %w", err)
	}
	// The young worker of "my events": the login with the most
	// registrations in the bulk.
	mine := 0
	for i := range people {
		if b.perPerson[people[i].id] > b.perPerson[people[mine].id] {
			mine = i
		}
	}
	if err := a.Users.SetPassword(ctx, users[mine], o.password, false); err != nil {
		return fmt.Errorf("password: %w", err)
	}
	sp, err := specials(bctx, a, boss, b, people, o)
	if err != nil {
		return fmt.Errorf("special events: %w", err)
	}
	seeded := time.Since(start)
	var analyzed time.Duration
	if o.analyze {
		t := time.Now()
		if err := a.DB.Analyze(ctx); err != nil {
			return err
		}
		analyzed = time.Since(t)
	}
	fmt.Fprintf(out, "events=%d\nsessions=%d\nregistrations=%d\nwaitlisted=%d\ncancelled=%d\ncheckins=%d\nlogins=%d\n",
		st.events, st.sessions, st.registrations, st.waitlisted, st.cancelled, st.checkins, len(users))
	fmt.Fprintf(out, "register_event=%d\ncheckin_event=%d\ncheckin_session=%d\nseminar=%d\nseminar_session=%d\nseminar2=%d\nseminar2_session=%d\n",
		sp.register.ID, sp.checkin.ID, sp.checkin.Sessions[0].ID, sp.seminars[0].ID, sp.seminars[0].Sessions[0].ID,
		sp.seminars[1].ID, sp.seminars[1].Sessions[0].ID)
	fmt.Fprintf(out, "seminar_attendees=%d\nmine_login=%s\nmine_registrations=%d\nmean_registrations=%.0f\n",
		o.seminar, loginOf(people[mine].id), b.perPerson[people[mine].id], float64(st.registrations)/float64(len(w.people)))
	fmt.Fprintf(out, "bulk_ms=%d\nseed_ms=%d\nanalyze_ms=%d\n", bulked.Milliseconds(), seeded.Milliseconds(), analyzed.Milliseconds())
	return nil
}

// special are the events the HTTP measurements use.
type special struct {
	register, checkin *event.Event
	seminars          [2]*event.Event
}

// specials creates and publishes the measured events through the event
// service and registers their attendees in bulk.
func specials(ctx context.Context, a *app.App, boss *auth.Actor, b *bulk, people []person, o options) (*special, error) {
	root, err := a.Orgs.Root(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	mk := func(title, kind string, capacity int, opens, closes, starts, ends time.Time) (*event.Event, error) {
		e, err := a.Events.Create(ctx, boss, event.Input{OrgID: root.ID, Kind: kind, Title: title, Place: "上海市青年活动中心报告厅",
			Capacity: capacity, AudienceKind: event.AudiencePublic, RegRequired: true, RegOpens: opens, RegCloses: closes,
			Sessions: []event.SessionInput{{Starts: starts, Ends: ends}}})
		if err != nil {
			return nil, err
		}
		return a.Events.Publish(ctx, boss, e.ID)
	}
	var sp special
	if sp.register, err = mk("压测·报名（万人报名）", "lecture", event.MaxCapacity, now.Add(-time.Hour), now.Add(6*24*time.Hour),
		now.Add(7*24*time.Hour), now.Add(7*24*time.Hour+2*time.Hour)); err != nil {
		return nil, err
	}
	if sp.checkin, err = mk("压测·签到（进行中）", "lecture", 0, now.Add(-48*time.Hour), now.Add(2*time.Hour),
		now.Add(-10*time.Minute), now.Add(3*time.Hour)); err != nil {
		return nil, err
	}
	if err := b.registerAll(ctx, a.DB, sp.checkin.ID, people); err != nil {
		return nil, err
	}
	for i := range sp.seminars {
		title := fmt.Sprintf("压测·青年人才培养研讨会（%d 人签到，第 %d 场）", o.seminar, i+1)
		if sp.seminars[i], err = mk(title, "seminar", o.seminar, now.Add(-7*24*time.Hour), now.Add(20*time.Minute),
			now.Add(30*time.Minute), now.Add(3*time.Hour+30*time.Minute)); err != nil {
			return nil, err
		}
		if err := b.registerAll(ctx, a.DB, sp.seminars[i].ID, people[:o.seminar]); err != nil {
			return nil, err
		}
	}
	return &sp, nil
}

// verify counts a session's check-ins: the rows, the session's kept count
// and the audit records of check-ins to it.
func verify(ctx context.Context, a *app.App, session int64, out io.Writer) error {
	var rows, distinct, attended, audited, expected int
	q := a.DB.R()
	if err := q.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT person_id) FROM checkins WHERE session_id = $1`, session).
		Scan(&rows, &distinct); err != nil {
		return err
	}
	if err := q.QueryRowContext(ctx, `SELECT s.attended, e.registered FROM event_sessions s JOIN events e ON e.id = s.event_id
		WHERE s.id = $1`, session).Scan(&attended, &expected); err != nil {
		return err
	}
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE action = 'event.checkin' AND summary LIKE $1`,
		fmt.Sprintf("session=%d %%", session)).Scan(&audited); err != nil {
		return err
	}
	fmt.Fprintf(out, "session=%d\nregistered=%d\ncheckin_rows=%d\ncheckin_people=%d\nattended=%d\naudit_checkins=%d\n",
		session, expected, rows, distinct, attended, audited)
	return nil
}
