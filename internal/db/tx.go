package db

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync/atomic"
)

// Tx is one write transaction. Stores, the audit log and the activity ledger
// all write through the same Tx so that they commit or roll back together.
// It is used by one goroutine at a time: the outer fn and the nested InTx
// calls it makes run one after another.
type Tx struct {
	*sql.Tx
	Dialect  Dialect
	db       *DB
	conn     *sql.Conn // the connection the transaction runs on (for COPY)
	onCommit []func()
	bumps    []string    // version counters to bump just before the commit
	failed   error       // the first error (or panic) of a nested InTx
	done     atomic.Bool // committed or rolled back; a stale context may be read anywhere
}

// bumpAtCommit has the counter key bumped once, as the transaction's last
// statement.
func (tx *Tx) bumpAtCommit(key string) {
	for _, k := range tx.bumps {
		if k == key {
			return
		}
	}
	tx.bumps = append(tx.bumps, key)
}

// OnCommit runs f after the transaction has committed (cache invalidation,
// notifications); it never runs on rollback.
func (tx *Tx) OnCommit(f func()) { tx.onCommit = append(tx.onCommit, f) }

type txKey struct{}

// Context returns parent carrying tx, so that an InTx given it (or a context
// derived from it) joins tx instead of beginning a transaction of its own.
// Pass it to every service called inside the transaction.
func (tx *Tx) Context(parent context.Context) context.Context {
	return context.WithValue(parent, txKey{}, tx)
}

var (
	// ErrTxFinished: the context carries a transaction that has already
	// committed or rolled back, typically captured by a goroutine or an
	// OnCommit hook; its writes would land nowhere.
	ErrTxFinished = errors.New("db: the context carries a finished transaction")
	// ErrTxOtherDB: the context carries a transaction of another database.
	ErrTxOtherDB = errors.New("db: the context carries a transaction of another database")
	// ErrTxNotCarried: InTx was called on a goroutine already inside a
	// transaction of the same database, with a context that does not carry
	// it. On SQLite the writer's one connection is that transaction's, so
	// the call would wait for it forever; on PostgreSQL it would commit
	// apart from it, or wait on its row locks.
	ErrTxNotCarried = errors.New("db: InTx inside a transaction without it in the context (pass tx.Context(ctx))")
)

// InTx runs fn in a write transaction and commits when fn returns nil. Any
// error or panic rolls everything back.
//
// Services compose through the context: inside fn, call other services with
// tx.Context(ctx). An InTx given such a context joins the transaction instead
// of beginning one (on SQLite a second would wait forever for the writer's
// one connection; on PostgreSQL it would commit on its own). The joined fn
// runs on the same Tx; its version bumps and OnCommit hooks run once, when
// the outermost InTx commits; its error is returned to the caller and dooms
// the transaction: the outermost InTx rolls back and returns that error even
// if the error was swallowed, because without savepoints the failed call's
// writes may be half done. Nothing commits before the outermost fn returns
// nil. A context carrying a finished transaction, or one of another
// database, is refused, as is a nested InTx on the same goroutine whose
// context does not carry the transaction (see the errors above).
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	if outer, ok := ctx.Value(txKey{}).(*Tx); ok {
		switch {
		case outer.db != d:
			return ErrTxOtherDB
		case outer.done.Load():
			return ErrTxFinished
		}
		return outer.join(fn)
	}
	g := goid()
	if _, busy := d.inTx.LoadOrStore(g, struct{}{}); busy {
		return ErrTxNotCarried
	}
	hooks, err := d.run(ctx, g, fn)
	if err != nil {
		return err
	}
	for _, f := range hooks {
		f()
	}
	return nil
}

// run begins, runs fn and commits, returning the OnCommit hooks. Goroutine g
// leaves d.inTx once the transaction has finished, before the hooks, which
// may write in transactions of their own.
func (d *DB) run(ctx context.Context, g uint64, fn func(tx *Tx) error) (hooks []func(), err error) {
	defer d.inTx.Delete(g)
	conn, err := d.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("db: begin: %w", err)
	}
	defer conn.Close()
	stx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("db: begin: %w", err)
	}
	tx := &Tx{Tx: stx, Dialect: d.Dialect, db: d, conn: conn}
	defer func() {
		tx.done.Store(true)
		if p := recover(); p != nil {
			stx.Rollback()
			panic(p)
		}
		if err != nil {
			stx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return nil, err
	}
	if err = tx.failed; err != nil {
		return nil, err
	}
	for _, k := range tx.bumps {
		if err = bumpCounter(ctx, tx, k); err != nil {
			return nil, err
		}
	}
	if err = stx.Commit(); err != nil {
		return nil, fmt.Errorf("db: commit: %w", err)
	}
	if d.ckpt != nil {
		d.ckpt.Kick()
	}
	return tx.onCommit, nil
}

// join runs a nested InTx's fn on tx, recording a failure for the outermost
// InTx to roll back on.
func (tx *Tx) join(fn func(tx *Tx) error) (err error) {
	finished := false
	defer func() {
		if !finished && tx.failed == nil {
			tx.failed = errors.New("db: a nested InTx panicked")
		}
	}()
	err = fn(tx)
	finished = true
	if err != nil && tx.failed == nil {
		tx.failed = err
	}
	return err
}

// goid is the calling goroutine's id. Go keeps it hidden on purpose, but it
// is the only way to tell a nested InTx that would deadlock on the writer
// from one that merely waits for another goroutine's transaction. Reading it
// costs some 4 µs, next to the milliseconds of a commit's sync.
func goid() uint64 {
	var buf [64]byte
	b := bytes.TrimPrefix(buf[:runtime.Stack(buf[:], false)], []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return id
}

// ReadTx runs fn in a read-only snapshot, for reads that must agree with each
// other (exports, consistency checks).
func (d *DB) ReadTx(ctx context.Context, fn func(q Q) error) error {
	// A SQLite read transaction is one snapshot already (WAL); PostgreSQL's
	// default READ COMMITTED takes a new one per statement.
	opts := &sql.TxOptions{}
	if d.Dialect == Postgres {
		opts = &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
	}
	stx, err := d.read.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer stx.Rollback()
	return fn(stx)
}

var _ Q = (*sql.DB)(nil)
var _ Q = (*sql.Tx)(nil)
