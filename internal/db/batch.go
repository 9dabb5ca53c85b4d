package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// pgBatchRows is how many rows one PostgreSQL statement carries: one round
// trip per statement, and far below the 65,535-parameter limit.
const pgBatchRows = 200

// InsertRows inserts rows (each holding one value per column) with the
// statement head + "(…)" + tail, where head is "INSERT INTO t (a, b) VALUES"
// and tail may add "ON CONFLICT …" and "RETURNING …". When scan is not nil
// it is called for every returned row, in no promised order.
//
// PostgreSQL gets multi-row statements (a round trip saved per row).
// SQLite gets one prepared single-row statement run per row: SQLite looks
// each named parameter ($n) up in a list while parsing, at a cost that
// grows with their number, so a 5,000-parameter statement costs far more
// than 200 executions of a prepared one, which have no round trip to save
// in-process.
func InsertRows(ctx context.Context, tx *Tx, head string, rows [][]any, tail string, scan func(*sql.Rows) error) error {
	if len(rows) == 0 {
		return nil
	}
	cols := len(rows[0])
	if tx.Dialect == SQLite {
		// A statement that may fail half-way (a unique index, a foreign
		// key) makes SQLite copy every page it touches into a statement
		// journal first, so that it can undo just that statement: with a
		// dozen indexes that copying was most of a bulk insert's time.
		// Here a failure ends the whole transaction anyway, so the
		// statement says so (OR ROLLBACK) and foreign keys are checked at
		// commit (defer_foreign_keys lasts until the transaction ends);
		// neither then needs the journal.
		if _, err := tx.ExecContext(ctx, "PRAGMA defer_foreign_keys = ON"); err != nil {
			return err
		}
		head = strings.Replace(head, "INSERT INTO", "INSERT OR ROLLBACK INTO", 1)
		st, err := tx.PrepareContext(ctx, head+" ("+Placeholders(1, cols)+") "+tail)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, r := range rows {
			if scan == nil {
				if _, err := st.ExecContext(ctx, r...); err != nil {
					return err
				}
				continue
			}
			res, err := st.QueryContext(ctx, r...)
			if err := scanAll(res, err, scan); err != nil {
				return err
			}
		}
		return nil
	}
	for start := 0; start < len(rows); start += pgBatchRows {
		chunk := rows[start:min(start+pgBatchRows, len(rows))]
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, len(chunk)*cols)
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(" (")
			b.WriteString(Placeholders(len(args)+1, cols))
			b.WriteString(")")
			args = append(args, r...)
		}
		b.WriteString(" ")
		b.WriteString(tail)
		if scan == nil {
			if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
				return err
			}
			continue
		}
		res, err := tx.QueryContext(ctx, b.String(), args...)
		if err := scanAll(res, err, scan); err != nil {
			return err
		}
	}
	return nil
}

// scanAll hands every row of a query's result to scan and closes it.
func scanAll(rows *sql.Rows, err error, scan func(*sql.Rows) error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// NextIDs reserves n new IDs of table's id column, so that a batch knows
// its rows' IDs before inserting them (no RETURNING to read back and match
// up). PostgreSQL draws them from the column's sequence; on SQLite the
// transaction holds the one writer's lock, so the IDs after the largest
// are free until it commits.
func NextIDs(ctx context.Context, tx *Tx, table string, n int) ([]int64, error) {
	if n == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, n)
	if tx.Dialect == SQLite {
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM `+table).Scan(&last); err != nil {
			return nil, err
		}
		for i := range n {
			ids = append(ids, last+1+int64(i))
		}
		return ids, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT nextval(s.seq) FROM (SELECT pg_get_serial_sequence($1, 'id')::regclass AS seq) s,
		generate_series(1, $2)`, table, n)
	err = scanAll(rows, err, func(r *sql.Rows) error {
		var id int64
		err := r.Scan(&id)
		ids = append(ids, id)
		return err
	})
	return ids, err
}

// CopyRows inserts rows (each holding one value per column of cols) into
// table: PostgreSQL through COPY, the fastest way in, with no statement
// to parse per row; SQLite as InsertRows does. Rows are plain inserts: no
// conflict clause, nothing returned.
func CopyRows(ctx context.Context, tx *Tx, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if tx.Dialect == SQLite {
		return InsertRows(ctx, tx, "INSERT INTO "+table+" ("+strings.Join(cols, ", ")+") VALUES", rows, "", nil)
	}
	// COPY runs on the transaction's own connection, inside it: the
	// connection is idle between the transaction's statements, and Raw
	// holds it for the copy alone.
	return tx.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("db: copy into %s: not a pgx connection", table)
		}
		n, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		if err == nil && n != int64(len(rows)) {
			err = fmt.Errorf("db: copy into %s: %d of %d rows", table, n, len(rows))
		}
		return err
	})
}
