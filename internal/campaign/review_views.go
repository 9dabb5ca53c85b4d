package campaign

import (
	"context"
	"database/sql"

	"qinggong/internal/auth"
)

// MyRound is a round the actor reviews in, with what is left of it.
type MyRound struct {
	RoundID       int64  `json:"round_id"`
	RoundName     string `json:"round_name"`
	Status        string `json:"status"`
	CampaignID    int64  `json:"campaign_id"`
	CampaignTitle string `json:"campaign_title"`
	Assigned      int    `json:"assigned"`
	Left          int    `json:"left"`
}

// MyReviews lists the rounds of every campaign whose panel the actor sits
// on, open ones first, with their assignments and what is left.
func (s *Service) MyReviews(ctx context.Context, by *auth.Actor) ([]MyRound, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT r.id, r.name, r.status, c.id, c.title,
		(SELECT count(*) FROM review_assignments a WHERE a.round_id = r.id AND a.reviewer_id = cr.user_id),
		(SELECT count(*) FROM review_assignments a WHERE a.round_id = r.id AND a.reviewer_id = cr.user_id AND a.status = $2)
		FROM campaign_reviewers cr JOIN campaigns c ON c.id = cr.campaign_id JOIN review_rounds r ON r.campaign_id = c.id
		WHERE cr.user_id = $1 ORDER BY CASE WHEN r.status = $3 THEN 0 ELSE 1 END, r.id DESC LIMIT 200`,
		by.UserID, ReviewAssigned, RoundOpen)
	out := []MyRound{}
	err = eachRow(rows, err, func(sc *sql.Rows) error {
		var x MyRound
		if err := sc.Scan(&x.RoundID, &x.RoundName, &x.Status, &x.CampaignID, &x.CampaignTitle, &x.Assigned, &x.Left); err != nil {
			return err
		}
		out = append(out, x)
		return nil
	})
	return out, err
}

// RankCursor is where a page of the ranking starts: after this rank and
// nomination.
type RankCursor struct {
	Rank         int   `json:"rank"`
	NominationID int64 `json:"nomination_id"`
}

// RankingPage is one page of a closed round's ranking.
type RankingPage struct {
	Items    []RoundResult `json:"items"`
	Next     *RankCursor   `json:"next,omitempty"`
	Unranked int           `json:"unranked"` // nominations no review scored, listed after the ranked
}

// Ranking returns a page of a round's ranking in rank order (ties by
// nomination), read by the (round, rank, nomination) index, to the
// campaign's organizer. Unranked nominations follow the ranked ones.
func (s *Service) Ranking(ctx context.Context, by *auth.Actor, roundID int64, after RankCursor, limit int) (*RankingPage, error) {
	_, _, p, err := s.RankingView(ctx, by, roundID, after, limit)
	return p, err
}

// RankingView is Ranking with the round and campaign it authorized, so a
// page reads them once.
func (s *Service) RankingView(ctx context.Context, by *auth.Actor, roundID int64, after RankCursor, limit int) (*Round, *Campaign, *RankingPage, error) {
	r, c, err := s.managedRound(ctx, s.db.R(), by, roundID)
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := s.ranking(ctx, roundID, after, limit)
	return r, c, p, err
}

func (s *Service) ranking(ctx context.Context, roundID int64, after RankCursor, limit int) (*RankingPage, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	// Unranked rows carry rank 0; ranked ones come first, so a cursor at
	// rank 0 means the unranked part.
	q := `SELECT r.nomination_id, n.nominee_name, n.origin_id, r.score, r.reviews, r.rank, r.passed, r.yes_votes, r.no_votes
		FROM review_results r JOIN nominations n ON n.id = r.nomination_id WHERE r.round_id = $1 AND `
	var rows *sql.Rows
	var err error
	unranked := after.Rank == 0 && after.NominationID != 0
	if unranked {
		rows, err = s.db.R().QueryContext(ctx, q+`r.rank = 0 AND r.nomination_id > $2 ORDER BY r.nomination_id LIMIT $3`,
			roundID, max(after.NominationID, 0), limit+1)
	} else {
		rows, err = s.db.R().QueryContext(ctx, q+`r.rank > 0 AND (r.rank > $2 OR (r.rank = $2 AND r.nomination_id > $3))
			ORDER BY r.rank, r.nomination_id LIMIT $4`, roundID, after.Rank, after.NominationID, limit+1)
	}
	out := &RankingPage{Items: []RoundResult{}}
	err = eachRow(rows, err, func(sc *sql.Rows) error {
		var x RoundResult
		if err := sc.Scan(&x.NominationID, &x.NomineeName, &x.OrgID, &x.Score, &x.Reviews, &x.Rank, &x.Passed, &x.Yes, &x.No); err != nil {
			return err
		}
		out.Items = append(out.Items, x)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		last := out.Items[limit-1]
		out.Next = &RankCursor{Rank: last.Rank, NominationID: last.NominationID}
	} else if !unranked {
		// The ranked part ended on this page: the unranked follow.
		if err := s.db.R().QueryRowContext(ctx, `SELECT count(*) FROM review_results WHERE round_id = $1 AND rank = 0`,
			roundID).Scan(&out.Unranked); err != nil {
			return nil, err
		}
		if out.Unranked > 0 {
			out.Next = &RankCursor{Rank: 0, NominationID: -1}
		}
	}
	return out, nil
}

// reviewerNames are the names of a campaign's panel by user ID.
func (s *Service) reviewerNames(ctx context.Context, campaignID int64) (map[int64]string, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT u.id, u.name FROM campaign_reviewers cr JOIN users u ON u.id = cr.user_id
		WHERE cr.campaign_id = $1`, campaignID)
	return namesOf(rows, err)
}

// nomineeNames are a campaign's nominees by nomination ID.
func (s *Service) nomineeNames(ctx context.Context, campaignID int64) (map[int64]string, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT id, nominee_name FROM nominations WHERE campaign_id = $1`, campaignID)
	return namesOf(rows, err)
}

func namesOf(rows *sql.Rows, err error) (map[int64]string, error) {
	out := map[int64]string{}
	err = eachRow(rows, err, func(sc *sql.Rows) error {
		var id int64
		var name string
		err := sc.Scan(&id, &name)
		out[id] = name
		return err
	})
	return out, err
}

// passedIn lists the nominations that passed a closed round. Only those
// ranked within the round's shortlist can have passed (Rank), so the
// (round, rank) index reads them alone, not the round's every result
// (0.04 ms instead of 0.5 for 5,000 nominations on SQLite).
func (s *Service) passedIn(ctx context.Context, roundID int64) ([]int64, error) {
	rows, err := s.db.R().QueryContext(ctx, `SELECT nomination_id FROM review_results WHERE round_id = $1
		AND rank BETWEEN 1 AND (SELECT shortlist FROM review_rounds WHERE id = $1) AND passed = $2`, roundID, true)
	var out []int64
	err = eachRow(rows, err, func(sc *sql.Rows) error {
		var id int64
		err := sc.Scan(&id)
		out = append(out, id)
		return err
	})
	return out, err
}
