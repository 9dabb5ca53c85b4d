package campaign

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// Assignment is one nomination given to one reviewer in a round.
type Assignment struct {
	ID           int64      `json:"id"`
	RoundID      int64      `json:"round_id"`
	NominationID int64      `json:"nomination_id"`
	ReviewerID   int64      `json:"reviewer_id"`
	Status       string     `json:"status"`
	Version      int        `json:"-"`     // of the scores; 0 before the first submission
	Total        float64    `json:"total"` // the weighted total, once submitted
	Comment      string     `json:"comment"`
	Reason       string     `json:"reason,omitempty"` // the conflict declared
	AssignedAt   time.Time  `json:"assigned_at"`
	SubmittedAt  *time.Time `json:"submitted_at,omitempty"`
}

const assignmentColumns = `id, round_id, nomination_id, reviewer_id, status, version, total, comment, reason, assigned_at, submitted_at`

func scanAssignment(sc interface{ Scan(...any) error }, a *Assignment) error {
	var at sql.NullTime
	if err := sc.Scan(&a.ID, &a.RoundID, &a.NominationID, &a.ReviewerID, &a.Status, &a.Version, &a.Total, &a.Comment, &a.Reason,
		&a.AssignedAt, &at); err != nil {
		return err
	}
	if at.Valid {
		a.SubmittedAt = &at.Time
	}
	return nil
}

func assignmentByID(ctx context.Context, q db.Q, id int64) (*Assignment, error) {
	var a Assignment
	err := scanAssignment(q.QueryRowContext(ctx, `SELECT `+assignmentColumns+` FROM review_assignments WHERE id = $1`, id), &a)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return &a, err
}

// roundEntry is a nomination a round takes, with what decides conflicts of
// interest: where it comes from and who made or passed it.
type roundEntry struct {
	ID         int64
	OriginPath string
	Actors     map[int64]bool // the account that nominated it and every one that acted on a step of it
}

// roundEntries loads the round's nominations (only nominationID's, when not 0).
func roundEntries(ctx context.Context, q db.Q, roundID, nominationID int64) (map[int64]*roundEntry, error) {
	a := &db.Args{}
	where := `e.round_id = ` + a.Add(roundID)
	if nominationID != 0 {
		where += ` AND e.nomination_id = ` + a.Add(nominationID)
	}
	out := map[int64]*roundEntry{}
	rows, err := q.QueryContext(ctx, `SELECT n.id, n.origin_path, n.created_by FROM review_entries e
		JOIN nominations n ON n.id = e.nomination_id WHERE `+where, a.List()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e roundEntry
		var by int64
		if err := rows.Scan(&e.ID, &e.OriginPath, &by); err != nil {
			return nil, err
		}
		e.Actors = map[int64]bool{by: true}
		out[e.ID] = &e
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	steps, err := q.QueryContext(ctx, `SELECT st.nomination_id, st.by_user FROM review_entries e
		JOIN nomination_steps st ON st.nomination_id = e.nomination_id WHERE `+where, a.List()...)
	if err != nil {
		return nil, err
	}
	defer steps.Close()
	for steps.Next() {
		var id, by int64
		if err := steps.Scan(&id, &by); err != nil {
			return nil, err
		}
		if e := out[id]; e != nil {
			e.Actors[by] = true
		}
	}
	return out, steps.Err()
}

// conflictOfInterest reports whether the reviewer may not judge the nomination:
// the reviewer made it or acted on it on its way up, or the reviewer's
// home organization lies in the nominee's line, above the nominating
// organization or within it. An organization at or above the campaign's
// organizer lies above every nomination alike, so it favours none and
// does not count.
func conflictOfInterest(c *Campaign, rv *Reviewer, e *roundEntry) bool {
	if e.Actors[rv.UserID] {
		return true
	}
	above := strings.HasPrefix(e.OriginPath, rv.OrgPath) && !strings.HasPrefix(c.OrgPath, rv.OrgPath)
	return above || strings.HasPrefix(rv.OrgPath, e.OriginPath)
}

// Assign gives a nomination of an open round to a reviewer of the panel,
// by the campaign's organizer. A reviewer with a conflict of interest
// (see conflictOfInterest, or declared), one assigned it already, or one at the
// load limit is refused on reviewer_id.
func (s *Service) Assign(ctx context.Context, by *auth.Actor, roundID, nominationID, reviewerUserID int64) (*Assignment, error) {
	var id int64
	err := s.inTx(ctx, func(tx *db.Tx) error {
		r, c, err := s.managedRound(ctx, tx, by, roundID)
		if err != nil {
			return err
		}
		if r.Status != RoundOpen {
			return errs.E(errs.Conflict, "err.round_closed")
		}
		es, err := roundEntries(ctx, tx, r.ID, nominationID)
		if err != nil {
			return err
		}
		e := es[nominationID]
		if e == nil {
			return (errs.Fields{"nomination_id": "err.review_not_entry"}).Err()
		}
		rv, err := panelMember(ctx, tx, c.ID, reviewerUserID)
		if errs.KindOf(err) == errs.NotFound || (err == nil && rv.Disabled) {
			return (errs.Fields{"reviewer_id": "err.reviewer_unknown"}).Err()
		}
		if err != nil {
			return err
		}
		if conflictOfInterest(c, rv, e) {
			return (errs.Fields{"reviewer_id": "err.review_conflict"}).Err()
		}
		var status string
		err = tx.QueryRowContext(ctx, `SELECT status FROM review_assignments WHERE round_id = $1 AND nomination_id = $2 AND reviewer_id = $3`,
			r.ID, nominationID, reviewerUserID).Scan(&status)
		switch {
		case err == nil && status == ReviewConflict:
			return (errs.Fields{"reviewer_id": "err.review_conflict"}).Err()
		case err == nil:
			return (errs.Fields{"reviewer_id": "err.review_assigned"}).Err()
		case !errors.Is(err, db.ErrNoRows):
			return err
		}
		load, err := openLoad(ctx, tx, c.ID, reviewerUserID)
		if err != nil {
			return err
		}
		if load >= rv.Load {
			return (errs.Fields{"reviewer_id": "err.review_load_full"}).Err()
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO review_assignments (round_id, nomination_id, reviewer_id, status, assigned_by, assigned_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, r.ID, nominationID, reviewerUserID, ReviewAssigned, by.UserID, s.now().UTC()).Scan(&id)
		if db.IsUniqueViolation(err) {
			return (errs.Fields{"reviewer_id": "err.review_assigned"}).Err()
		}
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "review.assign", ObjectType: "review", ObjectID: id, OrgID: c.OrgID,
			Summary: fmt.Sprintf("round=%d nomination=%d reviewer=%d", r.ID, nominationID, reviewerUserID)})
	})
	if err != nil {
		return nil, err
	}
	return assignmentByID(ctx, s.db.R(), id)
}

// AutoAssignResult is what AutoAssign did.
type AutoAssignResult struct {
	Assigned int `json:"assigned"` // assignments made
	Short    int `json:"short"`    // nominations left with fewer reviewers than asked
	Missing  int `json:"missing"`  // reviewer places left unfilled
}

// AutoAssign gives every nomination of an open round perNomination
// distinct reviewers (counting those it has, conflicts aside), by the
// campaign's organizer: never a reviewer with a conflict of interest or
// one at the load limit, the least loaded first, the nominations with the
// fewest possible reviewers served first. What could not be filled is
// reported, not refused.
func (s *Service) AutoAssign(ctx context.Context, by *auth.Actor, roundID int64, perNomination int) (*AutoAssignResult, error) {
	if perNomination < 1 || perNomination > 50 {
		return nil, (errs.Fields{"per_nomination": "err.invalid"}).Err()
	}
	out := &AutoAssignResult{}
	err := s.inTx(ctx, func(tx *db.Tx) error {
		r, c, err := s.managedRound(ctx, tx, by, roundID)
		if err != nil {
			return err
		}
		if r.Status != RoundOpen {
			return errs.E(errs.Conflict, "err.round_closed")
		}
		es, err := roundEntries(ctx, tx, r.ID, 0)
		if err != nil {
			return err
		}
		all, err := panelOf(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		load := map[int64]int{}
		rows, err := tx.QueryContext(ctx, `SELECT a.reviewer_id, count(*) FROM review_assignments a JOIN review_rounds r ON r.id = a.round_id
			WHERE r.campaign_id = $1 AND r.status = $2 AND a.status <> $3 GROUP BY a.reviewer_id`, c.ID, RoundOpen, ReviewConflict)
		if err := eachRow(rows, err, func(sc *sql.Rows) error {
			var id int64
			var n int
			err := sc.Scan(&id, &n)
			load[id] = n
			return err
		}); err != nil {
			return err
		}
		type pair struct{ n, r int64 }
		taken := map[pair]bool{}
		have := map[int64]int{}
		rows, err = tx.QueryContext(ctx, `SELECT nomination_id, reviewer_id, status FROM review_assignments WHERE round_id = $1`, r.ID)
		if err := eachRow(rows, err, func(sc *sql.Rows) error {
			var p pair
			var status string
			err := sc.Scan(&p.n, &p.r, &status)
			taken[p] = true
			if status != ReviewConflict {
				have[p.n]++
			}
			return err
		}); err != nil {
			return err
		}
		type need struct {
			e        *roundEntry
			eligible []*Reviewer
		}
		var needs []need
		for _, e := range es {
			if have[e.ID] >= perNomination {
				continue
			}
			nd := need{e: e}
			for i := range all {
				rv := &all[i]
				if !rv.Disabled && !taken[pair{e.ID, rv.UserID}] && !conflictOfInterest(c, rv, e) {
					nd.eligible = append(nd.eligible, rv)
				}
			}
			needs = append(needs, nd)
		}
		slices.SortFunc(needs, func(a, b need) int {
			return cmp.Or(cmp.Compare(len(a.eligible), len(b.eligible)), cmp.Compare(a.e.ID, b.e.ID))
		})
		now := s.now().UTC()
		var ins [][]any
		for _, nd := range needs {
			want := perNomination - have[nd.e.ID]
			slices.SortFunc(nd.eligible, func(a, b *Reviewer) int {
				return cmp.Or(cmp.Compare(load[a.UserID], load[b.UserID]), cmp.Compare(a.UserID, b.UserID))
			})
			for _, rv := range nd.eligible {
				if want == 0 {
					break
				}
				if load[rv.UserID] >= rv.Load {
					continue
				}
				load[rv.UserID]++
				want--
				ins = append(ins, []any{r.ID, nd.e.ID, rv.UserID, ReviewAssigned, by.UserID, now})
			}
			if want > 0 {
				out.Short++
				out.Missing += want
			}
		}
		out.Assigned = len(ins)
		if err := db.InsertRows(ctx, tx, `INSERT INTO review_assignments (round_id, nomination_id, reviewer_id, status, assigned_by,
			assigned_at) VALUES`, ins, "", nil); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "review.autoassign", ObjectType: "review_round", ObjectID: r.ID, OrgID: c.OrgID,
			Summary: fmt.Sprintf("per=%d assigned=%d short=%d missing=%d", perNomination, out.Assigned, out.Short, out.Missing)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachRow hands every row of a query's result to scan and closes it.
func eachRow(rows *sql.Rows, err error, scan func(*sql.Rows) error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Assignments lists a round's assignments, by nomination, to the
// campaign's organizer.
func (s *Service) Assignments(ctx context.Context, by *auth.Actor, roundID int64) ([]Assignment, error) {
	if _, _, err := s.managedRound(ctx, s.db.R(), by, roundID); err != nil {
		return nil, err
	}
	out := []Assignment{}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+assignmentColumns+` FROM review_assignments WHERE round_id = $1
		ORDER BY nomination_id, id`, roundID)
	err = eachRow(rows, err, func(sc *sql.Rows) error {
		var a Assignment
		err := scanAssignment(sc, &a)
		out = append(out, a)
		return err
	})
	return out, err
}

// DeclareConflict is a reviewer's own declaration of a conflict of
// interest with a nomination assigned to them and not yet scored, with
// the reason; the assignment stops counting. Only its reviewer may make
// it (others get NotFound), while the round is open.
func (s *Service) DeclareConflict(ctx context.Context, by *auth.Actor, assignmentID int64, reason string) (*Assignment, error) {
	reason = strings.TrimSpace(reason)
	err := s.inTx(ctx, func(tx *db.Tx) error {
		a, r, c, err := s.mine(ctx, tx, by, assignmentID)
		if err != nil {
			return err
		}
		if n := utf8.RuneCountInString(reason); n == 0 {
			return (errs.Fields{"reason": "err.required"}).Err()
		} else if n > 500 {
			return (errs.Fields{"reason": "err.too_long"}).Err()
		}
		if r.Status != RoundOpen {
			return errs.E(errs.Conflict, "err.round_closed")
		}
		if a.Status != ReviewAssigned {
			return errs.E(errs.Conflict, "err.review_locked")
		}
		res, err := tx.ExecContext(ctx, `UPDATE review_assignments SET status = $1, reason = $2 WHERE id = $3 AND status = $4`,
			ReviewConflict, reason, a.ID, ReviewAssigned)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "err.review_locked")
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "review.conflict", ObjectType: "review", ObjectID: a.ID, OrgID: c.OrgID,
			Summary: fmt.Sprintf("round=%d nomination=%d reason=%s", r.ID, a.NominationID, reason)})
	})
	if err != nil {
		return nil, err
	}
	return assignmentByID(ctx, s.db.R(), assignmentID)
}

// mine returns an assignment of the actor's, with its round and campaign;
// one of another reviewer's, or of a campaign the actor no longer reviews
// for, is NotFound.
func (s *Service) mine(ctx context.Context, q db.Q, by *auth.Actor, id int64) (*Assignment, *Round, *Campaign, error) {
	a, err := assignmentByID(ctx, q, id)
	if err != nil {
		return nil, nil, nil, err
	}
	if by == nil || a.ReviewerID != by.UserID {
		return nil, nil, nil, errs.ErrNotFound
	}
	r, c, _, err := s.panelRound(ctx, q, by, a.RoundID)
	if err != nil {
		return nil, nil, nil, err
	}
	return a, r, c, nil
}
