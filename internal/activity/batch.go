package activity

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"qinggong/internal/db"
)

// AddMany writes entries inside tx like Add, for bulk work (imports): the
// rows go through db.InsertRows and each rollup cell is updated once for
// the whole batch. orgPaths maps every entry's OrgID to its path (the
// caller has them at hand; looking each up again would double the cost).
func AddMany(ctx context.Context, tx *db.Tx, entries []Entry, orgPaths map[int64]string) error {
	type cell struct {
		org         int64
		kind, month string
	}
	type sums struct{ count, amount, persons int64 }
	cells := map[cell]*sums{}
	type reach struct {
		cell
		person int64
	}
	var reaches []reach
	seen := map[reach]bool{}
	depth := map[int64]int{} // an organization's level: the city 0
	rows := make([][]any, len(entries))
	for i := range entries {
		e := &entries[i]
		path, ok := orgPaths[e.OrgID]
		if e.Kind == "" || !ok {
			return errors.New("activity: every entry needs a kind and a known organization")
		}
		if e.OccurredAt.IsZero() {
			e.OccurredAt = time.Now()
		}
		e.OccurredAt = e.OccurredAt.UTC()
		month := e.OccurredAt.In(shanghai).Format("2006-01")
		rows[i] = []any{e.OrgID, path, e.PersonID, e.Kind, e.RefType, e.RefID, e.OccurredAt, e.Amount, month}
		for level, org := range db.PathIDs(path) {
			depth[org] = level
			c := cell{org, e.Kind, month}
			s := cells[c]
			if s == nil {
				s = &sums{}
				cells[c] = s
			}
			s.count++
			s.amount += e.Amount
			if r := (reach{c, e.PersonID}); e.PersonID != 0 && !seen[r] {
				seen[r] = true
				reaches = append(reaches, r)
			}
		}
	}
	if err := db.InsertRows(ctx, tx, `INSERT INTO activity (org_id, org_path, person_id, kind, ref_type, ref_id, occurred_at, amount, month) VALUES`,
		rows, "", nil); err != nil {
		return err
	}
	// Cells (and their reach rows) in Add's order: within a kind and month
	// from the deepest organization up to the city, so that batches and
	// single entries running at once on PostgreSQL take the rows they share
	// in one order and wait for each other rather than deadlock.
	less := func(a, b cell) int {
		return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.month, b.month),
			cmp.Compare(depth[b.org], depth[a.org]), cmp.Compare(a.org, b.org))
	}
	slices.SortFunc(reaches, func(a, b reach) int { return cmp.Or(less(a.cell, b.cell), cmp.Compare(a.person, b.person)) })
	reachRows := make([][]any, len(reaches))
	for i, r := range reaches {
		reachRows[i] = []any{r.org, r.kind, r.month, r.person}
	}
	// Reach rows that are new (RETURNING gives only those) add a person.
	err := db.InsertRows(ctx, tx, `INSERT INTO activity_reach (org_id, kind, month, person_id) VALUES`, reachRows,
		`ON CONFLICT DO NOTHING RETURNING org_id, kind, month`, func(r *sql.Rows) error {
			var c cell
			if err := r.Scan(&c.org, &c.kind, &c.month); err != nil {
				return err
			}
			cells[c].persons++
			return nil
		})
	if err != nil {
		return err
	}
	keys := make([]cell, 0, len(cells))
	for c := range cells {
		keys = append(keys, c)
	}
	slices.SortFunc(keys, less)
	for _, c := range keys {
		s := cells[c]
		if _, err := tx.ExecContext(ctx, `INSERT INTO activity_rollup (org_id, kind, month, count, amount, persons) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (org_id, kind, month) DO UPDATE SET count = activity_rollup.count + excluded.count,
			amount = activity_rollup.amount + excluded.amount, persons = activity_rollup.persons + excluded.persons`,
			c.org, c.kind, c.month, s.count, s.amount, s.persons); err != nil {
			return err
		}
	}
	return nil
}
