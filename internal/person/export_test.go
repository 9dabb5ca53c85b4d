package person

import (
	"context"
	"time"

	"qinggong/internal/auth"
	"qinggong/internal/db"
)

// SetNameWalkMin lowers the subtree size from which a name-ordered list
// walks the name index, so small fixtures take that path too; the returned func restores it.
func SetNameWalkMin(n int64) func() {
	old := nameWalkMin
	nameWalkMin = n
	return func() { nameWalkMin = old }
}

// SetImportWriteHook makes fn see every import batch's write transaction;
// the returned func restores the hook.
func SetImportWriteHook(fn func(rows int, took time.Duration)) func() {
	old := importWriteHook
	importWriteHook = fn
	return func() { importWriteHook = old }
}

// CountQuery is the statement Count runs for f as by (when f is not
// Plain), for tests of its plan.
func (s *Service) CountQuery(ctx context.Context, by *auth.Actor, f Filter) (string, []any, error) {
	pl, err := s.resolve(ctx, by, auth.PersonRead, f)
	if err != nil {
		return "", nil, err
	}
	return s.countQuery(ctx, f, pl)
}

// PageQuery is the statement Find runs for f as by, for tests of its plan.
func (s *Service) PageQuery(ctx context.Context, by *auth.Actor, f Filter) (string, []any, error) {
	pl, err := s.resolve(ctx, by, auth.PersonRead, f)
	if err != nil {
		return "", nil, err
	}
	if f.Limit <= 0 {
		f.Limit = 20
	}
	return s.findQuery(ctx, &f, pl)
}

// DistrictOf and DistrictSQL expose the district of a path, as Go and as
// SQL compute it, for the test that they agree.
var DistrictOf = districtOf

func DistrictSQL(d db.Dialect) string { return districtSQL(d) }
