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
