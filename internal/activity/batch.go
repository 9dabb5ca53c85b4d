package activity

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"qinggong/internal/db"
)

// batchRows is how many entries one multi-row statement carries; with nine
// columns it stays far below both engines' parameter limits.
const batchRows = 200

// AddMany writes entries inside tx like Add, for bulk work (imports): the
// rows go in multi-row statements and each rollup cell is updated once for
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
	for start := 0; start < len(entries); start += batchRows {
		chunk := entries[start:min(start+batchRows, len(entries))]
		var a db.Args
		values := make([]string, len(chunk))
		for i := range chunk {
			e := &chunk[i]
			path, ok := orgPaths[e.OrgID]
			if e.Kind == "" || !ok {
				return errors.New("activity: every entry needs a kind and a known organization")
			}
			if e.OccurredAt.IsZero() {
				e.OccurredAt = time.Now()
			}
			e.OccurredAt = e.OccurredAt.UTC()
			month := e.OccurredAt.In(shanghai).Format("2006-01")
			values[i] = "(" + a.Add(e.OrgID) + ", " + a.Add(path) + ", " + a.Add(e.PersonID) + ", " + a.Add(e.Kind) + ", " +
				a.Add(e.RefType) + ", " + a.Add(e.RefID) + ", " + a.Add(e.OccurredAt) + ", " + a.Add(e.Amount) + ", " + a.Add(month) + ")"
			for _, org := range pathIDs(path) {
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
		if _, err := tx.ExecContext(ctx, `INSERT INTO activity (org_id, org_path, person_id, kind, ref_type, ref_id, occurred_at, amount, month)
			VALUES `+strings.Join(values, ", "), a.List()...); err != nil {
			return err
		}
	}
	// Reach rows that are new (RETURNING gives only those) add a person.
	for start := 0; start < len(reaches); start += batchRows {
		chunk := reaches[start:min(start+batchRows, len(reaches))]
		var a db.Args
		values := make([]string, len(chunk))
		for i, r := range chunk {
			values[i] = "(" + a.Add(r.org) + ", " + a.Add(r.kind) + ", " + a.Add(r.month) + ", " + a.Add(r.person) + ")"
		}
		rows, err := tx.QueryContext(ctx, `INSERT INTO activity_reach (org_id, kind, month, person_id) VALUES `+
			strings.Join(values, ", ")+` ON CONFLICT DO NOTHING RETURNING org_id, kind, month`, a.List()...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c cell
			if err := rows.Scan(&c.org, &c.kind, &c.month); err != nil {
				rows.Close()
				return err
			}
			cells[c].persons++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
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
