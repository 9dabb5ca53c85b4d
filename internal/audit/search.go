package audit

import (
	"context"
	"time"

	"qinggong/internal/db"
)

// Filter selects audit rows for the auditor's search. Rows come newest first,
// keyset-paged by seq.
type Filter struct {
	Actor  string
	Action string // prefix, e.g. "auth." or "org.create"
	From   time.Time
	To     time.Time
	Before int64 // seq of the last row of the previous page; 0 for the first page
	Limit  int
}

// Find returns one page of rows matching f.
func (l *Log) Find(ctx context.Context, q db.Q, f Filter) ([]Record, error) {
	var a db.Args
	where := "1 = 1"
	if f.Actor != "" {
		where += " AND actor_login = " + a.Add(f.Actor)
	}
	if f.Action != "" {
		where += " AND action >= " + a.Add(f.Action) + " AND action < " + a.Add(f.Action+"\U0010FFFF")
	}
	if !f.From.IsZero() {
		where += " AND at >= " + a.Add(f.From.UTC())
	}
	if !f.To.IsZero() {
		where += " AND at < " + a.Add(f.To.UTC())
	}
	if f.Before > 0 {
		where += " AND seq < " + a.Add(f.Before)
	}
	if f.Limit <= 0 || f.Limit > 10000 {
		f.Limit = 50
	}
	rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM audit WHERE `+where+` ORDER BY seq DESC LIMIT `+a.Add(f.Limit), a.List()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var r Record
		if err := scan(rows, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
