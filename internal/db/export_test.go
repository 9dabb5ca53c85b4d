package db

import "context"

// MigrateTo exposes migrateTo to the package's external tests.
func (d *DB) MigrateTo(ctx context.Context, version int64) error { return d.migrateTo(ctx, version) }
