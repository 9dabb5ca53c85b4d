package person

import (
	"context"
	"fmt"
	"sort"

	"qinggong/internal/db"
	"qinggong/internal/org"
)

// rollup gathers changes to the people-per-subtree counts (org_people) of
// a transaction, so that a batch of a thousand rows touches each ancestor
// once. Deltas are applied at O(depth) per distinct organization.
type rollup map[rollupKey]int64

type rollupKey struct {
	org    int64
	status string
}

func newRollup() rollup { return rollup{} }

// add counts n people of status at the organization at path and every
// ancestor.
func (r rollup) add(path, status string, n int64) {
	for _, id := range db.PathIDs(path) {
		r[rollupKey{id, status}] += n
	}
}

// apply writes the deltas, in key order so concurrent writers on
// PostgreSQL lock rows in the same order.
func (r rollup) apply(ctx context.Context, tx *db.Tx) error {
	keys := make([]rollupKey, 0, len(r))
	for k, n := range r {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].org != keys[j].org {
			return keys[i].org < keys[j].org
		}
		return keys[i].status < keys[j].status
	})
	values := make([][]any, len(keys))
	for i, k := range keys {
		values[i] = []any{k.org, k.status, r[k]}
	}
	// A batch of a thousand rows spread over a district's branches moves a
	// few hundred counts: multi-row statements on PostgreSQL, rows still
	// locked in key order.
	return db.InsertRows(ctx, tx, `INSERT INTO org_people (org_id, status, people) VALUES`, values,
		`ON CONFLICT (org_id, status) DO UPDATE SET people = org_people.people + excluded.people`, nil)
}

// orgMoved keeps the registry in step with a subtree move: people's paths
// are rewritten and the subtree's counts leave the old ancestors and join
// the new ones (ancestors on both chains keep theirs).
func (s *Service) orgMoved(ctx context.Context, tx *db.Tx, m org.Moved) error {
	db.BumpPeopleVersion(tx)
	for _, q := range []string{
		`UPDATE people SET org_path = CAST($1 AS TEXT) || substr(org_path, $2) WHERE org_path >= $3 AND org_path < $4`,
		`UPDATE transfers SET to_path = CAST($1 AS TEXT) || substr(to_path, $2) WHERE to_path >= $3 AND to_path < $4`,
	} {
		if _, err := tx.ExecContext(ctx, q, m.NewPath, len(m.OldPath)+1, m.OldPath, db.PathUpper(m.OldPath)); err != nil {
			return err
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT status, people FROM org_people WHERE org_id = $1`, m.ID)
	if err != nil {
		return err
	}
	counts := map[string]int64{}
	for rows.Next() {
		var st string
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return err
		}
		counts[st] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	r := newRollup()
	for st, n := range counts {
		r.add(m.OldParentPath, st, -n)
		r.add(m.NewParentPath, st, n)
	}
	return r.apply(ctx, tx)
}

// CheckRollups compares every stored people count with a live count and
// describes each difference (for `qinggong audit verify`).
func CheckRollups(ctx context.Context, q db.Q) ([]string, error) {
	live := map[rollupKey]int64{}
	rows, err := q.QueryContext(ctx, `SELECT org_path, status, count(*) FROM people GROUP BY org_path, status`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var path, st string
		var n int64
		if err := rows.Scan(&path, &st, &n); err != nil {
			rows.Close()
			return nil, err
		}
		for _, id := range db.PathIDs(path) {
			live[rollupKey{id, st}] += n
		}
	}
	rows.Close()
	stored := map[rollupKey]int64{}
	rows, err = q.QueryContext(ctx, `SELECT org_id, status, people FROM org_people WHERE people <> 0`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k rollupKey
		var n int64
		if err := rows.Scan(&k.org, &k.status, &n); err != nil {
			return nil, err
		}
		stored[k] = n
	}
	var out []string
	for k, n := range live {
		if stored[k] != n {
			out = append(out, fmt.Sprintf("org %d: %d %s people counted, %d stored", k.org, n, k.status, stored[k]))
		}
	}
	for k, n := range stored {
		if _, ok := live[k]; !ok {
			out = append(out, fmt.Sprintf("org %d: 0 %s people counted, %d stored", k.org, k.status, n))
		}
	}
	sort.Strings(out)
	return out, rows.Err()
}

// RebuildRollups recomputes every people count from the registry (after a
// restore or a repair), in one transaction.
func RebuildRollups(ctx context.Context, d *db.DB) error {
	return d.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM org_people`); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT org_path, status, count(*) FROM people GROUP BY org_path, status`)
		if err != nil {
			return err
		}
		r := newRollup()
		for rows.Next() {
			var path, st string
			var n int64
			if err := rows.Scan(&path, &st, &n); err != nil {
				rows.Close()
				return err
			}
			r.add(path, st, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		return r.apply(ctx, tx)
	})
}
