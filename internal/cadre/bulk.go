package cadre

import (
	"context"
	"fmt"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// bulkBatch is how many posts one Bulk transaction writes.
const bulkBatch = 1000

// Bulk appoints many cadres at once (demo data, migration from another
// system), bulkBatch per transaction with one audit record per batch, each
// post with its growth-record entry exactly as Create writes it. Every row
// must be valid, its person readable and its organization in the actor's
// write scope: the first bad row stops it before anything of its batch is
// written, and the error names the row (0-based) in its Msg. A duplicate
// serving post fails its whole batch.
func (s *Service) Bulk(ctx context.Context, by *auth.Actor, in []Input) (int, error) {
	paths := map[int64]string{}
	today := s.now()
	created := 0
	for start := 0; start < len(in); start += bulkBatch {
		chunk := in[start:min(start+bulkBatch, len(in))]
		rows := make([]Input, len(chunk))
		for i, x := range chunk {
			c, fe := check(x, today)
			if len(fe) > 0 {
				return created, &errs.Error{Kind: errs.Invalid, Msg: fmt.Sprintf("row %d", start+i), Fields: fe}
			}
			if _, err := s.readablePerson(ctx, by, c.PersonID); err != nil {
				return created, fmt.Errorf("row %d: %w", start+i, err)
			}
			if _, ok := paths[c.OrgID]; !ok {
				o, err := s.writableOrg(ctx, by, c.OrgID)
				if err != nil {
					return created, fmt.Errorf("row %d: %w", start+i, err)
				}
				paths[c.OrgID] = o.Path
			}
			rows[i] = c
		}
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			for _, c := range rows {
				if _, err := s.insert(ctx, tx, by, c, paths[c.OrgID]); err != nil {
					return err
				}
			}
			return s.audit.Record(ctx, tx, audit.Entry{Action: "cadre.bulk", ObjectType: "cadre", OrgID: by.OrgID,
				Summary: fmt.Sprintf("rows=%d", len(rows))})
		})
		if err != nil {
			return created, duplicateErr(err)
		}
		created += len(rows)
	}
	return created, nil
}
