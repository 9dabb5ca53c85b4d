package event

import (
	"context"

	"qinggong/internal/db"
	"qinggong/internal/org"
)

// OrgMoved keeps events under a moved organization in its subtree (their
// organizer's path decides who manages and reads them). Wire it into the
// organization service once (app.Wire does).
func (s *Service) OrgMoved(ctx context.Context, tx *db.Tx, m org.Moved) error {
	return db.MovePaths(ctx, tx, m.OldPath, m.NewPath, "events.org_path")
}
