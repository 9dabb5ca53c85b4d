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
	return db.MovePaths(ctx, tx, m.OldPath, m.NewPath, "cadres.org_path")
}
