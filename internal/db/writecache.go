package db

import (
	"context"
	"database/sql/driver"
	"strings"
)

// The SQLite writer's connection keeps its statements prepared, as the read
// pool's stmtCache does: modernc parses every query string afresh, which
// was 11–12 % of a registration's or a check-in's CPU, every statement of
// every write transaction parsed again.
//
// It is done in the driver connection, not with database/sql statements:
// preparing a *sql.Stmt on the writer's pool inside a transaction would
// wait forever for the pool's one connection (the transaction holds it),
// and a statement prepared on the transaction's sql.Conn cannot be reused
// by the next transaction. Here database/sql still sees a plain connection
// whose ExecContext and QueryContext take a query string (so transactions,
// rollbacks and errors are exactly as before); the connection runs them
// through a prepared statement kept per text. database/sql uses a driver
// connection from one goroutine at a time, so the cache needs no lock.
//
// A statement is reused only when it is idle: while the rows of a query
// are open (a query run again inside the loop over its own results) the
// same text runs unprepared. Only the statements of data are kept (SELECT,
// INSERT, UPDATE, DELETE, REPLACE, WITH), up to maxWriteQueryLen bytes:
// migrations, pragmas and long multi-row statements are parsed each time
// as before. SQLite re-prepares a kept statement by itself when the
// schema changes.

// maxWriteStmts bounds the cache; when it is full it starts over.
const maxWriteStmts = 256

// maxWriteQueryLen is the longest statement kept.
const maxWriteQueryLen = 4096

// sqliteConn is what the SQLite driver's connection offers database/sql.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

type sqliteStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

type sqliteRows interface {
	driver.Rows
	driver.RowsColumnTypeDatabaseTypeName
	driver.RowsColumnTypeLength
	driver.RowsColumnTypeNullable
	driver.RowsColumnTypePrecisionScale
	driver.RowsColumnTypeScanType
}

// cachingConnector opens the writer's connections.
type cachingConnector struct {
	drv driver.Driver
	dsn string
}

func (c cachingConnector) Connect(context.Context) (driver.Conn, error) {
	dc, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	if sc, ok := dc.(sqliteConn); ok {
		return &cachingConn{sqliteConn: sc, stmts: map[string]*keptStmt{}}, nil
	}
	return dc, nil // another driver: no cache
}

func (c cachingConnector) Driver() driver.Driver { return c.drv }

type keptStmt struct {
	sqliteStmt
	busy bool // its rows are open
}

type cachingConn struct {
	sqliteConn
	stmts map[string]*keptStmt
}

// kept is the idle prepared statement of query, or nil (not kept, in use,
// or failing to prepare: the plain call then reports the error).
func (c *cachingConn) kept(ctx context.Context, query string) *keptStmt {
	if s, ok := c.stmts[query]; ok {
		if s.busy {
			return nil
		}
		return s
	}
	if !keepable(query) {
		return nil
	}
	if len(c.stmts) >= maxWriteStmts {
		for q, s := range c.stmts {
			if !s.busy {
				s.Close()
				delete(c.stmts, q)
			}
		}
	}
	ds, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	st, ok := ds.(sqliteStmt)
	if !ok {
		ds.Close()
		return nil
	}
	s := &keptStmt{sqliteStmt: st}
	c.stmts[query] = s
	return s
}

func keepable(query string) bool {
	if len(query) > maxWriteQueryLen {
		return false
	}
	q := strings.TrimLeft(query, " \t\r\n")
	for _, w := range []string{"SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "WITH"} {
		if len(q) > len(w) && strings.EqualFold(q[:len(w)], w) {
			switch q[len(w)] {
			case ' ', '\t', '\r', '\n', '(':
				return true
			}
		}
	}
	return false
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if s := c.kept(ctx, query); s != nil {
		return s.ExecContext(ctx, args)
	}
	return c.sqliteConn.ExecContext(ctx, query, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s := c.kept(ctx, query)
	if s == nil {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	r, err := s.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	sr, ok := r.(sqliteRows)
	if !ok {
		r.Close()
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	s.busy = true
	return &keptRows{sqliteRows: sr, s: s}, nil
}

func (c *cachingConn) Close() error {
	for q, s := range c.stmts {
		s.Close()
		delete(c.stmts, q)
	}
	return c.sqliteConn.Close()
}

// keptRows frees its statement for the next use when closed.
type keptRows struct {
	sqliteRows
	s *keptStmt
}

func (r *keptRows) Close() error {
	err := r.sqliteRows.Close()
	r.s.busy = false
	return err
}
