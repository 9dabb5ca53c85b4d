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
	return bumpCounter(ctx, tx, "cache_version")
}

// The people version is a second counter, for caches of what the people
// registry holds (list pages and their counts). Every write to people
// bumps it; it is kept apart from the cache version so that registry
// writes, far more frequent than changes to the tree or to grants, do not
// empty the organization and grant caches.
const PeopleVersionSQL = `COALESCE((SELECT value FROM settings WHERE key = 'people_version'), '0')`

// BumpPeopleVersion invalidates every cache of people data on every node
// once tx commits. The counter is written just before the commit, so that
// on PostgreSQL concurrent writers hold its row lock only while they
// commit, not for the whole of a long transaction.
func BumpPeopleVersion(tx *Tx) { tx.bumpAtCommit("people_version") }

func bumpCounter(ctx context.Context, tx *Tx, key string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, '1')
		ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(settings.value AS INTEGER) + 1 AS TEXT)`, key)
	return err
}

// The campaign version is a third counter, for caches of the selection
// engine's organizer pages (the board, a closed round's ranking). Every
// transaction of the campaign engine bumps it at its commit; the pages it
// guards are read far more often than campaigns change, and a counter of
// its own keeps review traffic from emptying the other caches.
const CampaignVersionSQL = `COALESCE((SELECT value FROM settings WHERE key = 'campaign_version'), '0')`

// BumpCampaignVersion invalidates every cache of campaign pages on every
// node once tx commits (written just before the commit, as the people
// version is).
func BumpCampaignVersion(tx *Tx) { tx.bumpAtCommit("campaign_version") }

// The credits version is a fourth counter, for caches of what the credit
// ledger's kept sums show (a subtree's skills overview, a transcript).
// Every posting bumps it at its commit (skills.Service.post), as do the
// other writes those figures read (an appraisal result, a rebuild).
const CreditsVersionSQL = `COALESCE((SELECT value FROM settings WHERE key = 'credits_version'), '0')`

// BumpCreditsVersion invalidates every cache of credit figures on every
// node once tx commits (written just before the commit).
func BumpCreditsVersion(tx *Tx) { tx.bumpAtCommit("credits_version") }
