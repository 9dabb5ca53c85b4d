// Package activity is the ledger every module writes to when something that
// counts happens (credits earned, a post accepted, a loan disbursed …).
// Coverage, activeness, league tables and a person's growth record are reads
// of this one table and its rollups; no module reaches into another to count.
package activity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"qinggong/internal/db"
)

// Entry is one thing that happened, attributed to an organization and
// (optionally) a person.
type Entry struct {
	OrgID      int64
	PersonID   int64 // 0 when no one person is concerned
	Kind       string
	RefType    string
	RefID      int64
	OccurredAt time.Time
	Amount     int64
}

// Row is an Entry as stored.
type Row struct {
	ID      int64
	OrgPath string
	Entry
}

// Add writes e inside tx and updates the monthly rollups of its organization
// and every ancestor (O(depth)). Distinct persons are counted through a
// first-seen table, since reach cannot be summed.
//
// It is three statements whatever the depth: the entry (its path read from
// the organization in the same statement), the reach rows of every level
// at once, the rollup rows of every level at once. The levels go from the
// organization up, so the rows every write of the city passes through (the
// city's rollup of the kind and month) are taken last and held for the
// shortest time; AddMany takes cells in the same order, so
// concurrent ledger writes on PostgreSQL wait on each other instead of
// deadlocking.
func Add(ctx context.Context, tx *db.Tx, e Entry) (int64, error) {
	if e.Kind == "" || e.OrgID == 0 {
		return 0, errors.New("activity: kind and org are required")
	}
	if e.OccurredAt.IsZero() {
		e.OccurredAt = time.Now()
	}
	e.OccurredAt = e.OccurredAt.UTC()
	month := e.OccurredAt.In(shanghai).Format("2006-01")
	var id int64
	var path string
	err := tx.QueryRowContext(ctx, `INSERT INTO activity (org_id, org_path, person_id, kind, ref_type, ref_id, occurred_at, amount, month)
		SELECT id, path, $2, $3, $4, $5, $6, $7, $8 FROM orgs WHERE id = $1 RETURNING id, org_path`,
		e.OrgID, e.PersonID, e.Kind, e.RefType, e.RefID, e.OccurredAt, e.Amount, month).Scan(&id, &path)
	if err != nil {
		return 0, err
	}
	orgs := db.PathIDs(path)
	slices.Reverse(orgs) // from the organization up to the city
	newPerson := map[int64]int64{}
	if e.PersonID != 0 {
		var b strings.Builder
		args := []any{e.Kind, month, e.PersonID}
		b.WriteString(`INSERT INTO activity_reach (org_id, kind, month, person_id) VALUES `)
		for i, org := range orgs {
			if i > 0 {
				b.WriteString(", ")
			}
			args = append(args, org)
			fmt.Fprintf(&b, "($%d, $1, $2, $3)", len(args))
		}
		b.WriteString(` ON CONFLICT DO NOTHING RETURNING org_id`)
		rows, err := tx.QueryContext(ctx, b.String(), args...)
		if err != nil {
			return 0, err
		}
		for rows.Next() {
			var org int64
			if err := rows.Scan(&org); err != nil {
				rows.Close()
				return 0, err
			}
			newPerson[org] = 1
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return 0, err
		}
	}
	var b strings.Builder
	args := []any{e.Kind, month, e.Amount}
	b.WriteString(`INSERT INTO activity_rollup (org_id, kind, month, count, amount, persons) VALUES `)
	for i, org := range orgs {
		if i > 0 {
			b.WriteString(", ")
		}
		args = append(args, org, newPerson[org])
		fmt.Fprintf(&b, "($%d, $1, $2, 1, $3, $%d)", len(args)-1, len(args))
	}
	b.WriteString(` ON CONFLICT (org_id, kind, month) DO UPDATE SET count = activity_rollup.count + 1,
		amount = activity_rollup.amount + excluded.amount, persons = activity_rollup.persons + excluded.persons`)
	if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
		return 0, err
	}
	return id, nil
}

// shanghai is the zone months are counted in; fixed +8, no DST.
var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)

// Total is a rollup read: count, amount and distinct persons for one
// organization's subtree, one kind, over [fromMonth, toMonth] ("2006-01").
type Total struct {
	Count, Amount, Persons int64
}

// Sum reads the rollups of org for kind over the months given. Persons is
// the sum of monthly reach (a person active in two months counts twice).
func Sum(ctx context.Context, q db.Q, orgID int64, kind, fromMonth, toMonth string) (Total, error) {
	var t Total
	err := q.QueryRowContext(ctx, `SELECT COALESCE(sum(count), 0), COALESCE(sum(amount), 0), COALESCE(sum(persons), 0)
		FROM activity_rollup WHERE org_id = $1 AND kind = $2 AND month >= $3 AND month <= $4`,
		orgID, kind, fromMonth, toMonth).Scan(&t.Count, &t.Amount, &t.Persons)
	return t, err
}

// ForPerson returns a person's entries, newest first, keyset-paged by ID
// (before = 0 for the first page, else the ID of the previous page's last
// row): the growth record's timeline.
func ForPerson(ctx context.Context, q db.Q, personID, before int64, limit int) ([]Row, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	// The order is (occurred_at, id), so the cursor is that pair, looked up
	// from the ID: entries are not always recorded in the order they happened.
	after := "$2 = 0"
	if before > 0 {
		after = "(occurred_at, id) < (SELECT occurred_at, id FROM activity WHERE id = $2)"
	}
	rows, err := q.QueryContext(ctx, `SELECT id, org_id, org_path, person_id, kind, ref_type, ref_id, occurred_at, amount
		FROM activity WHERE person_id = $1 AND `+after+` ORDER BY occurred_at DESC, id DESC LIMIT $3`, personID, before, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.ID, &r.OrgID, &r.OrgPath, &r.PersonID, &r.Kind, &r.RefType, &r.RefID, &r.OccurredAt, &r.Amount); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
