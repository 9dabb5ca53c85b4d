package person

import (
	"context"
	"fmt"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// Bulk registers many people at once (demo data, migrations from another
// system), importBatch per transaction exactly as a confirmed import
// writes them (a registered person in another organization gets a
// transfer request, not a move). Every row must be valid and in the actor's write scope:
// the first bad row (or one naming a person registered outside the scope)
// stops it before anything of its batch is written, and the error names
// the row (0-based) in its Msg.
func (s *Service) Bulk(ctx context.Context, by *auth.Actor, in []Input) (created, updated int, err error) {
	orgs := map[int64]string{}
	today := s.now()
	for start := 0; start < len(in); start += importBatch {
		chunk := in[start:min(start+importBatch, len(in))]
		rows := make([]importRow, len(chunk))
		for i, x := range chunk {
			c, fe := check(x, today)
			if len(fe) > 0 {
				return created, updated, &errs.Error{Kind: errs.Invalid, Msg: fmt.Sprintf("row %d", start+i), Fields: fe}
			}
			path, ok := orgs[c.OrgID]
			if !ok {
				o, err := s.writableOrg(ctx, by, c.OrgID)
				if err != nil {
					return created, updated, err
				}
				path, orgs[c.OrgID] = o.Path, o.Path
			}
			rows[i] = s.prepare(importRow{no: start + i, c: c, orgPath: path, hash: s.IDIndex(c.IDNumber), present: allFields})
		}
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			r := newRollup()
			pl, err := s.writeBatch(ctx, tx, by, source{}, rows, r)
			if err != nil {
				return err
			}
			if len(pl.bad) > 0 {
				return &errs.Error{Kind: errs.Invalid, Msg: fmt.Sprintf("row %d", pl.bad[0].Row), Fields: errs.Fields{"id_number": "err.import_elsewhere"}}
			}
			w := pl.counts()
			if err := r.apply(ctx, tx); err != nil {
				return err
			}
			created, updated = created+w.created, updated+w.updated
			return s.audit.Record(ctx, tx, audit.Entry{Action: "person.bulk", ObjectType: "person", OrgID: by.OrgID,
				Summary: fmt.Sprintf("rows=%d created=%d updated=%d unchanged=%d", len(rows), w.created, w.updated, w.unchanged)})
		})
		if err != nil {
			return created, updated, uniqueErr(err)
		}
	}
	return created, updated, nil
}
