// Package db opens the database (embedded SQLite or PostgreSQL), runs the
// embedded migrations and runs every write in one transaction. It is the only
// package that knows which dialect is underneath; stores write portable SQL
// with $1…$n placeholders and call the named helpers here for the rest.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Dialect names the SQL engine underneath.
type Dialect int

const (
	SQLite Dialect = iota
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// Q is what both *sql.DB and *sql.Tx offer; store helpers take it so that the
// same code reads outside a transaction and writes inside one.
type Q interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is an open database. Reads go to a pool; on SQLite writes go through a
// one-connection pool so that writers queue in Go instead of failing with
// SQLITE_BUSY, and every write transaction starts with BEGIN IMMEDIATE.
type DB struct {
	Dialect Dialect
	read    *sql.DB
	write   *sql.DB
	reader  Q             // what R returns: the read pool, through a statement cache on SQLite
	cache   *stmtCache    // nil on PostgreSQL
	ckpt    *checkpointer // SQLite's background checkpoints; nil on PostgreSQL
	inTx    sync.Map      // ids of the goroutines running an InTx, to refuse one nested without its Tx
	// File is the SQLite database file ("" on PostgreSQL).
	File string
	// URL is the connection string Open was given.
	URL string
}

// Open connects to url: "sqlite:PATH" (or a bare path ending in .db) or
// "postgres://…". The SQLite file's folder is created when missing.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	switch {
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return openPostgres(ctx, rawURL)
	case strings.HasPrefix(rawURL, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(rawURL, "sqlite:"), rawURL)
	case strings.HasSuffix(rawURL, ".db"):
		return openSQLite(ctx, rawURL, rawURL)
	}
	return nil, fmt.Errorf("db: unsupported database URL %q (want sqlite:PATH or postgres://…)", redact(rawURL))
}

// The pragmas follow SECURITY-CHECKLIST I1: busy_timeout first so that the
// others never fail on a locked file, WAL, FULL sync for the ledgers,
// secure_delete so erased personal data leaves no bytes behind.
// SQLite compares timestamps as text, so every time is written in UTC
// (_timezone): a time.Time in another zone would otherwise sort by its wall
// clock, not by the instant it names.
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(FULL)&_pragma=secure_delete(1)&_time_format=sqlite&_timezone=UTC"

// readConns is the size of SQLite's read pool.
const readConns = 8

func openSQLite(ctx context.Context, path, raw string) (*DB, error) {
	if path == "" {
		return nil, errors.New("db: empty SQLite path")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("db: create %s: %w", dir, err)
		}
	}
	dsn := "file:" + path + "?" + sqlitePragmas
	// The one writer gets a 64 MiB page cache (SQLite's default is 2 MiB):
	// a batch of 10,000 imported rows dirties some 45 MB of pages in half a
	// dozen indexes, and a smaller cache spills them to the WAL
	// mid-transaction, which (with 1,000-row batches and 2 MiB) cost
	// a third of an import's time in writes that are then written again.
	// Statement journals (the undo of one statement inside a transaction,
	// needed wherever a constraint can fail half-way) stay in memory: as
	// temporary files they were another fifth of it, in pwrite calls. It
	// leaves checkpoints to the checkpointer. A log it starts over is cut
	// back to 256 MiB (SQLite otherwise keeps the file at its largest): above
	// the checkpointer's restart length, since cutting a log that then grows
	// again cost an import 5 % (64 MiB).
	// Its connection keeps its statements prepared (writecache.go).
	probe, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	drv := probe.Driver() // the registered driver, as sql.Open("sqlite", …) uses it
	probe.Close()
	write := sql.OpenDB(cachingConnector{drv: drv, dsn: dsn + "&_txlock=immediate&_pragma=cache_size(-65536)&_pragma=temp_store(MEMORY)" +
		"&_pragma=wal_autocheckpoint(0)&_pragma=journal_size_limit(268435456)"})
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	read, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)&_pragma=cache_size(-16384)")
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(readConns)
	read.SetMaxIdleConns(readConns)
	read.SetConnMaxIdleTime(5 * time.Minute)
	ckpt, err := startCheckpointer(dsn, write)
	if err != nil {
		write.Close()
		read.Close()
		return nil, err
	}
	cache := &stmtCache{db: read, m: map[string]*sql.Stmt{}}
	d := &DB{Dialect: SQLite, read: read, write: write, reader: cache, cache: cache, ckpt: ckpt, File: path, URL: raw}
	if err := d.Ping(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	if err := d.noStat4(ctx); err != nil { // from a database analysed before noStat4 existed
		d.Close()
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	return d, nil
}

func openPostgres(ctx context.Context, raw string) (*DB, error) {
	p, err := sql.Open("pgx", raw)
	if err != nil {
		return nil, err
	}
	// A few connections per core: more only queue inside PostgreSQL, where
	// backends compete for the same cores and lengthen the latency tail.
	p.SetMaxOpenConns(4 * runtime.NumCPU())
	p.SetMaxIdleConns(4 * runtime.NumCPU())
	p.SetConnMaxIdleTime(5 * time.Minute)
	d := &DB{Dialect: Postgres, read: p, write: p, reader: p, URL: raw}
	if err := d.Ping(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("db: connect %s: %w", redact(raw), err)
	}
	return d, nil
}

// redact drops the password from a connection URL so it can be logged.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxx")
	}
	return u.String()
}

// Redacted is the URL with any password replaced, safe for logs.
func (d *DB) Redacted() string { return redact(d.URL) }

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.read.PingContext(ctx); err != nil {
		return err
	}
	if d.write != d.read {
		return d.write.PingContext(ctx)
	}
	return nil
}

// Close closes both pools.
func (d *DB) Close() error {
	if d.cache != nil {
		d.cache.close()
	}
	var err error
	if d.ckpt != nil { // first: it borrows the writer's connection
		err = d.ckpt.close()
	}
	err = errors.Join(err, d.read.Close())
	if d.write != d.read {
		err = errors.Join(err, d.write.Close())
	}
	return err
}

// R is the read pool, for queries outside a transaction.
func (d *DB) R() Q { return d.reader }

// W is the write pool; migrations and maintenance use it directly.
func (d *DB) W() *sql.DB { return d.write }
