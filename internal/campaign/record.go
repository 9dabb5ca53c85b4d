package campaign

import (
	"context"
	"time"

	"qinggong/internal/db"
)

// recordReasons applies the rules that look at earlier campaigns, for
// every kind of nominee alike: an honour held long enough (a certificate
// of a campaign of that kind, not revoked, issued HeldYears before day),
// and no objection upheld in an earlier campaign of the same kind.
func recordReasons(ctx context.Context, q db.Q, c *Campaign, nomineeID int64, day time.Time) ([]Reason, error) {
	var out []Reason
	if r := c.Rules; r.HeldKind != "" {
		var n int
		err := q.QueryRowContext(ctx, `SELECT count(*) FROM certificates ce JOIN campaigns k ON k.id = ce.campaign_id
			JOIN nominations n ON n.id = ce.nomination_id
			WHERE k.kind = $1 AND n.nominee_kind = $2 AND n.nominee_id = $3 AND ce.revoked_at IS NULL AND ce.issued_at <= $4`,
			r.HeldKind, c.NomineeKind, nomineeID, day.AddDate(-r.HeldYears, 0, 0).UTC()).Scan(&n)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			out = append(out, Reason{Field: "nominee", Key: "err.held_honour"})
		}
	}
	if c.Rules.CleanRecord {
		var n int
		err := q.QueryRowContext(ctx, `SELECT count(*) FROM objections o JOIN nominations n ON n.id = o.nomination_id
			JOIN campaigns k ON k.id = n.campaign_id
			WHERE k.kind = $1 AND k.id <> $2 AND n.nominee_kind = $3 AND n.nominee_id = $4 AND o.status = $5`,
			c.Kind, c.ID, c.NomineeKind, nomineeID, ObjUpheld).Scan(&n)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			out = append(out, Reason{Field: "nominee", Key: "err.previous_objection"})
		}
	}
	return out, nil
}
