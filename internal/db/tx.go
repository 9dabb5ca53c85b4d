package db

import (
	"context"
	"database/sql"
	"fmt"
)

// Tx is one write transaction. Stores, the audit log and the activity ledger
// all write through the same Tx so that they commit or roll back together.
type Tx struct {
	*sql.Tx
	Dialect  Dialect
	conn     *sql.Conn // the connection the transaction runs on (for COPY)
	onCommit []func()
	bumps    []string // version counters to bump just before the commit
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

// InTx runs fn in a write transaction and commits when fn returns nil. Any
// error or panic rolls everything back.
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	conn, err := d.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	defer conn.Close()
	stx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	tx := &Tx{Tx: stx, Dialect: d.Dialect, conn: conn}
	defer func() {
		if p := recover(); p != nil {
			stx.Rollback()
			panic(p)
		}
		if err != nil {
			stx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	for _, k := range tx.bumps {
		if err = bumpCounter(ctx, tx, k); err != nil {
			return err
		}
	}
	if err = stx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	if d.ckpt != nil {
		d.ckpt.Kick()
	}
	for _, f := range tx.onCommit {
		f()
	}
	return nil
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
