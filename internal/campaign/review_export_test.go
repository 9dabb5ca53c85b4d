package campaign

import (
	"context"

	"qinggong/internal/db"
)

// ReviewsSettled exposes the check Advance makes before the public notice.
func ReviewsSettled(s *Service, ctx context.Context, q db.Q, c *Campaign) error {
	return s.reviewsSettled(ctx, q, c)
}
