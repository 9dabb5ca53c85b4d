package org

import (
	"context"
	"fmt"
	"strings"

	"qinggong/internal/activity"
	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// Move puts the subtree of id under newParentID, rewriting every path in the
// subtree (and in the activity ledger) in one transaction. Moving under
// itself or a descendant, moving the root, or breaking the level order is
// refused. The actor needs OrgManage on both the subtree and the new parent.
func (s *Service) Move(ctx context.Context, by *auth.Actor, id, newParentID int64) (*Org, error) {
	o, err := s.FindByID(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.OrgManage, o.Path) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	np, err := byID(ctx, s.db.R(), newParentID)
	var f errs.Fields
	switch {
	case o.ParentID == 0:
		f.Add("parent_id", "err.move_root")
	case err != nil || !by.Can(auth.OrgManage, np.Path):
		f.Add("parent_id", "err.org_unknown")
	case strings.HasPrefix(np.Path, o.Path):
		f.Add("parent_id", "err.move_cycle")
	case np.ID == o.ParentID:
		f.Add("parent_id", "err.move_same")
	case !np.Active():
		f.Add("parent_id", "err.parent_archived")
	case !childLevelOK(np.Level, o.Level, levelRank[o.Level]):
		f.Add("parent_id", "err.level_below")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// Re-read both ends inside the transaction so that a concurrent
		// move cannot slip a cycle past the checks above.
		o, err := byID(ctx, tx, id)
		if err != nil {
			return err
		}
		np, err := byID(ctx, tx, newParentID)
		if err != nil {
			return err
		}
		if strings.HasPrefix(np.Path, o.Path) {
			return (errs.Fields{"parent_id": "err.move_cycle"}).Err()
		}
		old, err := byID(ctx, tx, o.ParentID)
		if err != nil {
			return err
		}
		size := o.Descendants
		if o.Active() {
			size++
			if err := bumpRollups(ctx, tx, old, -1, -size); err != nil {
				return err
			}
			if err := bumpRollups(ctx, tx, np, 1, size); err != nil {
				return err
			}
		}
		newPath := np.Path + itoa(o.ID) + "/"
		delta := np.Depth + 1 - o.Depth
		if _, err := tx.ExecContext(ctx, `UPDATE orgs SET parent_id = CASE WHEN id = $1 THEN $2 ELSE parent_id END,
			path = CAST($3 AS TEXT) || substr(path, $4), depth = depth + $5, updated_at = $6
			WHERE path >= $7 AND path < $8`,
			o.ID, np.ID, newPath, len(o.Path)+1, delta, s.nowUTC(), o.Path, db.PathUpper(o.Path)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE activity SET org_path = CAST($1 AS TEXT) || substr(org_path, $2)
			WHERE org_path >= $3 AND org_path < $4`, newPath, len(o.Path)+1, o.Path, db.PathUpper(o.Path)); err != nil {
			return err
		}
		if err := recountMovedActivity(ctx, tx, o.ID, old.Path, np.Path); err != nil {
			return err
		}
		m := Moved{ID: o.ID, OldPath: o.Path, NewPath: newPath, OldParentPath: old.Path, NewParentPath: np.Path}
		for _, h := range s.moveHooks {
			if err := h(ctx, tx, m); err != nil {
				return err
			}
		}
		// Grants on the moved subtree now cover other paths.
		if err := db.BumpVersion(ctx, tx); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "org.move", ObjectType: "org", ObjectID: o.ID, OrgID: o.ID,
			Summary: fmt.Sprintf("parent %d→%d, %d organizations", old.ID, np.ID, o.Descendants+1)})
	})
	if err != nil {
		return nil, err
	}
	return byID(ctx, s.db.R(), id)
}

// Archive retires an organization (no hard delete: it keeps its history).
// The root and organizations with active children cannot be archived.
func (s *Service) Archive(ctx context.Context, by *auth.Actor, id int64) (*Org, error) {
	return s.setStatus(ctx, by, id, "archived")
}

// Restore makes an archived organization active again (the undo of Archive).
func (s *Service) Restore(ctx context.Context, by *auth.Actor, id int64) (*Org, error) {
	return s.setStatus(ctx, by, id, "active")
}

func (s *Service) setStatus(ctx context.Context, by *auth.Actor, id int64, status string) (*Org, error) {
	o, err := s.FindByID(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.OrgManage, o.Path) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if o.Status == status {
		return o, nil
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		o, err := byID(ctx, tx, id)
		if err != nil {
			return err
		}
		if o.ParentID == 0 {
			return errs.E(errs.Conflict, "err.archive_root")
		}
		parent, err := byID(ctx, tx, o.ParentID)
		if err != nil {
			return err
		}
		delta := 1
		if status == "archived" {
			if o.Children > 0 {
				return errs.E(errs.Conflict, "err.archive_children")
			}
			delta = -1
		} else if !parent.Active() {
			return errs.E(errs.Conflict, "err.parent_archived")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE orgs SET status = $1, updated_at = $2 WHERE id = $3`, status, s.nowUTC(), id); err != nil {
			return err
		}
		if err := bumpRollups(ctx, tx, parent, delta, delta); err != nil {
			return err
		}
		if err := db.BumpVersion(ctx, tx); err != nil {
			return err
		}
		action := "org.archive"
		if status == "active" {
			action = "org.restore"
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: action, ObjectType: "org", ObjectID: id, OrgID: id, Summary: audit.Clean(o.Name)})
	})
	if err != nil {
		return nil, err
	}
	return byID(ctx, s.db.R(), id)
}

// RebuildRollups recomputes every organization's children and descendants
// counts from the tree (after bulk loads, or to repair). It is audited.
func (s *Service) RebuildRollups(ctx context.Context) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE orgs SET
			children = (SELECT count(*) FROM orgs c WHERE c.parent_id = orgs.id AND c.status = 'active'),
			descendants = (SELECT count(*) FROM orgs d WHERE d.path > orgs.path AND d.path < `+pathUpperSQL("orgs.path")+` AND d.status = 'active')`); err != nil {
			return err
		}
		if err := db.BumpVersion(ctx, tx); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "org.rollups.rebuild"})
	})
}

// recountMovedActivity brings the activity rollups of the ancestors that lost
// or gained the moved subtree up to date (ancestors on both chains keep
// their totals). It costs a scan of each such ancestor's ledger for the
// months the subtree was active in; moves are rare.
func recountMovedActivity(ctx context.Context, tx *db.Tx, movedID int64, oldParentPath, newParentPath string) error {
	cells, err := activity.Periods(ctx, tx, movedID)
	if err != nil || len(cells) == 0 {
		return err
	}
	onOld, onNew := map[int64]bool{}, map[int64]bool{}
	for _, id := range db.PathIDs(oldParentPath) {
		onOld[id] = true
	}
	for _, id := range db.PathIDs(newParentPath) {
		onNew[id] = true
	}
	var changed []int64
	for id := range onOld {
		if !onNew[id] {
			changed = append(changed, id)
		}
	}
	for id := range onNew {
		if !onOld[id] {
			changed = append(changed, id)
		}
	}
	for _, id := range changed {
		a, err := byID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := activity.Recount(ctx, tx, a.ID, a.Path, cells); err != nil {
			return err
		}
	}
	return nil
}
