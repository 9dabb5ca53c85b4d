package db

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Backup writes a consistent copy of the live database to file. SQLite uses
// VACUUM INTO (safe while serving, never a raw file copy); PostgreSQL runs
// pg_dump in its custom format.
func (d *DB) Backup(ctx context.Context, file string) error {
	if _, err := os.Stat(file); err == nil {
		return fmt.Errorf("backup: %s already exists", file)
	}
	if d.Dialect == SQLite {
		_, err := d.write.ExecContext(ctx, "VACUUM INTO $1", file)
		return err
	}
	cmd := exec.CommandContext(ctx, "pg_dump", "--format=custom", "--file="+file, d.URL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("backup: pg_dump: %v: %s", err, strings.ReplaceAll(string(out), d.URL, d.Redacted()))
	}
	return nil
}

// PathUpper is the exclusive upper bound of the materialized-path range of a
// subtree: every descendant path starts with p (which ends in "/"), and "0"
// sorts right after "/" in binary collation, so [p, PathUpper(p)) is exactly
// the subtree, one index range.
func PathUpper(p string) string {
	return p[:len(p)-1] + "0"
}

// PathIDs are the organization IDs along a materialized path, root first
// ("/1/17/342/" is 1, 17, 342).
func PathIDs(path string) []int64 {
	var ids []int64
	var n int64
	for i := 1; i < len(path); i++ {
		if c := path[i]; c == '/' {
			ids = append(ids, n)
			n = 0
		} else {
			n = n*10 + int64(c-'0')
		}
	}
	return ids
}

// Placeholders returns "$start, $start+1, …" for n arguments.
func Placeholders(start, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", start+i)
	}
	return b.String()
}

// Args numbers query arguments as they are added, so filters can be composed
// without counting placeholders by hand:
//
//	var a db.Args
//	where := "org_id = " + a.Add(id)
//	rows, err := q.QueryContext(ctx, "SELECT … WHERE "+where, a.List()...)
type Args struct{ list []any }

// Add appends v and returns its placeholder.
func (a *Args) Add(v any) string {
	a.list = append(a.list, v)
	return fmt.Sprintf("$%d", len(a.list))
}

// List is the arguments in placeholder order.
func (a *Args) List() []any { return a.list }

// Analyze refreshes the query planner's statistics after a bulk load. On
// PostgreSQL it vacuums too, which sets the visibility map (index-only scans
// then skip the heap) and spares the first minutes of serving an autovacuum.
//
// On SQLite the statistics keep no samples (see noStat4).
func (d *DB) Analyze(ctx context.Context) error {
	if d.Dialect == Postgres {
		_, err := d.write.ExecContext(ctx, "VACUUM ANALYZE")
		return err
	}
	if _, err := d.write.ExecContext(ctx, "ANALYZE"); err != nil {
		return err
	}
	return d.noStat4(ctx)
}

// AnalyzeTable refreshes PostgreSQL's statistics of one table after a
// write that changed its size a lot at once (a round's results, say):
// autovacuum would catch up in a minute or so, or never where it is off,
// and until then plans made for the old size run (a merge join over every
// row instead of an index range). SQLite keeps only averages (noStat4),
// which a batch does not make misleading, so there it does nothing.
func (d *DB) AnalyzeTable(ctx context.Context, table string) error {
	if d.Dialect != Postgres {
		return nil
	}
	_, err := d.write.ExecContext(ctx, "ANALYZE "+table)
	return err
}

// noStat4 deletes SQLite's sampled statistics (sqlite_stat4; modernc's
// SQLite is built with them) and reloads the rest. With samples, a
// prepared statement whose plan might depend on a bound value is parsed
// and planned again every time it runs with new values: a third of a
// people-list request went to re-preparing its query. The averages in
// sqlite_stat1 remain, and the queries that need a particular plan say
// so themselves (see person.searchOrder).
func (d *DB) noStat4(ctx context.Context) error {
	var n int
	if err := d.write.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat4'`).Scan(&n); err != nil || n == 0 {
		return err
	}
	if _, err := d.write.ExecContext(ctx, "DELETE FROM sqlite_stat4"); err != nil {
		return err
	}
	// ANALYZE of a system table gathers nothing; it reloads the statistics.
	if _, err := d.write.ExecContext(ctx, "ANALYZE sqlite_schema"); err != nil {
		return err
	}
	// Idle readers loaded the old ones: close them; new ones load these.
	d.read.SetMaxIdleConns(0)
	d.read.SetMaxIdleConns(readConns)
	return nil
}

// Qualify prefixes each column of a comma-separated list with a table
// alias ("r." + "id, name" → "r.id, r.name"), so one list of a table's
// columns serves both plain and joined queries.
func Qualify(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// Capture is a scanner that only collects the destinations it is given,
// so a row scanner written for one table can lend its destinations to a
// joined query (see ScanTail).
type Capture struct{ Dest []any }

func (c *Capture) Scan(dest ...any) error { c.Dest = dest; return nil }

// ScanTail is a scanner that scans into the destinations it is called
// with followed by tail: a joined row read by two tables' scanners.
func ScanTail(sc interface{ Scan(...any) error }, tail ...any) interface{ Scan(...any) error } {
	return scanTail{sc, tail}
}

type scanTail struct {
	sc   interface{ Scan(...any) error }
	tail []any
}

func (t scanTail) Scan(dest ...any) error { return t.sc.Scan(append(dest, t.tail...)...) }

// MovePaths rewrites, inside a subtree move's transaction, every
// materialized path under oldPath to lie under newPath, in each of the
// "table.column" pairs given (one index range each).
func MovePaths(ctx context.Context, tx *Tx, oldPath, newPath string, columns ...string) error {
	for _, tc := range columns {
		table, col, ok := strings.Cut(tc, ".")
		if !ok {
			return fmt.Errorf("db: MovePaths: %q is not table.column", tc)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET `+col+` = CAST($1 AS TEXT) || substr(`+col+`, $2)
			WHERE `+col+` >= $3 AND `+col+` < $4`, newPath, len(oldPath)+1, oldPath, PathUpper(oldPath)); err != nil {
			return err
		}
	}
	return nil
}
