package event

import (
	"context"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/db"
)

// KindCount is one kind's events in a year.
type KindCount struct {
	Kind       string `json:"kind"`
	Events     int    `json:"events"`
	Registered int    `json:"registered"`
	Attended   int    `json:"attended"` // check-ins over every session in the year
}

// Year is what a subtree's events came to in a year (the career-navigation
// view): published events with a session in the year, by kind, and the
// latest of them.
type Year struct {
	Kinds  []KindCount `json:"kinds"`
	Latest []Event     `json:"latest"`
}

// YearOf sums the published events organized in the subtree at path with a
// session in the year (Shanghai). One index range over the subtree's
// events; the actor must read the organization at path.
func (s *Service) YearOf(ctx context.Context, by *auth.Actor, path string, year int) (*Year, error) {
	out := &Year{Kinds: []KindCount{}, Latest: []Event{}}
	if !by.Can(auth.OrgRead, path) && !by.Can(auth.EventManage, path) {
		return out, nil
	}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, shanghai).UTC()
	to := from.AddDate(1, 0, 0)
	const inYear = ` FROM events e WHERE e.org_path >= $1 AND e.org_path < $2 AND e.status = $3
		AND EXISTS (SELECT 1 FROM event_sessions x WHERE x.event_id = e.id AND x.starts >= $4 AND x.starts < $5)`
	args := []any{path, db.PathUpper(path), StatusPublished, from, to}
	rows, err := s.db.R().QueryContext(ctx, `SELECT e.kind, count(*), COALESCE(SUM(e.registered), 0),
		COALESCE(SUM((SELECT SUM(x.attended) FROM event_sessions x WHERE x.event_id = e.id AND x.starts >= $4 AND x.starts < $5)), 0)`+
		inYear+` GROUP BY e.kind ORDER BY e.kind`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k KindCount
		if err := rows.Scan(&k.Kind, &k.Events, &k.Registered, &k.Attended); err != nil {
			rows.Close()
			return nil, err
		}
		out.Kinds = append(out.Kinds, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.R().QueryContext(ctx, `SELECT `+db.Qualify("e.", eventColumns)+inYear+` ORDER BY e.id DESC LIMIT 5`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e Event
		if err := scanEvent(rows, &e); err != nil {
			return nil, err
		}
		out.Latest = append(out.Latest, e)
	}
	return out, rows.Err()
}
