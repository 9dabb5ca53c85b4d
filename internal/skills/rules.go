package skills

import (
	"context"
	"errors"
	"fmt"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// Rule is how many credits one kind of achievement earns, and for how
// many years they count (0: always). The rule "course" with 0 credits
// means "the course's own credits".
type Rule struct {
	Code       string    `json:"code"`
	Credits    int       `json:"credits"`
	ValidYears int       `json:"valid_years"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Rules lists the credit rules (to any login: they explain a transcript).
func (s *Service) Rules(ctx context.Context) ([]Rule, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT code, credits, valid_years, updated_at FROM credit_rules ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Rule
	for rows.Next() {
		var r Rule
		if err := rows.Scan(&r.Code, &r.Credits, &r.ValidYears, &r.UpdatedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func rule(ctx context.Context, q db.Q, code string) (Rule, error) {
	r := Rule{Code: code}
	err := q.QueryRowContext(ctx, `SELECT credits, valid_years, updated_at FROM credit_rules WHERE code = $1`, code).
		Scan(&r.Credits, &r.ValidYears, &r.UpdatedAt)
	if errors.Is(err, db.ErrNoRows) {
		return r, errs.E(errs.Conflict, "err.credit_rule_unknown")
	}
	return r, err
}

// SetRule changes one rule; only the city committee (skills.rules on the
// root) sets them. Entries already posted keep what they were given.
func (s *Service) SetRule(ctx context.Context, by *auth.Actor, code string, credits, validYears int) (*Rule, error) {
	root, err := s.orgs.Root(ctx)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.SkillsRules, root.Path) {
		return nil, errs.E(errs.Forbidden, "err.credit_rules_city")
	}
	if _, err := rule(ctx, s.db.R(), code); errs.KindOf(err) == errs.Conflict {
		return nil, errs.ErrNotFound // no such rule, before what was sent for it
	} else if err != nil {
		return nil, err
	}
	var f errs.Fields
	if credits < 0 || credits > 100 {
		f.Add("credits", "err.credit_rule_credits")
	}
	if validYears < 0 || validYears > 20 {
		f.Add("valid_years", "err.credit_rule_years")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE credit_rules SET credits = $1, valid_years = $2, updated_by = $3, updated_at = $4 WHERE code = $5`,
			credits, validYears, by.UserID, s.now().UTC(), code)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrNotFound
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "credit.rule", ObjectType: "credit_rule", OrgID: root.ID,
			Summary: fmt.Sprintf("rule=%s credits=%d valid_years=%d", code, credits, validYears)})
	})
	if err != nil {
		return nil, err
	}
	r, err := rule(ctx, s.db.R(), code)
	return &r, err
}

// expiry is the last day credits posted now under r count, "" for never.
func (s *Service) expiry(r Rule) string {
	if r.ValidYears == 0 {
		return ""
	}
	return s.now().In(shanghai).AddDate(r.ValidYears, 0, -1).Format(time.DateOnly)
}
