package skills

import (
	"context"
	"fmt"
	"strings"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// A placement is a path into a selection (竞赛选拔 → 十大杰出青年技师): the
// organizer of a closed competition puts a member of a placed entry (the
// first three) forward in a campaign that is nominating people, through
// the campaign engine; the entrant's row keeps the nomination, so a
// person goes forward once per competition.

// PlacedNominee is a member of a placed entry who may be put forward.
type PlacedNominee struct {
	PersonID     int64  `json:"person_id"`
	Name         string `json:"name"`
	Placement    int    `json:"placement"`
	NominationID int64  `json:"nomination_id,omitempty"` // once put forward
}

// Placed lists the members of the entries placed first to third of a
// closed competition, by placement.
func (s *Service) Placed(ctx context.Context, by *auth.Actor, id int64) ([]PlacedNominee, error) {
	c, _, err := s.Entries(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if c.Status != CompetitionClosed {
		return []PlacedNominee{}, nil
	}
	return placed(ctx, s.db.R(), id)
}

func placed(ctx context.Context, q db.Q, id int64) ([]PlacedNominee, error) {
	rows, err := q.QueryContext(ctx, `SELECT n.person_id, p.name, e.placement, n.nomination_id FROM competition_entrants n
		JOIN competition_entries e ON e.id = n.entry_id JOIN people p ON p.id = n.person_id
		WHERE n.competition_id = $1 AND e.placement BETWEEN 1 AND 3 ORDER BY e.placement, n.person_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []PlacedNominee{}
	for rows.Next() {
		var x PlacedNominee
		if err := rows.Scan(&x.PersonID, &x.Name, &x.Placement, &x.NominationID); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// PlacementNomination is the organizer's nomination of a placed entrant.
type PlacementNomination struct {
	PersonID   int64  `json:"person_id"`
	CampaignID int64  `json:"campaign_id"`
	Moral      string `json:"moral"`   // the moral and political assessment the campaign requires
	Summary    string `json:"summary"` // "" for the placement itself
}

// NominatePlaced puts a placed entrant of a closed competition forward in
// a campaign, from the competition's organizing committee (which needs
// the campaign's nominate permission there); the nomination and its link
// commit together.
func (s *Service) NominatePlaced(ctx context.Context, by *auth.Actor, id int64, in PlacementNomination) (*campaign.Nomination, error) {
	c, err := s.managedCompetition(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if c.Status != CompetitionClosed {
		return nil, errs.E(errs.Conflict, "err.competition_not_closed")
	}
	if s.campaigns == nil {
		return nil, errs.E(errs.Conflict, "err.competition_no_campaigns")
	}
	list, err := placed(ctx, s.db.R(), id)
	if err != nil {
		return nil, err
	}
	var who *PlacedNominee
	for i := range list {
		if list[i].PersonID == in.PersonID {
			who = &list[i]
		}
	}
	switch {
	case who == nil:
		return nil, (errs.Fields{"person_id": "err.competition_not_placed"}).Err()
	case who.NominationID != 0:
		return nil, errs.E(errs.Conflict, "err.competition_nominated")
	}
	summary := strings.TrimSpace(in.Summary)
	if summary == "" {
		summary = fmt.Sprintf("%s（%s，%s）第 %d 名", c.Title, c.Trade, c.HeldOn, who.Placement)
	}
	return s.campaigns.Nominate(ctx, by, in.CampaignID, campaign.NominateInput{OrgID: c.OrgID, NomineeID: in.PersonID, Moral: in.Moral,
		Summary: summary, Then: func(ctx context.Context, tx *db.Tx, nomination int64) error {
			res, err := tx.ExecContext(ctx, `UPDATE competition_entrants SET nomination_id = $1
				WHERE competition_id = $2 AND person_id = $3 AND nomination_id = 0`, nomination, c.ID, in.PersonID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errs.E(errs.Conflict, "err.competition_nominated")
			}
			return s.audit.Record(ctx, tx, audit.Entry{Action: "competition.nominate", ObjectType: "competition", ObjectID: c.ID,
				OrgID: c.OrgID, Summary: fmt.Sprintf("person=%d place=%d campaign=%d nomination=%d", in.PersonID, who.Placement,
					in.CampaignID, nomination)})
		}})
}

// nominatable lists the campaigns an organization at path may put a
// person forward in (none without the campaign engine).
func (s *Service) nominatable(ctx context.Context, by *auth.Actor, path string) ([]campaign.Summary, error) {
	if s.campaigns == nil {
		return nil, nil
	}
	return s.campaigns.NominatingFor(ctx, by, path)
}
