package db

import "context"

// MigrateTo exposes migrateTo to the package's external tests.
func (d *DB) MigrateTo(ctx context.Context, version int64) error { return d.migrateTo(ctx, version) }

// Checkpoints is how many background checkpoints have run (SQLite).
func (d *DB) Checkpoints() int64 { return d.ckpt.runs.Load() }

// SetWALRestartFrames lowers the log length past which checkpoints restart
// it, for databases opened from now on; the returned func restores it.
func SetWALRestartFrames(n int) func() {
	old := walRestartFrames
	walRestartFrames = n
	return func() { walRestartFrames = old }
}

// KeptWriteStmts is how many statements the SQLite writer's connection
// keeps prepared (-1 when it keeps none: PostgreSQL).
func (d *DB) KeptWriteStmts(ctx context.Context) (n int, err error) {
	n = -1
	c, err := d.write.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	err = c.Raw(func(dc any) error {
		if cc, ok := dc.(*cachingConn); ok {
			n = len(cc.stmts)
		}
		return nil
	})
	return n, err
}
