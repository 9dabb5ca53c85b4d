package cadre

import (
	"context"

	"qinggong/internal/db"
	"qinggong/internal/org"
)

// orgMoved keeps cadre posts in step with a subtree move: their
// organization paths are rewritten inside the move's transaction, so the
// posts follow their organizations into the new scope. (The activity
// ledger's paths are rewritten by the move itself.)
func (s *Service) orgMoved(ctx context.Context, tx *db.Tx, m org.Moved) error {
	_, err := tx.ExecContext(ctx, `UPDATE cadres SET org_path = CAST($1 AS TEXT) || substr(org_path, $2)
		WHERE org_path >= $3 AND org_path < $4`, m.NewPath, len(m.OldPath)+1, m.OldPath, db.PathUpper(m.OldPath))
	return err
}
