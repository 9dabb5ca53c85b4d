package campaign

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// The committee ballot (投票表决). In a round that holds one, every member
// of the panel may cast one ballot, yes or no, on each nomination the round
// takes, while the round is open; a member with a conflict of interest
// with the nomination may not. Ballots are counted only when the round
// closes (CloseRound): nobody sees a count before.
//
// The ballot is secret. review_ballots records that a member has voted on
// a nomination (so there is one ballot each), and review_tallies only how
// many voted yes and no; the audit record says who voted on what, not
// how. Nothing written links a member to a vote, so not even the
// organizers, nor anyone reading the database, can tell how a member
// voted — only the member's own screen says "voted".

// Vote casts the actor's ballot on a nomination of a round; the actor
// must sit on the campaign's panel (others get NotFound). A second
// ballot on the same nomination is refused (err.ballot_twice), as is a
// ballot once the round has closed (err.ballot_closed).
func (s *Service) Vote(ctx context.Context, by *auth.Actor, roundID, nominationID int64, yes bool) error {
	return s.inTx(ctx, func(tx *db.Tx) error {
		r, c, rv, err := s.panelRound(ctx, tx, by, roundID)
		if err != nil {
			return err
		}
		if !r.Ballot {
			return errs.E(errs.Conflict, "err.ballot_none")
		}
		if r.Status != RoundOpen {
			return errs.E(errs.Conflict, "err.ballot_closed")
		}
		es, err := roundEntries(ctx, tx, r.ID, nominationID)
		if err != nil {
			return err
		}
		e := es[nominationID]
		if e == nil {
			return (errs.Fields{"nomination_id": "err.review_not_entry"}).Err()
		}
		var declared int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM review_assignments WHERE round_id = $1 AND nomination_id = $2
			AND reviewer_id = $3 AND status = $4`, r.ID, nominationID, rv.UserID, ReviewConflict).Scan(&declared); err != nil {
			return err
		}
		if declared > 0 || conflictOfInterest(c, rv, e) {
			return (errs.Fields{"nomination_id": "err.review_conflict"}).Err()
		}
		var one int
		err = tx.QueryRowContext(ctx, `SELECT 1 FROM review_ballots WHERE round_id = $1 AND nomination_id = $2 AND voter_id = $3`,
			r.ID, nominationID, rv.UserID).Scan(&one)
		if err == nil {
			return errs.E(errs.Conflict, "err.ballot_twice")
		}
		if !errors.Is(err, db.ErrNoRows) {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO review_ballots (round_id, nomination_id, voter_id, at) VALUES ($1, $2, $3, $4)`,
			r.ID, nominationID, rv.UserID, s.now().UTC())
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "err.ballot_twice")
		}
		if err != nil {
			return err
		}
		yesVotes, noVotes := 0, 1
		if yes {
			yesVotes, noVotes = 1, 0
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO review_tallies (round_id, nomination_id, yes_votes, no_votes) VALUES ($1, $2, $3, $4)
			ON CONFLICT (round_id, nomination_id) DO UPDATE SET yes_votes = review_tallies.yes_votes + $3,
			no_votes = review_tallies.no_votes + $4`, r.ID, nominationID, yesVotes, noVotes); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "review.ballot", ObjectType: "nomination", ObjectID: nominationID, OrgID: c.OrgID,
			Summary: fmt.Sprintf("round=%d", r.ID)})
	})
}

// Voted returns the nominations of a round the actor has cast a ballot
// on, to a member of the campaign's panel: that they voted, not how
// (that is kept nowhere), and never anyone else's.
func (s *Service) Voted(ctx context.Context, by *auth.Actor, roundID int64) (map[int64]bool, error) {
	r, _, rv, err := s.panelRound(ctx, s.db.R(), by, roundID)
	if err != nil {
		return nil, err
	}
	out := map[int64]bool{}
	rows, err := s.db.R().QueryContext(ctx, `SELECT nomination_id FROM review_ballots WHERE round_id = $1 AND voter_id = $2`,
		r.ID, rv.UserID)
	err = eachRow(rows, err, func(sc *sql.Rows) error {
		var id int64
		err := sc.Scan(&id)
		out[id] = true
		return err
	})
	return out, err
}
