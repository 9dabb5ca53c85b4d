package skills

import (
	"context"

	"qinggong/internal/db"
)

// Rebuild recomputes every kept sum from the ledger, in one transaction
// (qinggong audit rebuild): the balances, the person-year totals, and the
// organization-month cells (each entry counted at its organization and
// every ancestor, by its path).
func (s *Service) Rebuild(ctx context.Context) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		db.BumpCreditsVersion(tx)
		for _, q := range []string{`DELETE FROM credit_balances`, `DELETE FROM credit_person_years`, `DELETE FROM credit_rollup`,
			`INSERT INTO credit_balances (person_id, total, entries, updated_at)
				SELECT person_id, SUM(credits), count(*), max(at) FROM credit_entries GROUP BY person_id`,
			`INSERT INTO credit_person_years (person_id, year, category, credits)
				SELECT person_id, year, category, SUM(credits) FROM credit_entries GROUP BY person_id, year, category`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT org_path, month, category, trade, SUM(credits), count(*) FROM credit_entries
			GROUP BY org_path, month, category, trade`)
		if err != nil {
			return err
		}
		type cell struct {
			org                    int64
			month, category, trade string
		}
		cells := map[cell][2]int{}
		for rows.Next() {
			var path, month, category, trade string
			var credits, entries int
			if err := rows.Scan(&path, &month, &category, &trade, &credits, &entries); err != nil {
				rows.Close()
				return err
			}
			for _, o := range db.PathIDs(path) {
				k := cell{o, month, category, trade}
				v := cells[k]
				cells[k] = [2]int{v[0] + credits, v[1] + entries}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for k, v := range cells {
			if _, err := tx.ExecContext(ctx, `INSERT INTO credit_rollup (org_id, month, category, trade, credits, entries) VALUES ($1, $2, $3, $4, $5, $6)`,
				k.org, k.month, k.category, k.trade, v[0], v[1]); err != nil {
				return err
			}
		}
		return nil
	})
}
