package activity

import (
	"context"
	"database/sql"
	"errors"
	"sort"
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
	var reaches [][]any
	seen := map[reach]bool{}
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
		for _, org := range db.PathIDs(path) {
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
				reaches = append(reaches, []any{r.org, r.kind, r.month, r.person})
			}
		}
	}
	if err := db.InsertRows(ctx, tx, `INSERT INTO activity (org_id, org_path, person_id, kind, ref_type, ref_id, occurred_at, amount, month) VALUES`,
		rows, "", nil); err != nil {
		return err
	}
	// Reach rows that are new (RETURNING gives only those) add a person.
	err := db.InsertRows(ctx, tx, `INSERT INTO activity_reach (org_id, kind, month, person_id) VALUES`, reaches,
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
	// A fixed order, so concurrent batches on PostgreSQL lock rows alike.
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.org != b.org {
			return a.org < b.org
		}
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		return a.month < b.month
	})
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
