package activity

import (
	"context"
	"fmt"

	"qinggong/internal/db"
)

// Check recomputes every rollup cell from the ledger and returns a line for
// each cell whose stored count, amount or persons differ (nil when all
// agree). It scans the whole ledger: for tests and `qinggong audit verify`,
// not for request paths.
func Check(ctx context.Context, q db.Q) ([]string, error) {
	type cell struct {
		org         int64
		kind, month string
	}
	type totals struct{ count, amount, persons int64 }
	want := map[cell]totals{}
	rows, err := q.QueryContext(ctx, `SELECT o.id, a.kind, a.month, count(*), COALESCE(sum(a.amount), 0),
			count(DISTINCT CASE WHEN a.person_id <> 0 THEN a.person_id END)
		FROM orgs o JOIN activity a ON a.org_path >= o.path AND a.org_path < substr(o.path, 1, length(o.path) - 1) || '0'
		GROUP BY o.id, a.kind, a.month`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c cell
		var t totals
		if err := rows.Scan(&c.org, &c.kind, &c.month, &t.count, &t.amount, &t.persons); err != nil {
			rows.Close()
			return nil, err
		}
		want[c] = t
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var bad []string
	rows, err = q.QueryContext(ctx, `SELECT org_id, kind, month, count, amount, persons FROM activity_rollup`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c cell
		var got totals
		if err := rows.Scan(&c.org, &c.kind, &c.month, &got.count, &got.amount, &got.persons); err != nil {
			return nil, err
		}
		w := want[c]
		delete(want, c)
		if got != w {
			bad = append(bad, fmt.Sprintf("org %d %s %s: stored %+v, ledger %+v", c.org, c.kind, c.month, got, w))
		}
	}
	for c, w := range want {
		bad = append(bad, fmt.Sprintf("org %d %s %s: no rollup row, ledger %+v", c.org, c.kind, c.month, w))
	}
	return bad, rows.Err()
}
