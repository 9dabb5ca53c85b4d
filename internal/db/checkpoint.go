package db

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// checkpointer copies SQLite's write-ahead log into the database file in
// the background, on its own connection. The writer does not checkpoint
// (wal_autocheckpoint=0): by default the commit that takes the log past
// 1,000 pages copies them into the database and syncs it before it
// returns, so every large write transaction paid for the checkpoint as
// well: 5–8 % of an import's database phase (docs/PERFORMANCE.md,
// session 5). SQLite's documentation suggests this arrangement where
// commit latency matters. Durability is unchanged: a commit is durable
// once its log frames are synced (synchronous=FULL), and a crash before a
// checkpoint leaves frames the next open replays.
//
// A checkpoint runs after each committed write transaction (kick) and at
// least every checkpointEvery, for writes that bypass InTx (migrations).
// PASSIVE never waits for readers or the writer; the log restarts from its
// beginning once everything in it has been copied and no reader needs it.
type checkpointer struct {
	conn   *sql.DB // its own connection, for the copying
	writer *sql.DB // the writer's pool, for restarts
	kick   chan struct{}
	stop   chan struct{}
	wg     sync.WaitGroup
	runs   atomic.Int64 // checkpoints run, for tests
	// restartFrames is walRestartFrames when it started.
	restartFrames int
}

// checkpointEvery bounds the time between checkpoints without commits.
const checkpointEvery = time.Second

func startCheckpointer(dsn string, writer *sql.DB) (*checkpointer, error) {
	conn, err := sql.Open("sqlite", dsn+"&_pragma=cache_size(-1024)")
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	conn.SetMaxIdleConns(1)
	conn.SetConnMaxLifetime(0)
	c := &checkpointer{conn: conn, writer: writer, restartFrames: walRestartFrames, kick: make(chan struct{}, 1), stop: make(chan struct{})}
	c.wg.Add(1)
	go c.loop()
	return c, nil
}

func (c *checkpointer) loop() {
	defer c.wg.Done()
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		case <-t.C:
		}
		if err := c.checkpoint(); err != nil {
			slog.Warn("sqlite checkpoint", "err", err) // the next one retries; the log only grows meanwhile
		}
		c.runs.Add(1)
	}
}

// walRestartFrames is the log's length (in pages) past which a checkpoint
// also restarts it. The log starts over from its beginning only when a
// write transaction begins with everything in it copied; a writer that
// starts its next transaction while the last checkpoint is still copying
// (an import, batch after batch) appends instead, and the log would grow
// for as long as the writes go on. A RESTART checkpoint waits for the
// writer's transaction to end, holds the next one back until the copy is
// complete, and so lets it start the log over. 32,768 pages is 128 MiB,
// some three of an import's 10,000-row batches.
var walRestartFrames = 32768

// checkpoint copies what it can without waiting, and restarts a log grown
// past walRestartFrames.
func (c *checkpointer) checkpoint() error {
	var busy, frames, copied int
	if err := c.conn.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied); err != nil {
		return err
	}
	if frames <= c.restartFrames {
		return nil
	}
	// On the writer's own connection: taking it from the pool waits for the
	// transaction in progress and holds the next one back (the pool queues
	// it), so no writer slips in between the copy and the restart. Busy
	// (a reader still on an old snapshot past the busy timeout) is a result,
	// not an error: the next checkpoint tries again.
	conn, err := c.writer.Conn(context.Background())
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint(RESTART)").Scan(&busy, &frames, &copied)
}

// Kick asks for a checkpoint soon; it never blocks.
func (c *checkpointer) Kick() {
	select {
	case c.kick <- struct{}{}:
	default: // one is pending already
	}
}

// close stops the loop and closes its connection. (The last connection
// of the database to close checkpoints the whole log and removes it.)
func (c *checkpointer) close() error {
	close(c.stop)
	c.wg.Wait()
	return c.conn.Close()
}
