package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"qinggong/internal/app"
	"qinggong/internal/db"
)

// hasTrade reports whether the ledger keeps an entry's trade (migration
// 00030: the organization-month cells are then kept by trade too).
func hasTrade(ctx context.Context, d *db.DB) bool {
	rows, err := d.R().QueryContext(ctx, `SELECT trade FROM credit_entries WHERE 1 = 0`)
	if err != nil {
		return false
	}
	rows.Close()
	return true
}

// index is a secondary index of the ledger as the catalog defines it.
type index struct{ name, def string }

// dropIndexes drops the ledger's secondary indexes (not its primary key)
// and returns their definitions, for createIndexes after the load.
func dropIndexes(ctx context.Context, d *db.DB) ([]index, error) {
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'credit_entries' AND sql IS NOT NULL ORDER BY name`
	if d.Dialect == db.Postgres {
		q = `SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename = 'credit_entries'
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) ORDER BY i.indexname`
	}
	rows, err := d.R().QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []index
	for rows.Next() {
		var x index
		if err := rows.Scan(&x.name, &x.def); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, x := range out {
		if _, err := d.W().ExecContext(ctx, `DROP INDEX `+x.name); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func createIndexes(ctx context.Context, d *db.DB, xs []index) error {
	for _, x := range xs {
		if _, err := d.W().ExecContext(ctx, x.def); err != nil {
			return fmt.Errorf("%s: %w", x.name, err)
		}
	}
	return nil
}

// kept are the row counts of the recomputed sums.
type kept struct{ balances, years, rollup int }

// rebuildKept recomputes the kept sums from one scan of the whole ledger,
// as skills.Service.Rebuild does (each entry counted at its organization
// and every ancestor, by its path), and writes them in one transaction
// with COPY (batched inserts on SQLite).
func rebuildKept(ctx context.Context, d *db.DB, trade bool) (kept, error) {
	type bal struct {
		total, n int
		at       time.Time
	}
	type ykey struct {
		person int64
		year   int
		cat    uint16
	}
	type rkey struct {
		org               int64
		month, cat, trade uint16
	}
	intern := func(m map[string]uint16, names *[]string, s string) uint16 {
		i, ok := m[s]
		if !ok {
			i = uint16(len(*names))
			m[s] = i
			*names = append(*names, s)
		}
		return i
	}
	catIdx, monthIdx, tradeIdx := map[string]uint16{}, map[string]uint16{}, map[string]uint16{}
	var cats, months, trades []string
	bals := map[int64]bal{}
	years := map[ykey]int{}
	roll := map[rkey][2]int{}
	chains := map[string][]int64{}
	tradeCol := "''"
	if trade {
		tradeCol = "trade"
	}
	rows, err := d.R().QueryContext(ctx, `SELECT person_id, org_path, year, month, category, `+tradeCol+`, credits, at FROM credit_entries`)
	if err != nil {
		return kept{}, err
	}
	for rows.Next() {
		var person int64
		var path, month, cat, tr string
		var year, credits int
		var at time.Time
		if err := rows.Scan(&person, &path, &year, &month, &cat, &tr, &credits, &at); err != nil {
			rows.Close()
			return kept{}, err
		}
		b := bals[person]
		b.total += credits
		b.n++
		if at.After(b.at) {
			b.at = at
		}
		bals[person] = b
		c := intern(catIdx, &cats, cat)
		years[ykey{person, year, c}] += credits
		m := intern(monthIdx, &months, month)
		t := intern(tradeIdx, &trades, tr)
		ch, ok := chains[path]
		if !ok {
			ch = db.PathIDs(path)
			chains[path] = ch
		}
		for _, o := range ch {
			k := rkey{o, m, c, t}
			v := roll[k]
			roll[k] = [2]int{v[0] + credits, v[1] + 1}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return kept{}, err
	}
	// In key order, so that each table's primary key grows as it is written.
	bk := make([]int64, 0, len(bals))
	for k := range bals {
		bk = append(bk, k)
	}
	slices.Sort(bk)
	yk := make([]ykey, 0, len(years))
	for k := range years {
		yk = append(yk, k)
	}
	slices.SortFunc(yk, func(a, b ykey) int {
		if a.person != b.person {
			return cmp64(a.person, b.person)
		}
		if a.year != b.year {
			return a.year - b.year
		}
		return strings.Compare(cats[a.cat], cats[b.cat])
	})
	rk := make([]rkey, 0, len(roll))
	for k := range roll {
		rk = append(rk, k)
	}
	slices.SortFunc(rk, func(a, b rkey) int {
		if a.org != b.org {
			return cmp64(a.org, b.org)
		}
		if a.month != b.month {
			return strings.Compare(months[a.month], months[b.month])
		}
		if a.cat != b.cat {
			return strings.Compare(cats[a.cat], cats[b.cat])
		}
		return strings.Compare(trades[a.trade], trades[b.trade])
	})
	const chunk = 50_000
	write := func(tx *db.Tx, table string, cols []string, n int, row func(i int) []any) error {
		rows := make([][]any, 0, chunk)
		for i := range n {
			rows = append(rows, row(i))
			if len(rows) == chunk || i == n-1 {
				if err := db.CopyRows(ctx, tx, table, cols, rows); err != nil {
					return fmt.Errorf("%s: %w", table, err)
				}
				rows = rows[:0]
			}
		}
		return nil
	}
	err = d.InTx(ctx, func(tx *db.Tx) error {
		for _, t := range []string{"credit_balances", "credit_person_years", "credit_rollup"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return err
			}
		}
		if err := write(tx, "credit_balances", []string{"person_id", "total", "entries", "updated_at"}, len(bk), func(i int) []any {
			b := bals[bk[i]]
			return []any{bk[i], int64(b.total), int64(b.n), b.at.UTC()}
		}); err != nil {
			return err
		}
		if err := write(tx, "credit_person_years", []string{"person_id", "year", "category", "credits"}, len(yk), func(i int) []any {
			k := yk[i]
			return []any{k.person, int64(k.year), cats[k.cat], int64(years[k])}
		}); err != nil {
			return err
		}
		cols := []string{"org_id", "month", "category", "credits", "entries"}
		if trade {
			cols = append(cols, "trade")
		}
		return write(tx, "credit_rollup", cols, len(rk), func(i int) []any {
			k := rk[i]
			v := roll[k]
			r := []any{k.org, months[k.month], cats[k.cat], int64(v[0]), int64(v[1])}
			if trade {
				r = append(r, trades[k.trade])
			}
			return r
		})
	})
	return kept{len(bk), len(yk), len(rk)}, err
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// giveLogin gives a person an account of their own organization, with no
// role, linked to their record (as person.LinkLogin does, the people
// version moved), and a password; it returns the login.
func giveLogin(ctx context.Context, a *app.App, p person, password string) (string, error) {
	login := fmt.Sprintf("bench.skills.p%d", p.id)
	now := time.Now().UTC()
	var uid int64
	err := a.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO users (login, name, org_id, password_hash, must_change, password_changed_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, login, p.name, p.org, "!bench: no login", false, now, now).Scan(&uid); err != nil {
			return err
		}
		db.BumpPeopleVersion(tx)
		res, err := tx.ExecContext(ctx, `UPDATE people SET user_id = $1 WHERE id = $2 AND user_id IS NULL`, uid, p.id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("person %d has a login already", p.id)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return login, a.Users.SetPassword(ctx, uid, password, false)
}
