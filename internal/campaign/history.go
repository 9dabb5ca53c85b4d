package campaign

import (
	"context"
	"strconv"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/errs"
)

// History is a nomination's whole story on one page: the campaign, the
// nomination, every step with the organization and user behind it, and
// what the actor may do next.
type History struct {
	C          *Campaign  `json:"campaign"`
	N          *Listed    `json:"nomination"`
	Steps      []Step     `json:"steps"`
	Files      []FileInfo `json:"files"` // attached to the campaign's own form
	Can        []string   `json:"can"`   // actions open to the actor: forward, return, withdraw, revise
	OriginPath string     `json:"-"`
}

// History returns a nomination with its campaign and steps to an actor
// who may read its nominating organization, holds it, or organizes the
// campaign.
func (s *Service) History(ctx context.Context, by *auth.Actor, id int64) (*History, error) {
	n, err := nominationByID(ctx, s.db.R(), id)
	if err != nil {
		return nil, err
	}
	c, err := byID(ctx, s.db.R(), n.CampaignID)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.OrgRead, n.OriginPath) && !by.Can(auth.CampaignNominate, n.HolderPath) && !by.Can(auth.CampaignManage, c.OrgPath) {
		return nil, errs.ErrNotFound
	}
	h := &History{C: c, N: &Listed{Nomination: *n}}
	if err := s.db.R().QueryRowContext(ctx, `SELECT oo.name, ho.name FROM orgs oo, orgs ho WHERE oo.id = $1 AND ho.id = $2`,
		n.OriginID, n.HolderID).Scan(&h.N.OriginName, &h.N.HolderName); err != nil {
		return nil, err
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT st.action, st.org_id, o.name, st.opinion, st.rank, COALESCE(u.name, ''), st.at
		FROM nomination_steps st JOIN orgs o ON o.id = st.org_id LEFT JOIN users u ON u.id = st.by_user
		WHERE st.nomination_id = $1 ORDER BY st.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var st Step
		if err := rows.Scan(&st.Action, &st.OrgID, &st.OrgName, &st.Opinion, &st.Rank, &st.By, &st.At); err != nil {
			return nil, err
		}
		h.Steps = append(h.Steps, st)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if h.Files, err = files(ctx, s.db.R(), id); err != nil {
		return nil, err
	}
	h.Can = actionsFor(by, c, n)
	return h, nil
}

// actionsFor lists what the actor may do with a nomination now; the
// service methods decide again when asked.
func actionsFor(by *auth.Actor, c *Campaign, n *Nomination) []string {
	if c.Stage != StageNominating {
		return nil
	}
	holds := by.Can(auth.CampaignNominate, n.HolderPath) || (n.HolderPath == c.OrgPath && by.Can(auth.CampaignManage, c.OrgPath))
	if !holds {
		return nil
	}
	var out []string
	atOrigin := n.HolderID == n.OriginID
	switch n.Status {
	case NomPending:
		if n.HolderPath != c.OrgPath {
			out = append(out, "forward")
		}
		if !atOrigin {
			out = append(out, "return")
		} else {
			out = append(out, "withdraw")
		}
	case NomSubmitted:
		if !atOrigin {
			out = append(out, "return")
		}
	case NomReturned:
		out = append(out, "revise", "withdraw")
	}
	return out
}

// actInput is what a nomination's actions take from a form or request.
type actInput struct {
	Opinion string `json:"opinion"`
	Rank    string `json:"-"`
	RankN   int    `json:"rank"`
	Reason  string `json:"reason"`
	Moral   string `json:"moral"`
	Summary string `json:"summary"`
}

// act runs a nomination's action by name.
func (s *Service) act(ctx context.Context, by *auth.Actor, id int64, action string, in actInput) (*Nomination, error) {
	switch action {
	case "forward":
		// The assessment, when the nomination (an application) has none yet.
		if strings.TrimSpace(in.Moral) != "" {
			if _, err := s.SetMoral(ctx, by, id, in.Moral); err != nil {
				return nil, err
			}
		}
		rank := in.RankN
		if v := strings.TrimSpace(in.Rank); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, (errs.Fields{"rank": "err.invalid"}).Err()
			}
			rank = n
		}
		return s.Forward(ctx, by, id, in.Opinion, rank)
	case "return":
		return s.Return(ctx, by, id, in.Reason)
	case "withdraw":
		return s.Withdraw(ctx, by, id, in.Reason)
	case "revise":
		return s.Revise(ctx, by, id, in.Moral, in.Summary)
	}
	return nil, errs.ErrNotFound
}
