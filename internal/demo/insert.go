package demo

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"qinggong/internal/db"
)

// batchRows is how many organizations one INSERT writes. SQLite looks up
// numbered parameters ($n) by a linear scan, so a statement's cost grows
// with the square of its parameters: small batches, prepared once, are
// fastest there. PostgreSQL pays a round trip per statement instead.
func batchRows(d db.Dialect) int {
	if d == db.SQLite {
		return 8
	}
	return 500
}

// orgColumns are bound per row; created_at, updated_at ($1) and status are shared.
const orgColumns = 13

// insertOrgs writes nodes with their precomputed IDs and paths. Rollups are
// left at zero: the caller rebuilds them once afterwards.
func insertOrgs(ctx context.Context, tx *db.Tx, nodes []node, now time.Time) error {
	size := batchRows(tx.Dialect)
	var stmt *sql.Stmt
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	args := make([]any, 0, 1+orgColumns*size)
	for start := 0; start < len(nodes); start += size {
		batch := nodes[start:min(start+size, len(nodes))]
		if stmt == nil || len(batch) < size {
			if stmt != nil {
				stmt.Close()
			}
			var err error
			if stmt, err = tx.PrepareContext(ctx, insertSQL(len(batch))); err != nil {
				return fmt.Errorf("demo: prepare organization insert: %w", err)
			}
		}
		args = append(args[:0], now)
		for _, n := range batch {
			args = append(args, n.id, n.parentID, n.path, n.depth, n.name, n.short, n.code,
				n.level, n.unitType, n.district, n.address, n.contact, n.established)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("demo: insert organizations %s…: %w", batch[0].code, err)
		}
	}
	if tx.Dialect == db.Postgres {
		// Explicit IDs do not advance the identity sequence; without this
		// the next organization created through the app would collide.
		if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('orgs', 'id'), (SELECT max(id) FROM orgs))`); err != nil {
			return fmt.Errorf("demo: advance the organization sequence: %w", err)
		}
	}
	return nil
}

// insertSQL is the INSERT of rows organizations.
func insertSQL(rows int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO orgs (created_at, updated_at, status, id, parent_id, path, depth, name, short_name, code,
	level, unit_type, district, address, contact, established) VALUES `)
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("($1, $1, 'active', ")
		b.WriteString(db.Placeholders(2+i*orgColumns, orgColumns))
		b.WriteString(")")
	}
	return b.String()
}
