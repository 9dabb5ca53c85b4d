package auth

import (
	"context"

	"qinggong/internal/errs"
)

// LockedUsers lists the accounts locked now, soonest to open first, for the
// security admin, who unlocks them (at most limit, 1–100). The lock lasts
// minutes, so few accounts are ever locked at once; the users table is
// read whole (one row per account, not per person).
func (s *Service) LockedUsers(ctx context.Context, by *Actor, limit int) ([]User, error) {
	if !by.Can(SecurityAdmin, "") {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+userColumns+` FROM users u JOIN orgs o ON o.id = u.org_id
		WHERE u.locked_until > $1 ORDER BY u.locked_until, u.id LIMIT $2`, s.Now(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		if err := scanUser(rows, &u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
