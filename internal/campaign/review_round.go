package campaign

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// validateRound checks a round's settings and rubric; criterion fields are
// named criteria.<index>.<field>.
func validateRound(in *RoundInput) errs.Fields {
	var f errs.Fields
	in.Name = strings.TrimSpace(in.Name)
	if n := utf8.RuneCountInString(in.Name); n == 0 {
		f.Add("name", "err.required")
	} else if n > 100 {
		f.Add("name", "err.too_long")
	}
	if !slices.Contains(Methods, in.Method) {
		f.Add("method", "err.choose")
	}
	if in.Shortlist < 1 || in.Shortlist > 100000 {
		f.Add("shortlist", "err.review_shortlist")
	}
	if !in.Ballot {
		in.PassVotes = 0
	} else if in.PassVotes < 1 || in.PassVotes > 1000 {
		f.Add("pass_votes", "err.review_pass_votes")
	}
	if len(in.Criteria) < 1 || len(in.Criteria) > 20 {
		f.Add("criteria", "err.review_criteria")
		return f
	}
	sum := 0
	for i := range in.Criteria {
		c := &in.Criteria[i]
		at := "criteria." + strconv.Itoa(i) + "."
		c.Name = strings.TrimSpace(c.Name)
		if n := utf8.RuneCountInString(c.Name); n == 0 {
			f.Add(at+"name", "err.required")
		} else if n > 100 {
			f.Add(at+"name", "err.too_long")
		}
		if c.Weight < 1 || c.Weight > 100 {
			f.Add(at+"weight", "err.review_weight")
		}
		if c.Min < 0 || c.Max > 1000 || c.Min >= c.Max {
			f.Add(at+"max", "err.review_range")
		}
		sum += c.Weight
	}
	if sum != 100 {
		f.Add("criteria", "err.review_weights")
	}
	return f
}

// OpenRound opens the next round of review of a campaign the actor
// organizes, which must be reviewing with no round open. Round 1 takes
// every submitted nomination, a later round those that passed the round
// before; a round that would take none is refused.
func (s *Service) OpenRound(ctx context.Context, by *auth.Actor, campaignID int64, in RoundInput) (*Round, error) {
	var id int64
	err := s.inTx(ctx, func(tx *db.Tx) error {
		c, err := s.managed(ctx, tx, by, campaignID)
		if err != nil {
			return err
		}
		if err := validateRound(&in).Err(); err != nil {
			return err
		}
		if c.Stage != StageReviewing {
			return errs.E(errs.Conflict, "err.campaign_not_reviewing")
		}
		if err := s.reviewsSettled(ctx, tx, c); err != nil {
			return err
		}
		var seq int
		var prev int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0), coalesce(max(id), 0) FROM review_rounds WHERE campaign_id = $1`,
			c.ID).Scan(&seq, &prev); err != nil {
			return err
		}
		seq++
		err = tx.QueryRowContext(ctx, `INSERT INTO review_rounds (campaign_id, seq, name, method, blind, shortlist, ballot, pass_votes,
			status, opened_by, opened_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			c.ID, seq, in.Name, in.Method, in.Blind, in.Shortlist, in.Ballot, in.PassVotes, RoundOpen, by.UserID, s.now().UTC()).Scan(&id)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "err.round_open") // opened meanwhile
		}
		if err != nil {
			return err
		}
		crit := make([][]any, len(in.Criteria))
		weights := make([]string, len(in.Criteria))
		for i, cr := range in.Criteria {
			crit[i] = []any{id, i + 1, cr.Name, cr.Weight, cr.Min, cr.Max}
			weights[i] = fmt.Sprintf("%d[%d-%d]", cr.Weight, cr.Min, cr.Max)
		}
		if err := db.InsertRows(ctx, tx, `INSERT INTO review_criteria (round_id, seq, name, weight, min_score, max_score) VALUES`,
			crit, "", nil); err != nil {
			return err
		}
		var res interface{ RowsAffected() (int64, error) }
		if seq == 1 {
			res, err = tx.ExecContext(ctx, `INSERT INTO review_entries (round_id, nomination_id)
				SELECT $1, id FROM nominations WHERE campaign_id = $2 AND status = $3`, id, c.ID, NomSubmitted)
		} else {
			res, err = tx.ExecContext(ctx, `INSERT INTO review_entries (round_id, nomination_id)
				SELECT $1, nomination_id FROM review_results WHERE round_id = $2 AND passed = $3`, id, prev, true)
		}
		if err != nil {
			return err
		}
		entries, _ := res.RowsAffected()
		if entries == 0 {
			return errs.E(errs.Conflict, "err.round_empty")
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "review.round.open", ObjectType: "review_round", ObjectID: id, OrgID: c.OrgID,
			Summary: fmt.Sprintf("campaign=%d seq=%d method=%s blind=%t shortlist=%d ballot=%t pass_votes=%d entries=%d weights=%s",
				c.ID, seq, in.Method, in.Blind, in.Shortlist, in.Ballot, in.PassVotes, entries, strings.Join(weights, ","))})
	})
	if err != nil {
		return nil, err
	}
	return s.withEntries(ctx, s.db.R(), id)
}

func (s *Service) withEntries(ctx context.Context, q db.Q, id int64) (*Round, error) {
	r, err := roundByID(ctx, q, id)
	if err != nil {
		return nil, err
	}
	err = q.QueryRowContext(ctx, `SELECT count(*) FROM review_entries WHERE round_id = $1`, id).Scan(&r.Entries)
	return r, err
}

// Round returns a round to the campaign's organizer or a member of its
// panel; others get NotFound.
func (s *Service) Round(ctx context.Context, by *auth.Actor, id int64) (*Round, error) {
	if _, _, err := s.managedRound(ctx, s.db.R(), by, id); err != nil {
		if _, _, _, err := s.panelRound(ctx, s.db.R(), by, id); err != nil {
			return nil, err
		}
	}
	return s.withEntries(ctx, s.db.R(), id)
}

// Rounds lists a campaign's rounds in order, to its organizer or a member
// of its panel.
func (s *Service) Rounds(ctx context.Context, by *auth.Actor, campaignID int64) ([]Round, error) {
	if _, err := s.managed(ctx, s.db.R(), by, campaignID); err != nil {
		if _, err := panelMember(ctx, s.db.R(), campaignID, by.UserID); err != nil {
			return nil, err
		}
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT id FROM review_rounds WHERE campaign_id = $1 ORDER BY seq`, campaignID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Round, 0, len(ids))
	for _, id := range ids { // a handful of rounds
		r, err := s.withEntries(ctx, s.db.R(), id)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, nil
}

// ReopenRound reopens the latest round of a campaign still reviewing, so
// that reviewers may correct their scores (each correction audited with
// the old and new totals) and the round be closed again; the ranking it
// computed is dropped until then.
func (s *Service) ReopenRound(ctx context.Context, by *auth.Actor, id int64) (*Round, error) {
	err := s.inTx(ctx, func(tx *db.Tx) error {
		r, c, err := s.managedRound(ctx, tx, by, id)
		if err != nil {
			return err
		}
		if c.Stage != StageReviewing {
			return errs.E(errs.Conflict, "err.campaign_not_reviewing")
		}
		if r.Status != RoundClosed {
			return errs.E(errs.Conflict, "err.round_open")
		}
		var later int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM review_rounds WHERE campaign_id = $1 AND seq > $2`,
			c.ID, r.Seq).Scan(&later); err != nil {
			return err
		}
		if later > 0 {
			return errs.E(errs.Conflict, "err.round_later")
		}
		res, err := tx.ExecContext(ctx, `UPDATE review_rounds SET status = $1, reopened = reopened + 1, closed_at = NULL
			WHERE id = $2 AND status = $3`, RoundOpen, id, RoundClosed)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "err.round_open")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM review_results WHERE round_id = $1`, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "review.round.reopen", ObjectType: "review_round", ObjectID: id, OrgID: c.OrgID,
			Summary: fmt.Sprintf("campaign=%d seq=%d reopened=%d", c.ID, r.Seq, r.Reopened+1)})
	})
	if err != nil {
		return nil, err
	}
	return s.withEntries(ctx, s.db.R(), id)
}

// Results is the ranking a closed round computed, best first (the
// nominations no review scored last, unranked), with the nominees' names
// and nominating organizations, to the campaign's organizer; others get
// NotFound. An open round has none yet.
func (s *Service) Results(ctx context.Context, by *auth.Actor, roundID int64) ([]RoundResult, error) {
	if _, _, err := s.managedRound(ctx, s.db.R(), by, roundID); err != nil {
		return nil, err
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT r.nomination_id, n.nominee_name, n.origin_id, r.score, r.reviews, r.rank, r.passed,
		r.yes_votes, r.no_votes FROM review_results r JOIN nominations n ON n.id = r.nomination_id WHERE r.round_id = $1
		ORDER BY CASE WHEN r.rank = 0 THEN 1 ELSE 0 END, r.rank, r.nomination_id`, roundID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []RoundResult{}
	for rows.Next() {
		var x RoundResult
		if err := rows.Scan(&x.NominationID, &x.NomineeName, &x.OrgID, &x.Score, &x.Reviews, &x.Rank, &x.Passed, &x.Yes, &x.No); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
