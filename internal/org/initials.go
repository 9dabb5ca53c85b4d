package org

import (
	"context"

	"qinggong/internal/db"
	"qinggong/internal/pinyin"
)

// placeReadings are characters of Shanghai's place names that go-pinyin's
// first reading gets wrong (长宁 is chang, not zhang; 闵行 and 银行 are hang).
var placeReadings = map[rune]byte{'长': 'c', '行': 'h'}

// Initials returns the lower-case pinyin initials of an organization's
// name: 徐汇区团委 → "xhqtw", 长宁区团委 → "cnqtw". The picker searches
// them by prefix.
func Initials(name string) string { return pinyin.Initials(name, nil, placeReadings) }

// FillInitials computes the initials of organizations that lack them:
// rows written before migration 00014 or by bulk loads that bypass the
// service (the demo tree). It is cheap when nothing is missing (one scan
// of the table) and safe to run on several nodes at once.
func (s *Service) FillInitials(ctx context.Context) error {
	type row struct {
		id          int64
		name, short string
	}
	var todo []row
	rows, err := s.db.R().QueryContext(ctx, `SELECT id, name, short_name FROM orgs
		WHERE (initials = '' AND name <> '') OR (short_initials = '' AND short_name <> '')`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.name, &r.short); err != nil {
			rows.Close()
			return err
		}
		// A name without a readable character has no initials and is
		// looked at again next time; there are none in practice.
		if Initials(r.name) != "" || Initials(r.short) != "" {
			todo = append(todo, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(todo) == 0 {
		return err
	}
	const batch = 1000
	for start := 0; start < len(todo); start += batch {
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			for _, r := range todo[start:min(start+batch, len(todo))] {
				if _, err := tx.ExecContext(ctx, `UPDATE orgs SET initials = $1, short_initials = $2 WHERE id = $3`,
					Initials(r.name), Initials(r.short), r.id); err != nil {
					return err
				}
			}
			// Cached organizations do not hold the initials, but a
			// version bump keeps the rule simple: every write to orgs bumps.
			return db.BumpVersion(ctx, tx)
		})
		if err != nil {
			return err
		}
	}
	return nil
}
