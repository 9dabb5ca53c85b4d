package audit

import (
	"context"
	"strconv"
	"strings"
	"time"

	"qinggong/internal/db"
)

// Filter selects audit rows for the auditor's search. Rows come newest first,
// keyset-paged by seq.
type Filter struct {
	Actor  string
	Action string // prefix, e.g. "auth." or "org.create"
	// Actions and Objects, when either is set, keep the rows whose action
	// is one of Actions or whose object is one of Objects (the words of a
	// search, already resolved to codes and records).
	Actions []string
	Objects []Object
	From    time.Time
	To      time.Time
	Before  int64 // seq of the last row of the previous page; 0 for the first page
	Limit   int
}

// Object names the record an audit row is about.
type Object struct {
	Type string
	ID   int64
}

// maxTerms bounds the actions and objects one search may name, so that a
// search stays a bounded number of index ranges.
const maxTerms = 200

// Find returns one page of rows matching f.
//
// With Actions or Objects, each action and each object is its own index
// range read newest first and cut at the page's length (audit_action is
// (action, seq); audit_object is (object_type, object_id, seq)); the
// ranges' heads are merged by seq. An OR of them in one WHERE would leave
// each engine to find the newest rows of every match and sort them all.
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
	var sql string
	if len(f.Actions) == 0 && len(f.Objects) == 0 {
		sql = `SELECT ` + columns + ` FROM audit WHERE ` + where + ` ORDER BY seq DESC LIMIT ` + a.Add(f.Limit)
	} else {
		limit := a.Add(f.Limit)
		var parts []string
		for i, act := range f.Actions {
			if i == maxTerms {
				break
			}
			parts = append(parts, `SELECT * FROM (SELECT `+columns+` FROM audit WHERE `+where+` AND action = `+a.Add(act)+
				` ORDER BY seq DESC LIMIT `+limit+`) a`+strconv.Itoa(len(parts)))
		}
		for i, o := range f.Objects {
			if i == maxTerms {
				break
			}
			parts = append(parts, `SELECT * FROM (SELECT `+columns+` FROM audit WHERE `+where+` AND object_type = `+a.Add(o.Type)+
				` AND object_id = `+a.Add(o.ID)+` ORDER BY seq DESC LIMIT `+limit+`) a`+strconv.Itoa(len(parts)))
		}
		// A row may be both (a person revealed, found by the action and by
		// the name): the union drops the second.
		sql = `SELECT ` + columns + ` FROM (` + strings.Join(parts, " UNION ") + `) t ORDER BY seq DESC LIMIT ` + limit
	}
	rows, err := q.QueryContext(ctx, sql, a.List()...)
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
