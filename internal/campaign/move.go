package campaign

import (
	"context"

	"qinggong/internal/db"
	"qinggong/internal/org"
)

// OrgMoved keeps the selection engine's paths (organizers, quota holders,
// the organizations nominations came from and are held by) in step with a
// subtree move. Wire it into the organization service once (app.Wire does).
func (s *Service) OrgMoved(ctx context.Context, tx *db.Tx, m org.Moved) error {
	db.BumpCampaignVersion(tx)
	return db.MovePaths(ctx, tx, m.OldPath, m.NewPath, "campaigns.org_path", "campaign_quotas.org_path",
		"nominations.origin_path", "nominations.holder_path")
}
