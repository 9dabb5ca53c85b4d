// Package activity is the ledger every module writes to when something that
// counts happens (credits earned, a post accepted, a loan disbursed …).
// Coverage, activeness, league tables and a person's growth record are reads
// of this one table and its rollups; no module reaches into another to count.
package activity

import (
	"context"
	"errors"
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
func Add(ctx context.Context, tx *db.Tx, e Entry) (int64, error) {
	if e.Kind == "" || e.OrgID == 0 {
		return 0, errors.New("activity: kind and org are required")
	}
	if e.OccurredAt.IsZero() {
		e.OccurredAt = time.Now()
	}
	e.OccurredAt = e.OccurredAt.UTC()
	var path string
	if err := tx.QueryRowContext(ctx, `SELECT path FROM orgs WHERE id = $1`, e.OrgID).Scan(&path); err != nil {
		return 0, err
	}
	month := e.OccurredAt.In(shanghai).Format("2006-01")
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO activity (org_id, org_path, person_id, kind, ref_type, ref_id, occurred_at, amount, month)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		e.OrgID, path, e.PersonID, e.Kind, e.RefType, e.RefID, e.OccurredAt, e.Amount, month).Scan(&id)
	if err != nil {
		return 0, err
	}
	for _, org := range db.PathIDs(path) {
		newPerson := int64(0)
		if e.PersonID != 0 {
			res, err := tx.ExecContext(ctx, `INSERT INTO activity_reach (org_id, kind, month, person_id) VALUES ($1, $2, $3, $4)
				ON CONFLICT DO NOTHING`, org, e.Kind, month, e.PersonID)
			if err != nil {
				return 0, err
			}
			newPerson, _ = res.RowsAffected()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO activity_rollup (org_id, kind, month, count, amount, persons) VALUES ($1, $2, $3, 1, $4, $5)
			ON CONFLICT (org_id, kind, month) DO UPDATE SET count = activity_rollup.count + 1,
			amount = activity_rollup.amount + excluded.amount, persons = activity_rollup.persons + excluded.persons`,
			org, e.Kind, month, e.Amount, newPerson); err != nil {
			return 0, err
		}
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
