package org

import (
	"context"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// ArchiveRegion retires a region (RegionWrite on its owner). Like an
// organization it is never deleted: it leaves the region lists (the
// archived are listed apart), keeps its members, which can no longer
// change, and grants on it confer nothing until RestoreRegion (the actor
// loader reads only active regions' members). Archiving an archived region
// is a Conflict.
func (s *Service) ArchiveRegion(ctx context.Context, by *auth.Actor, id int64) (*Region, error) {
	return s.setRegionStatus(ctx, by, id, "archived", "region.archive", "err.region_archived")
}

// RestoreRegion undoes ArchiveRegion; restoring an active region is a Conflict.
func (s *Service) RestoreRegion(ctx context.Context, by *auth.Actor, id int64) (*Region, error) {
	return s.setRegionStatus(ctx, by, id, "active", "region.restore", "err.region_active")
}

func (s *Service) setRegionStatus(ctx context.Context, by *auth.Actor, id int64, status, action, conflict string) (*Region, error) {
	r, err := s.writableRegion(ctx, by, id)
	if err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// The condition on the old status makes a concurrent second
		// archive (or restore) find nothing to change.
		res, err := tx.ExecContext(ctx, `UPDATE regions SET status = $1, updated_at = $2 WHERE id = $3 AND status <> $1`,
			status, s.nowUTC(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, conflict)
		}
		// Grants on the region start or stop counting: every cached actor reloads.
		if err := db.BumpVersion(ctx, tx); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: action, ObjectType: "region", ObjectID: id, OrgID: r.OrgID,
			Summary: audit.Clean(r.Name)})
	})
	if err != nil {
		return nil, err
	}
	return s.FindRegionByID(ctx, by, id)
}
