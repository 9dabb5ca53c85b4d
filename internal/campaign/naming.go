package campaign

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/activity"
	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// Naming (命名表彰): once the notice has ended and every objection is
// decided, the organizer names the winners from the candidates on the
// notice, each in one of the campaign's tiers; each winner gets a
// certificate and the honour goes into the growth record.

// Activity kinds the naming writes to the ledger.
const (
	KindHonour        = "honour"
	KindHonourRevoked = "honour.revoked"
)

// Winner is one candidate named, in a tier.
type Winner struct {
	NominationID int64  `json:"nomination_id"`
	Tier         string `json:"tier"`
}

// Announcement is the public list of winners (表彰决定).
type Announcement struct {
	CampaignID int64          `json:"campaign_id"`
	Title      string         `json:"title"`
	Organizer  string         `json:"organizer"`
	NamedOn    string         `json:"named_on"` // YYYY-MM-DD, Shanghai
	Winners    []PublicWinner `json:"winners"`
}

// PublicWinner is one winner as the public reads it.
type PublicWinner struct {
	Name string `json:"name"`
	Org  string `json:"org"`
	Tier string `json:"tier"`
}

// tiersOf reads the campaign's honour tiers; none is one unnamed tier.
func tiersOf(ctx context.Context, q db.Q, campaignID int64) ([]string, error) {
	var raw string
	if err := q.QueryRowContext(ctx, `SELECT tiers FROM campaigns WHERE id = $1`, campaignID).Scan(&raw); err != nil {
		return nil, err
	}
	var tiers []string
	err := json.Unmarshal([]byte(raw), &tiers)
	return tiers, err
}

// Tiers returns the campaign's honour tiers (一等奖, 提名奖 …) in their
// order to an actor who may see the campaign; empty means one unnamed tier.
func (s *Service) Tiers(ctx context.Context, by *auth.Actor, campaignID int64) ([]string, error) {
	if _, err := s.Get(ctx, by, campaignID); err != nil {
		return nil, err
	}
	return tiersOf(ctx, s.db.R(), campaignID)
}

// cleanTiers trims tier names and checks them: 1–20 characters each,
// no two alike, at most ten.
func cleanTiers(tiers []string) ([]string, errs.Fields) {
	var f errs.Fields
	clean := make([]string, 0, len(tiers))
	for i, t := range tiers {
		t = strings.TrimSpace(t)
		switch {
		case t == "" || utf8.RuneCountInString(t) > 20:
			f.Add(fmt.Sprintf("tiers.%d", i), "err.tier_name")
		case slices.Contains(clean, t):
			f.Add(fmt.Sprintf("tiers.%d", i), "err.tier_twice")
		}
		clean = append(clean, t)
	}
	if len(clean) > 10 {
		f.Add("tiers", "err.tier_many")
	}
	return clean, f
}

// SetTiers sets the campaign's honour tiers, highest first: by its
// organizer, before the winners are named. At most 10, each 1 to 20
// characters and given once.
func (s *Service) SetTiers(ctx context.Context, by *auth.Actor, campaignID int64, tiers []string) error {
	clean, f := cleanTiers(tiers)
	return s.inTx(ctx, func(tx *db.Tx) error {
		c, err := s.managed(ctx, tx, by, campaignID)
		if err != nil {
			return err
		}
		if stageIndex(c.Stage) >= stageIndex(StageNaming) {
			return errs.E(errs.Conflict, "err.campaign_stage")
		}
		if err := f.Err(); err != nil {
			return err
		}
		raw, _ := json.Marshal(clean)
		if _, err := tx.ExecContext(ctx, `UPDATE campaigns SET tiers = $1, updated_at = $2 WHERE id = $3`, string(raw), s.now().UTC(), c.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "campaign.tiers", ObjectType: "campaign", ObjectID: c.ID, OrgID: c.OrgID,
			Summary: fmt.Sprintf("tiers=%d", len(clean))})
	})
}

// candidate is a notice item as naming needs it.
type candidate struct {
	kind      string
	nomineeID int64
	originID  int64
	upheld    bool
}

// Name names the winners: by the organizer, in publicity, after the
// notice's last day, with every objection decided (Conflict otherwise).
// Winners are candidates on the notice without an upheld objection, each
// once, at most the campaign's Winners, each in one of its tiers. The
// campaign moves to naming; each winner gets a certificate (numbered in
// the order given) and an honour in the activity ledger, all in one
// transaction. The certificates are returned.
func (s *Service) Name(ctx context.Context, by *auth.Actor, campaignID int64, winners []Winner) ([]Certificate, error) {
	now := s.now().UTC()
	var ids []int64
	err := s.inTx(ctx, func(tx *db.Tx) error {
		c, err := s.managed(ctx, tx, by, campaignID)
		if err != nil {
			return err
		}
		if c.Stage != StagePublicity {
			return errs.E(errs.Conflict, "err.campaign_stage")
		}
		n, err := noticeOf(ctx, tx, c.ID)
		if errs.KindOf(err) == errs.NotFound {
			return errs.E(errs.Conflict, "err.notice_missing")
		} else if err != nil {
			return err
		}
		if noticeDay(now) <= n.Ends {
			return errs.E(errs.Conflict, "err.notice_not_ended")
		}
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM objections WHERE campaign_id = $1 AND status IN ($2, $3)`,
			c.ID, ObjOpen, ObjInvestigating).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return errs.E(errs.Conflict, "err.objection_open")
		}
		cands, err := candidates(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		tiers, err := tiersOf(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if err := checkWinners(c, winners, cands, tiers).Err(); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE campaigns SET stage = $1, updated_at = $2 WHERE id = $3 AND stage = $4`,
			StageNaming, now, c.ID, StagePublicity)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "err.campaign_stage")
		}
		if err := s.audit.Record(ctx, tx, audit.Entry{Action: "campaign.stage", ObjectType: "campaign", ObjectID: c.ID, OrgID: c.OrgID,
			Summary: fmt.Sprintf("from=%s to=%s", c.Stage, StageNaming)}); err != nil {
			return err
		}
		year := now.In(noticeZone).Year()
		for i, w := range winners {
			k := cands[w.NominationID]
			id, err := s.issue(ctx, tx, by, c, w, fmt.Sprintf("QG%d-%04d-%04d", year, c.ID, i+1), i+1)
			if err != nil {
				return err
			}
			ids = append(ids, id)
			if _, err := activity.Add(ctx, tx, honourEntry(k.kind, k.nomineeID, k.originID, KindHonour, c.ID, now)); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "campaign.name", ObjectType: "campaign", ObjectID: c.ID, OrgID: c.OrgID,
			Summary: fmt.Sprintf("winners=%d", len(winners))})
	})
	if err != nil {
		return nil, err
	}
	out := make([]Certificate, 0, len(ids))
	for _, id := range ids {
		cert, err := certificateByID(ctx, s.db.R(), id)
		if err != nil {
			return nil, err
		}
		out = append(out, *cert)
	}
	return out, nil
}

// honourEntry is the ledger entry of an honour (or its revocation): a
// person's own, with the nominating organization; an organization's own;
// any other kind of nominee's, the nominating organization's.
func honourEntry(kind string, nomineeID, originID int64, what string, campaignID int64, at time.Time) activity.Entry {
	e := activity.Entry{OrgID: originID, Kind: what, RefType: "campaign", RefID: campaignID, OccurredAt: at}
	switch kind {
	case NomineePerson:
		e.PersonID = nomineeID
	case NomineeOrg:
		e.OrgID = nomineeID
	}
	return e
}

// candidates reads the notice's items with whether an objection to each
// was upheld.
func candidates(ctx context.Context, q db.Q, campaignID int64) (map[int64]candidate, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.nominee_kind, m.nominee_id, m.origin_id,
		EXISTS (SELECT 1 FROM objections o WHERE o.nomination_id = m.id AND o.status = $2)
		FROM notice_items i JOIN nominations m ON m.id = i.nomination_id WHERE i.campaign_id = $1`, campaignID, ObjUpheld)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]candidate{}
	for rows.Next() {
		var id int64
		var k candidate
		if err := rows.Scan(&id, &k.kind, &k.nomineeID, &k.originID, &k.upheld); err != nil {
			return nil, err
		}
		out[id] = k
	}
	return out, rows.Err()
}

// checkWinners checks the list of winners field by field.
func checkWinners(c *Campaign, winners []Winner, cands map[int64]candidate, tiers []string) errs.Fields {
	var f errs.Fields
	switch {
	case len(winners) == 0:
		f.Add("winners", "err.required")
	case len(winners) > c.Winners:
		f.Add("winners", "err.winners_too_many")
	}
	seen := map[int64]bool{}
	for i, w := range winners {
		key := fmt.Sprintf("winners.%d.", i)
		k, ok := cands[w.NominationID]
		switch {
		case !ok:
			f.Add(key+"nomination_id", "err.winner_not_candidate")
		case k.upheld:
			f.Add(key+"nomination_id", "err.objection_upheld")
		case seen[w.NominationID]:
			f.Add(key+"nomination_id", "err.winner_twice")
		}
		seen[w.NominationID] = true
		if !(len(tiers) == 0 && w.Tier == "") && !slices.Contains(tiers, w.Tier) {
			f.Add(key+"tier", "err.choose")
		}
	}
	return f
}

// Winners is the public announcement of a campaign's winners, once they
// are named (NotFound before), highest tier first. A revoked honour is no
// longer listed.
func (s *Service) Winners(ctx context.Context, campaignID int64) (*Announcement, error) {
	q := s.db.R()
	c, err := byID(ctx, q, campaignID)
	if err != nil {
		return nil, err
	}
	if stageIndex(c.Stage) < stageIndex(StageNaming) {
		return nil, errs.ErrNotFound
	}
	tiers, err := tiersOf(ctx, q, c.ID)
	if err != nil {
		return nil, err
	}
	a := &Announcement{CampaignID: c.ID, Title: c.Title}
	if err := q.QueryRowContext(ctx, `SELECT name FROM orgs WHERE id = $1`, c.OrgID).Scan(&a.Organizer); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT m.nominee_name, o.name, x.tier, x.issued_at, x.revoked_at IS NOT NULL FROM certificates x
		JOIN nominations m ON m.id = x.nomination_id
		JOIN orgs o ON o.id = CASE WHEN m.nominee_kind = $2 THEN m.nominee_id ELSE m.origin_id END
		WHERE x.campaign_id = $1 ORDER BY x.seq`, c.ID, NomineeOrg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	a.Winners = []PublicWinner{}
	for rows.Next() {
		var w PublicWinner
		var issued time.Time
		var revoked bool
		if err := rows.Scan(&w.Name, &w.Org, &w.Tier, &issued, &revoked); err != nil {
			return nil, err
		}
		a.NamedOn = noticeDay(issued)
		if !revoked {
			a.Winners = append(a.Winners, w)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(a.Winners, func(i, j int) bool {
		return slices.Index(tiers, a.Winners[i].Tier) < slices.Index(tiers, a.Winners[j].Tier)
	})
	return a, nil
}
