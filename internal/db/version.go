package db

import "context"

// The cache version is a counter in the database that every change to what
// in-process caches hold (grants, region members, the organization tree)
// bumps inside its own transaction. Each request reads it together with its
// session (VersionSQL), and a cache entry is used only under the version it
// was loaded at. So a node never serves stale grants or organizations after
// a committed change, whichever node made it, and nothing else needs to
// invalidate anything.

// VersionSQL reads the cache version inside another query.
const VersionSQL = `COALESCE((SELECT value FROM settings WHERE key = 'cache_version'), '0')`

// BumpVersion invalidates every version-tagged cache entry on every node
// once tx commits.
func BumpVersion(ctx context.Context, tx *Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('cache_version', '1')
		ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(settings.value AS INTEGER) + 1 AS TEXT)`)
	return err
}
