package campaign

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// CloseRound closes an open round of a campaign the actor organizes and
// ranks its nominations: each submitted review's weighted total
// (WeightedTotal), aggregated per nomination by the round's method
// (Aggregate), ranked with ties sharing a rank (Rank); the best Shortlist
// pass, all of those tied at the cutoff included, and with a ballot only
// those with PassVotes yes votes or more. A nomination no review scored
// is unranked and does not pass. Assignments left unscored simply do not
// count. The ranking is written to review_results in the same transaction.
//
// The whole round is read in three queries (entries, scores, ballots) and
// computed in memory: 5,000 nominations with 15,000 reviews close well
// within a second on SQLite.
func (s *Service) CloseRound(ctx context.Context, by *auth.Actor, id int64) (*Round, error) {
	err := s.inTx(ctx, func(tx *db.Tx) error {
		r, c, err := s.managedRound(ctx, tx, by, id)
		if err != nil {
			return err
		}
		if r.Status != RoundOpen {
			return errs.E(errs.Conflict, "err.round_closed")
		}
		res, err := tx.ExecContext(ctx, `UPDATE review_rounds SET status = $1, closed_at = $2 WHERE id = $3 AND status = $4`,
			RoundClosed, s.now().UTC(), id, RoundOpen)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "err.round_closed")
		}
		results, reviews, err := rankRound(ctx, tx, r)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM review_results WHERE round_id = $1`, id); err != nil {
			return err
		}
		rows := make([][]any, len(results))
		passed := 0
		for i, x := range results {
			rows[i] = []any{id, x.NominationID, x.Score, x.Reviews, x.Rank, x.Passed, x.Yes, x.No}
			if x.Passed {
				passed++
			}
		}
		if err := db.InsertRows(ctx, tx, `INSERT INTO review_results (round_id, nomination_id, score, reviews, rank, passed,
			yes_votes, no_votes) VALUES`, rows, "", nil); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "review.round.close", ObjectType: "review_round", ObjectID: id, OrgID: c.OrgID,
			Summary: fmt.Sprintf("campaign=%d seq=%d method=%s entries=%d reviews=%d passed=%d", c.ID, r.Seq, r.Method, len(results),
				reviews, passed)})
	})
	if err != nil {
		return nil, err
	}
	// The round's results arrive all at once; the ranking's plan should
	// see them (PostgreSQL). A failure here costs speed, not correctness.
	if err := s.db.AnalyzeTable(ctx, "review_results"); err != nil {
		slog.WarnContext(ctx, "analyze review_results", "err", err)
	}
	return s.withEntries(ctx, s.db.R(), id)
}

// rankRound computes a round's ranking from its entries, its submitted scores
// and its ballots, returning it with the number of reviews counted.
func rankRound(ctx context.Context, q db.Q, r *Round) ([]RoundResult, int, error) {
	var ids []int64
	rows, err := q.QueryContext(ctx, `SELECT nomination_id FROM review_entries WHERE round_id = $1`, r.ID)
	if err := eachRow(rows, err, func(sc *sql.Rows) error {
		var id int64
		err := sc.Scan(&id)
		ids = append(ids, id)
		return err
	}); err != nil {
		return nil, 0, err
	}
	// Scores come ordered by assignment, one row per criterion; the
	// totals are computed here from the scores, not read from the
	// assignments, so that they follow the scores.
	crit := make(map[int64]int, len(r.Criteria))
	for i, c := range r.Criteria {
		crit[c.ID] = i
	}
	var reviews []ReviewTotal
	var cur int64
	scores := map[int64]int{}
	flush := func() {
		if len(scores) > 0 {
			reviews[len(reviews)-1].Total = WeightedTotal(r.Criteria, scores)
			clear(scores)
		}
	}
	rows, err = q.QueryContext(ctx, `SELECT a.id, a.nomination_id, a.reviewer_id, s.criterion_id, s.score FROM review_assignments a
		JOIN review_scores s ON s.assignment_id = a.id AND s.version = a.version
		WHERE a.round_id = $1 AND a.status = $2 ORDER BY a.id`, r.ID, ReviewSubmitted)
	if err := eachRow(rows, err, func(sc *sql.Rows) error {
		var aid, nid, rid, cid int64
		var v int
		if err := sc.Scan(&aid, &nid, &rid, &cid, &v); err != nil {
			return err
		}
		if aid != cur {
			flush()
			cur = aid
			reviews = append(reviews, ReviewTotal{NominationID: nid, ReviewerID: rid})
		}
		if _, ok := crit[cid]; ok {
			scores[cid] = v
		}
		return nil
	}); err != nil {
		return nil, 0, err
	}
	flush()
	results := Aggregate(r.Method, ids, reviews)
	if r.Ballot {
		votes := map[int64][2]int{}
		rows, err := q.QueryContext(ctx, `SELECT nomination_id, yes_votes, no_votes FROM review_tallies WHERE round_id = $1`, r.ID)
		if err := eachRow(rows, err, func(sc *sql.Rows) error {
			var id int64
			var v [2]int
			err := sc.Scan(&id, &v[0], &v[1])
			votes[id] = v
			return err
		}); err != nil {
			return nil, 0, err
		}
		for i := range results {
			v := votes[results[i].NominationID]
			results[i].Yes, results[i].No = v[0], v[1]
		}
	}
	Rank(results, r.Shortlist, r.PassVotes)
	return results, len(reviews), nil
}
