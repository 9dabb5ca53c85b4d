package main

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"sort"
	"time"

	"qinggong/internal/db"
	"qinggong/internal/event"
)

// person is a registry row as the bulk needs it.
type person struct {
	id, org int64
	name    string
	path    string
	linked  bool // has a login already (the demo's own young workers)
}

// orgRow is an organization as the bulk needs it.
type orgRow struct {
	id                int64
	path, name, short string
	depth             int
}

// world is the demo's organizations and people: people sorted by
// organization path (a subtree is one range) and by ID.
type world struct {
	orgs   map[int64]orgRow
	byPath []person // sorted by path, then id
	people []person // by id
}

func loadWorld(ctx context.Context, d *db.DB) (*world, error) {
	w := &world{orgs: map[int64]orgRow{}}
	rows, err := d.R().QueryContext(ctx, `SELECT id, path, name, short_name, depth FROM orgs WHERE status = 'active'`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var o orgRow
		if err := rows.Scan(&o.id, &o.path, &o.name, &o.short, &o.depth); err != nil {
			rows.Close()
			return nil, err
		}
		w.orgs[o.id] = o
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = d.R().QueryContext(ctx, `SELECT id, org_id, org_path, name, user_id IS NOT NULL FROM people ORDER BY id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p person
		if err := rows.Scan(&p.id, &p.org, &p.path, &p.name, &p.linked); err != nil {
			rows.Close()
			return nil, err
		}
		w.people = append(w.people, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	w.byPath = append([]person(nil), w.people...)
	sort.SliceStable(w.byPath, func(i, j int) bool { return w.byPath[i].path < w.byPath[j].path })
	return w, nil
}

// subtree is the range of byPath under path.
func (w *world) subtree(path string) (int, int) {
	lo := sort.Search(len(w.byPath), func(i int) bool { return w.byPath[i].path >= path })
	up := db.PathUpper(path)
	hi := sort.Search(len(w.byPath), func(i int) bool { return w.byPath[i].path >= up })
	return lo, hi
}

// bulk writes the events, their sessions, registrations and check-ins.
type bulk struct {
	w         *world
	rng       *mrand.Rand
	by        int64 // the registering user (the organizer's administrator)
	now       time.Time
	counter   uint32
	perPerson map[int64]int // registrations not cancelled, by person
}

func newBulk(w *world, rng *mrand.Rand, by int64, now time.Time) *bulk {
	return &bulk{w: w, rng: rng, by: by, now: now, perPerson: map[int64]int{}}
}

// code is a registration's personal code: 80 bits as the engine's, here 48
// random and a 32-bit counter, so that two million are certainly distinct.
func (b *bulk) code() string {
	var x [10]byte
	binary.BigEndian.PutUint64(x[:8], b.rng.Uint64())
	b.counter++
	binary.BigEndian.PutUint32(x[6:], b.counter)
	return codeEnc.EncodeToString(x[:])
}

var codeEnc = base32.StdEncoding.WithPadding(base32.NoPadding)

// plan is one event to write: where, when, how many arrive.
type plan struct {
	org       orgRow
	public    bool
	kind      string
	status    string
	capacity  int
	sessions  []time.Time // starts
	opens     time.Time
	closes    time.Time
	lo, hi    int // the audience's people: byPath[lo:hi]
	n         int // arrivals
	canTakeIn bool
}

// stats are what the bulk wrote.
type stats struct {
	events, sessions, registrations, waitlisted, cancelled, checkins int
}

var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)

// sessionCounts weighs how many sittings an event has.
var sessionCounts = []struct{ n, weight int }{{1, 70}, {2, 15}, {4, 10}, {8, 5}}

// plans decides every event: an organizer at some level above a random
// person (the city rarely, a district or system, a unit, a branch most
// often), the audience its subtree (one in twelve public), a start between
// two years ago and three months ahead, and a log-normal number of
// arrivals (mean 20) capped by the audience; the total is then made
// exactly n registrations over the events whose registration has opened.
func (b *bulk) plans(events, n int) []plan {
	kinds := event.Kinds()
	out := make([]plan, events)
	today := b.now.In(shanghai)
	for i := range out {
		p := &out[i]
		someone := b.w.people[b.rng.IntN(len(b.w.people))]
		chain := db.PathIDs(someone.path)
		var at int
		switch r := b.rng.IntN(100); {
		case r < 1:
			at = 0
		case r < 16:
			at = min(1, len(chain)-1)
		case r < 50:
			at = min(2, len(chain)-1)
		default:
			at = len(chain) - 1
		}
		p.org = b.w.orgs[chain[at]]
		p.public = b.rng.IntN(12) == 0
		p.kind = kinds[b.rng.IntN(len(kinds))]
		switch r := b.rng.IntN(100); {
		case r < 3:
			p.status = event.StatusDraft
		case r < 7:
			p.status = event.StatusCancelled
		default:
			p.status = event.StatusPublished
		}
		day := b.rng.IntN(821) - 730
		first := time.Date(today.Year(), today.Month(), today.Day()+day, 14, 0, 0, 0, shanghai)
		k, r := 1, b.rng.IntN(100)
		for _, c := range sessionCounts {
			if r < c.weight {
				k = c.n
				break
			}
			r -= c.weight
		}
		for s := range k {
			p.sessions = append(p.sessions, first.AddDate(0, 0, 7*s))
		}
		p.opens = first.AddDate(0, 0, -21).Add(-5 * time.Hour) // 09:00, three weeks before
		p.closes = first.Add(-20 * time.Hour)                  // 18:00 the day before
		if p.public {
			p.lo, p.hi = 0, len(b.w.byPath)
		} else {
			p.lo, p.hi = b.w.subtree(p.org.path)
		}
		p.canTakeIn = p.status != event.StatusDraft && p.opens.Before(b.now) && p.hi > p.lo
		if p.canTakeIn {
			x := math.Exp(2.676 + 0.8*b.rng.NormFloat64())
			p.n = min(int(x)+1, p.hi-p.lo, 2000)
		}
	}
	// Exactly n arrivals: spread the difference over the events that can
	// take people, in random order, a share each.
	total := 0
	var open []int
	for i := range out {
		total += out[i].n
		if out[i].canTakeIn {
			open = append(open, i)
		}
	}
	b.rng.Shuffle(len(open), func(i, j int) { open[i], open[j] = open[j], open[i] })
	for pass := 0; total != n && pass < 1000; pass++ {
		for k, i := range open {
			if total == n {
				break
			}
			p := &out[i]
			share := (abs(n-total) + len(open) - k - 1) / (len(open) - k)
			if total < n {
				add := min(share, p.hi-p.lo-p.n, 2000-p.n)
				p.n += add
				total += add
			} else {
				cut := min(share, p.n-1)
				p.n -= cut
				total -= cut
			}
		}
	}
	for i := range out {
		p := &out[i]
		switch {
		case b.rng.IntN(10) < 3:
			p.capacity = 0 // no limit
		default:
			p.capacity = max(5, int(float64(p.n)*(0.7+0.9*b.rng.Float64())))
		}
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// load writes every planned event, batch events per transaction.
func (b *bulk) load(ctx context.Context, d *db.DB, o options) (stats, error) {
	plans := b.plans(o.events, o.registrations)
	var st stats
	for start := 0; start < len(plans); start += o.batch {
		part := plans[start:min(start+o.batch, len(plans))]
		err := d.InTx(ctx, func(tx *db.Tx) error {
			return b.write(ctx, tx, part, start, o.attendance, &st)
		})
		if err != nil {
			return st, err
		}
	}
	return st, nil
}

var (
	eventCols = []string{"id", "org_id", "org_path", "kind", "title", "summary", "place", "online_url", "capacity", "audience_kind",
		"audience_id", "reg_opens", "reg_closes", "reg_required", "status", "registered", "waitlisted", "arrivals", "created_by",
		"created_at", "updated_at"}
	sessionCols      = []string{"id", "event_id", "seq", "starts", "ends", "place", "secret", "attended"}
	registrationCols = []string{"id", "event_id", "person_id", "status", "arrival", "code", "by_user", "registered_at",
		"promoted_at", "cancelled_at"}
	checkinCols = []string{"session_id", "person_id", "registration_id", "method", "late", "walk_in", "by_user", "at"}
)

// write inserts one batch of planned events with everything under them.
func (b *bulk) write(ctx context.Context, tx *db.Tx, part []plan, first int, attendance float64, st *stats) error {
	nsess, nregs := 0, 0
	for _, p := range part {
		nsess += len(p.sessions)
		nregs += p.n
	}
	eids, err := db.NextIDs(ctx, tx, "events", len(part))
	if err != nil {
		return err
	}
	sids, err := db.NextIDs(ctx, tx, "event_sessions", nsess)
	if err != nil {
		return err
	}
	rids, err := db.NextIDs(ctx, tx, "registrations", nregs)
	if err != nil {
		return err
	}
	evs := make([][]any, 0, len(part))
	ses := make([][]any, 0, nsess)
	regs := make([][]any, 0, nregs)
	var cis [][]any
	seen := map[int]bool{}
	for i, p := range part {
		eid := eids[i]
		// The arrivals, in order: a sample of the audience (Floyd's).
		clear(seen)
		picks := make([]int, 0, p.n)
		m := p.hi - p.lo
		for j := m - p.n; j < m; j++ {
			t := b.rng.IntN(j + 1)
			if seen[t] {
				t = j
			}
			seen[t] = true
			picks = append(picks, p.lo+t)
		}
		b.rng.Shuffle(len(picks), func(x, y int) { picks[x], picks[y] = picks[y], picks[x] })
		until := p.closes
		if until.After(b.now) {
			until = b.now
		}
		step := until.Sub(p.opens) / time.Duration(p.n+1)
		registered, waitlisted := 0, 0
		type seat struct {
			reg, person int64
		}
		var seats []seat
		for j, k := range picks {
			who := b.w.byPath[k]
			rid := rids[len(regs)]
			at := p.opens.Add(step * time.Duration(j+1)).UTC()
			status := event.Registered
			var cancelled any
			switch {
			case b.rng.IntN(20) == 0:
				status = event.Cancelled
				cancelled = at.Add(step / 2)
				st.cancelled++
			case p.capacity > 0 && registered >= p.capacity:
				status = event.Waitlisted
				waitlisted++
			default:
				registered++
				seats = append(seats, seat{rid, who.id})
			}
			if status != event.Cancelled {
				b.perPerson[who.id]++
			}
			regs = append(regs, []any{rid, eid, who.id, status, int64(j + 1), b.code(), b.by, at, nil, cancelled})
		}
		st.waitlisted += waitlisted
		for s, starts := range p.sessions {
			sid := sids[len(ses)]
			secret := make([]byte, 32)
			rand.Read(secret)
			ends := starts.Add(2 * time.Hour)
			attended := 0
			if p.status == event.StatusPublished && ends.Before(b.now) {
				for _, x := range seats {
					if b.rng.Float64() >= attendance {
						continue
					}
					at := starts.Add(time.Duration(b.rng.IntN(45)-15) * time.Minute)
					method := event.ByCode
					switch r := b.rng.IntN(20); {
					case r < 5:
						method = event.ByMark
					case r < 6:
						method = event.ByPersonal
					}
					cis = append(cis, []any{sid, x.person, x.reg, method, at.After(starts.Add(event.LateAfter)), false, b.by, at.UTC()})
					attended++
				}
			}
			ses = append(ses, []any{sid, eid, int64(s + 1), starts.UTC(), ends.UTC(), "", secret, int64(attended)})
		}
		who, what := p.org.short, kindTitle[p.kind]
		if who == "" {
			who = p.org.name
		}
		if what == "" {
			what = p.kind
		}
		title := fmt.Sprintf("%s%s第%d期", who, what, first+i+1)
		audience, audienceID := event.AudienceOrg, p.org.id
		if p.public {
			audience, audienceID = event.AudiencePublic, int64(0)
		}
		created := p.opens.Add(-24 * time.Hour).UTC()
		evs = append(evs, []any{eid, p.org.id, p.org.path, p.kind, title, "", p.org.name + "青年之家", "", int64(p.capacity), audience,
			audienceID, p.opens.UTC(), p.closes.UTC(), true, p.status, int64(registered), int64(waitlisted), int64(p.n), b.by, created, created})
	}
	if err := db.CopyRows(ctx, tx, "events", eventCols, evs); err != nil {
		return fmt.Errorf("events: %w", err)
	}
	if err := db.CopyRows(ctx, tx, "event_sessions", sessionCols, ses); err != nil {
		return fmt.Errorf("sessions: %w", err)
	}
	if err := db.CopyRows(ctx, tx, "registrations", registrationCols, regs); err != nil {
		return fmt.Errorf("registrations: %w", err)
	}
	if err := db.CopyRows(ctx, tx, "checkins", checkinCols, cis); err != nil {
		return fmt.Errorf("checkins: %w", err)
	}
	st.events += len(evs)
	st.sessions += len(ses)
	st.registrations += len(regs)
	st.checkins += len(cis)
	return nil
}

// kindTitle names the bulk events by kind.
var kindTitle = map[string]string{
	"seminar": "青年人才培养研讨会", "lecture": "青年职业生涯规划讲座", "class": "青年岗位能手技能提升班", "salon": "青年人才成长沙龙",
	"ceremony": "青年文明号授牌仪式", "competition_day": "青工技能比武日", "training": "基层团干部业务培训", "meeting": "团员青年座谈会",
}

// registerAll seats people at an event (registered in that order, a
// minute apart until now) and moves its kept counts to match.
func (b *bulk) registerAll(ctx context.Context, d *db.DB, eventID int64, people []person) error {
	return d.InTx(ctx, func(tx *db.Tx) error {
		ids, err := db.NextIDs(ctx, tx, "registrations", len(people))
		if err != nil {
			return err
		}
		rows := make([][]any, len(people))
		t0 := b.now.Add(-time.Duration(len(people)+1) * time.Second).UTC()
		for i, p := range people {
			rows[i] = []any{ids[i], eventID, p.id, event.Registered, int64(i + 1), b.code(), b.by, t0.Add(time.Duration(i) * time.Second),
				nil, nil}
		}
		if err := db.CopyRows(ctx, tx, "registrations", registrationCols, rows); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE events SET registered = registered + $1, arrivals = arrivals + $1 WHERE id = $2`,
			len(people), eventID)
		return err
	})
}
