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
func (d *DB) Analyze(ctx context.Context) error {
	q := "ANALYZE"
	if d.Dialect == Postgres {
		q = "VACUUM ANALYZE"
	}
	_, err := d.write.ExecContext(ctx, q)
	return err
}
