package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/event"
	"qinggong/internal/org"
)

// The demo's events: the seminar the work plan names
// (青年职业生涯导航活动与青年人才培养研讨会), held by the city ten days ago
// with its attendance taken, and gatherings of every kind in the
// districts — some past with attendance, some open for registration now,
// one full with a waitlist. Everything goes through the event engine on
// the demo's own clock, so past registrations and check-ins happened in
// the past.

// demoEventKinds are the district events: kind, title, sessions, capacity.
var demoEventKinds = []struct {
	kind, title string
	sessions    int
	capacity    int
}{
	{"lecture", "青年职业生涯规划专题讲座", 1, 150},
	{"class", "青年岗位能手技能提升培训班", 4, 40},
	{"salon", "青年人才成长沙龙", 1, 30},
	{"training", "基层团干部业务培训", 2, 60},
	{"competition_day", "青工技能比武日", 1, 80},
}

func loadEvents(ctx context.Context, s Services, root *org.Org, seed int64, today time.Time) (int, error) {
	clock := &demoClock{}
	svc := event.New(s.DB, s.Audit, s.Orgs, s.People, clock.now)
	by := &auth.Actor{UserID: 0, Login: "demo", OrgID: root.ID,
		Grants: []auth.Grant{{Role: auth.OrgAdmin, ScopeKind: "org", ScopeID: root.ID, Paths: []string{root.Path}}}}
	rng := rand.New(rand.NewPCG(uint64(seed), 0xE7E))
	day := func(d int, h int) time.Time {
		t := today.In(shanghai)
		return time.Date(t.Year(), t.Month(), t.Day()+d, h, 0, 0, 0, shanghai)
	}
	made := 0
	// run creates and publishes an event at start (days from today), has n
	// people of the organizer's subtree register, and, for sessions past,
	// checks in most of the seated.
	run := func(o *org.Org, kind, title, place string, sessions, capacity, start, n int, public bool) error {
		in := event.Input{OrgID: o.ID, Kind: kind, Title: title, Place: place, Capacity: capacity, RegRequired: true,
			RegOpens: day(start-20, 9), RegCloses: day(start, 8)}
		if public {
			in.AudienceKind = event.AudiencePublic
		}
		for i := range sessions {
			in.Sessions = append(in.Sessions, event.SessionInput{Starts: day(start+7*i, 14), Ends: day(start+7*i, 16)})
		}
		clock.t = day(start-21, 10)
		e, err := svc.Create(ctx, by, in)
		if err == nil {
			e, err = svc.Publish(ctx, by, e.ID)
		}
		if err != nil {
			return fmt.Errorf("demo: event %s: %w", title, err)
		}
		made++
		ids, err := peopleUnder(ctx, s, o.Path, n)
		if err != nil {
			return err
		}
		for i, id := range ids {
			clock.t = day(start-19, 9).Add(time.Duration(i) * 7 * time.Minute)
			if _, err := svc.Register(ctx, by, e.ID, id); err != nil {
				return fmt.Errorf("demo: register for %s: %w", title, err)
			}
		}
		for _, x := range e.Sessions {
			if !x.Ends.Before(today) {
				continue
			}
			for _, id := range ids {
				if rng.IntN(10) < 2 { // about one in five stays away
					continue
				}
				clock.t = x.Starts.Add(time.Duration(rng.IntN(30)-10) * time.Minute)
				if _, err := svc.Mark(ctx, by, x.ID, id, false); err != nil && !isConflict(err) {
					return fmt.Errorf("demo: check-in at %s: %w", title, err)
				}
			}
		}
		return nil
	}
	if err := run(root, "seminar", "青年职业生涯导航活动与青年人才培养研讨会", "上海市青年活动中心报告厅", 1, 300, -10, 120, true); err != nil {
		return made, err
	}
	districts, err := districtsOf(ctx, s, by, root, 4)
	if err != nil {
		return made, err
	}
	for i, d := range districts {
		for j, k := range demoEventKinds {
			start := []int{-30, -5, 6, 12}[(i+j)%4] // past, just held, open now, open soon after
			n := k.capacity / 3
			if i == 0 && j == 2 {
				n = k.capacity + 6 // full, with a waitlist
			}
			if err := run(d, k.kind, d.ShortName+k.title, d.Name+"青年之家", k.sessions, k.capacity, start, n, false); err != nil {
				return made, err
			}
		}
	}
	return made, nil
}

// peopleUnder picks up to n active people of the subtree at path.
func peopleUnder(ctx context.Context, s Services, path string, n int) ([]int64, error) {
	rows, err := s.DB.R().QueryContext(ctx, `SELECT id FROM people WHERE status = 'active' AND org_path >= $1 AND org_path < $2
		ORDER BY id LIMIT $3`, path, db.PathUpper(path), n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// districtsOf is the first n district committees under the root.
func districtsOf(ctx context.Context, s Services, by *auth.Actor, root *org.Org, n int) ([]*org.Org, error) {
	rows, err := s.DB.R().QueryContext(ctx, `SELECT id FROM orgs WHERE parent_id = $1 AND level = $2 AND status = 'active'
		ORDER BY id LIMIT $3`, root.ID, org.LevelDistrict, n)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*org.Org, 0, len(ids))
	for _, id := range ids {
		o, err := s.Orgs.FindByID(ctx, by, id)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// isConflict reports a refusal the demo may meet and skip (a check-in twice).
func isConflict(err error) bool { return errs.KindOf(err) == errs.Conflict }
