package activity

import (
	"context"

	"qinggong/internal/db"
)

// Period is one (kind, month) cell of the rollups.
type Period struct{ Kind, Month string }

// Periods lists the cells in which org's subtree has any activity, read
// from its own rollup rows (which summarize the whole subtree).
func Periods(ctx context.Context, q db.Q, orgID int64) ([]Period, error) {
	rows, err := q.QueryContext(ctx, `SELECT kind, month FROM activity_rollup WHERE org_id = $1 ORDER BY kind, month`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Period
	for rows.Next() {
		var p Period
		if err := rows.Scan(&p.Kind, &p.Month); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Recount recomputes org's rollup and reach rows for the given cells from
// the ledger itself (its subtree is the path range of orgPath). A tree move
// calls it for every ancestor that gained or lost the moved subtree: counts
// and amounts could be shifted by subtraction, but distinct persons cannot.
func Recount(ctx context.Context, tx *db.Tx, orgID int64, orgPath string, cells []Period) error {
	upper := db.PathUpper(orgPath)
	for _, c := range cells {
		if _, err := tx.ExecContext(ctx, `DELETE FROM activity_reach WHERE org_id = $1 AND kind = $2 AND month = $3`, orgID, c.Kind, c.Month); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO activity_reach (org_id, kind, month, person_id)
			SELECT DISTINCT CAST($1 AS BIGINT), kind, month, person_id FROM activity
			WHERE org_path >= $2 AND org_path < $3 AND kind = $4 AND month = $5 AND person_id <> 0`,
			orgID, orgPath, upper, c.Kind, c.Month); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM activity_rollup WHERE org_id = $1 AND kind = $2 AND month = $3`, orgID, c.Kind, c.Month); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO activity_rollup (org_id, kind, month, count, amount, persons)
			SELECT CAST($1 AS BIGINT), $4, $5, count(*), COALESCE(sum(amount), 0), count(DISTINCT CASE WHEN person_id <> 0 THEN person_id END)
			FROM activity WHERE org_path >= $2 AND org_path < $3 AND kind = $4 AND month = $5
			HAVING count(*) > 0`, orgID, orgPath, upper, c.Kind, c.Month); err != nil {
			return err
		}
	}
	return nil
}
