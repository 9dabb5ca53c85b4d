package campaign

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// NominateInput is a nomination made by an organization.
type NominateInput struct {
	OrgID     int64  `json:"org_id"`     // the nominating organization
	NomineeID int64  `json:"nominee_id"` // a person or organization, by the campaign's nominee kind
	Moral     string `json:"moral"`      // the moral and political assessment (思想道德), required for people
	Summary   string `json:"summary"`    // achievements
	// Answers and Files fill the campaign's own form, by field key.
	Answers map[string]string      `json:"answers,omitempty"`
	Files   map[string]*Attachment `json:"files,omitempty"`
	// Then, when set, runs inside the nomination's transaction once it is
	// written: a module carrying its own record into a campaign (a talent
	// recommendation) links it there, so that both commit or neither.
	Then func(ctx context.Context, tx *db.Tx, nominationID int64) error `json:"-"`
}

const nominationColumns = `id, campaign_id, nominee_kind, nominee_id, nominee_name, origin_id, origin_path, holder_id, holder_path,
	status, moral, summary, answers, sector, created_at, updated_at`

// scanNomination scans the nomination columns, then the extra
// destinations of columns selected after them.
func scanNomination(sc interface{ Scan(...any) error }, n *Nomination, extra ...any) error {
	var answers string
	if err := sc.Scan(append([]any{&n.ID, &n.CampaignID, &n.NomineeKind, &n.NomineeID, &n.NomineeName, &n.OriginID, &n.OriginPath,
		&n.HolderID, &n.HolderPath, &n.Status, &n.Moral, &n.Summary, &answers, &n.Sector, &n.CreatedAt, &n.UpdatedAt}, extra...)...); err != nil {
		return err
	}
	return json.Unmarshal([]byte(answers), &n.Answers)
}

// Nominate puts a nominee forward from an organization in the actor's
// CampaignNominate scope while the campaign is nominating. The nominee's
// record is linked, not retyped: it must belong to the nominating
// organization's subtree, lie in the campaign's scope and meet its rules;
// a person needs the moral assessment. The nomination is then held by the
// nominating organization, to be passed upward (Forward); the organizer's
// own nominations arrive at once, within the campaign's Total.
func (s *Service) Nominate(ctx context.Context, by *auth.Actor, campaignID int64, in NominateInput) (*Nomination, error) {
	c, err := s.Get(ctx, by, campaignID)
	if err != nil {
		return nil, err
	}
	kind := s.kinds[c.NomineeKind]
	var f errs.Fields
	o, err := s.orgs.FindByID(ctx, by, in.OrgID)
	if err != nil || !o.Active() || !by.Can(auth.CampaignNominate, o.Path) || !strings.HasPrefix(o.Path, c.OrgPath) {
		f.Add("org_id", "err.org_unknown")
	} else if ok, err := s.inScope(ctx, c, o.Path); err != nil {
		return nil, err
	} else if !ok {
		f.Add("org_id", "err.campaign_out_of_scope")
	}
	var reasons []Reason
	nominee, err := kind.Find(ctx, by, in.NomineeID)
	switch {
	case errs.KindOf(err) == errs.NotFound:
		f.Add("nominee_id", "err.nominee_unknown")
	case err != nil:
		return nil, err
	case o != nil && !strings.HasPrefix(nominee.OrgPath, o.Path):
		f.Add("nominee_id", "err.nominee_elsewhere")
	default:
		reasons = kind.Check(nominee, c.Rules, c.CreatedAt)
		more, err := recordReasons(ctx, s.db.R(), c, nominee.ID, s.now())
		if err != nil {
			return nil, err
		}
		reasons = append(reasons, more...)
	}
	for _, r := range reasons {
		if _, dup := f[r.Field]; !dup {
			f.Add(r.Field, r.Key)
		}
	}
	in.Moral, in.Summary = strings.TrimSpace(in.Moral), strings.TrimSpace(in.Summary)
	switch {
	case c.NomineeKind == NomineePerson && !moralOK(in.Moral, c.Rules):
		f.Add("moral", "err.moral_required")
	case utf8.RuneCountInString(in.Moral) > 2000:
		f.Add("moral", "err.too_long")
	}
	if utf8.RuneCountInString(in.Summary) > 5000 {
		f.Add("summary", "err.too_long")
	}
	answers, files := checkAnswers(c.Form, in.Answers, in.Files, &f)
	if c.Stage != StageNominating {
		return nil, errs.E(errs.Conflict, "err.campaign_not_nominating")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var id int64
	err = s.inTx(ctx, func(tx *db.Tx) error {
		c, err := byID(ctx, tx, campaignID) // the stage as of this transaction
		if err != nil {
			return err
		}
		if c.Stage != StageNominating {
			return errs.E(errs.Conflict, "err.campaign_not_nominating")
		}
		status := NomPending
		if o.Path == c.OrgPath {
			status = NomSubmitted
			if err := s.fits(ctx, tx, c, c.OrgPath); err != nil {
				return err
			}
		}
		now := s.now().UTC()
		sector, err := sectorOf(ctx, tx, nominee.OrgPath)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO nominations (campaign_id, nominee_kind, nominee_id, nominee_name, origin_id,
			origin_path, holder_id, holder_path, status, moral, summary, created_by, created_at, updated_at, answers, sector)
			VALUES ($1, $2, $3, $4, $5, $6, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13) RETURNING id`,
			c.ID, c.NomineeKind, nominee.ID, nominee.Name, o.ID, o.Path, status, in.Moral, in.Summary, by.UserID, now,
			jsonOr(answers, "{}"), sector).Scan(&id)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "err.nominee_twice")
		}
		if err != nil {
			return err
		}
		if err := putFiles(ctx, tx, id, files); err != nil {
			return err
		}
		if err := bump(ctx, tx, c.ID, "", status); err != nil {
			return err
		}
		if err := s.step(ctx, tx, by, c, id, "nominate", o.ID, "", 0); err != nil {
			return err
		}
		if in.Then != nil {
			return in.Then(ctx, tx, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return nominationByID(ctx, s.db.R(), id)
}

// fits refuses one more nomination passed upward by the organization at
// path when its quota is used up.
func (s *Service) fits(ctx context.Context, q db.Q, c *Campaign, path string) error {
	all, err := quotas(ctx, q, c)
	if err != nil {
		return err
	}
	x, ok := all[path]
	if !ok {
		return nil
	}
	n, err := used(ctx, q, c, path)
	if err != nil {
		return err
	}
	if n+1 > x.Quota {
		return errs.E(errs.Conflict, "err.quota_full")
	}
	return nil
}

// step records one step of a nomination's history with its audit record.
func (s *Service) step(ctx context.Context, tx *db.Tx, by *auth.Actor, c *Campaign, id int64, action string, orgID int64, opinion string, rank int) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO nomination_steps (nomination_id, action, org_id, opinion, rank, by_user, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, action, orgID, opinion, rank, by.UserID, s.now().UTC()); err != nil {
		return err
	}
	return s.audit.Record(ctx, tx, audit.Entry{Action: "campaign.nomination." + action, ObjectType: "nomination", ObjectID: id,
		OrgID: orgID, Summary: fmt.Sprintf("campaign=%d rank=%d", c.ID, rank)})
}

func nominationByID(ctx context.Context, q db.Q, id int64) (*Nomination, error) {
	var n Nomination
	err := scanNomination(q.QueryRowContext(ctx, `SELECT `+nominationColumns+` FROM nominations WHERE id = $1`, id), &n)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return &n, err
}

// Forward passes a nomination the actor's organization holds to the
// organization above, with the recommendation opinion (required) and its
// rank among those it passes up; it counts against the holder's quota.
// Reaching the organizer, the nomination is submitted.
func (s *Service) Forward(ctx context.Context, by *auth.Actor, id int64, opinion string, rank int) (*Nomination, error) {
	opinion = strings.TrimSpace(opinion)
	var f errs.Fields
	if n := utf8.RuneCountInString(opinion); n == 0 {
		f.Add("opinion", "err.required")
	} else if n > 2000 {
		f.Add("opinion", "err.too_long")
	}
	if rank < 0 || rank > 100000 {
		f.Add("rank", "err.invalid")
	}
	err := s.inTx(ctx, func(tx *db.Tx) error {
		n, c, err := s.held(ctx, tx, by, id)
		if err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		if n.Status != NomPending || n.HolderPath == c.OrgPath {
			return errs.E(errs.Conflict, "err.nomination_state")
		}
		// An application arrives without the moral assessment: its
		// organization writes it before passing it up.
		if c.NomineeKind == NomineePerson && !moralOK(n.Moral, c.Rules) {
			return (errs.Fields{"moral": "err.moral_required"}).Err()
		}
		if err := s.fits(ctx, tx, c, n.HolderPath); err != nil {
			return err
		}
		up := parentPath(n.HolderPath)
		status := NomPending
		if up == c.OrgPath {
			status = NomSubmitted
			if err := s.fits(ctx, tx, c, c.OrgPath); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE nominations SET holder_id = (SELECT id FROM orgs WHERE path = $1), holder_path = $1,
			status = $2, updated_at = $3 WHERE id = $4`, up, status, s.now().UTC(), id); err != nil {
			return err
		}
		if err := bump(ctx, tx, c.ID, n.Status, status); err != nil {
			return err
		}
		return s.step(ctx, tx, by, c, id, "forward", n.HolderID, opinion, rank)
	})
	if err != nil {
		return nil, err
	}
	return nominationByID(ctx, s.db.R(), id)
}

// held returns a nomination held by an organization in the actor's
// CampaignNominate scope (or, once submitted, organized by the actor),
// with its campaign, which must be nominating; others are NotFound.
func (s *Service) held(ctx context.Context, q db.Q, by *auth.Actor, id int64) (*Nomination, *Campaign, error) {
	n, err := nominationByID(ctx, q, id)
	if err != nil {
		return nil, nil, err
	}
	c, err := byID(ctx, q, n.CampaignID)
	if err != nil {
		return nil, nil, err
	}
	if !by.Can(auth.CampaignNominate, n.HolderPath) && !(n.HolderPath == c.OrgPath && by.Can(auth.CampaignManage, c.OrgPath)) {
		return nil, nil, errs.ErrNotFound
	}
	if c.Stage != StageNominating {
		return nil, nil, errs.E(errs.Conflict, "err.campaign_not_nominating")
	}
	return n, c, nil
}

// Return sends a nomination the actor's organization holds back to the
// nominating organization for revision, with the reason; what it had
// used of quotas on the way up is freed.
func (s *Service) Return(ctx context.Context, by *auth.Actor, id int64, reason string) (*Nomination, error) {
	reason = strings.TrimSpace(reason)
	err := s.inTx(ctx, func(tx *db.Tx) error {
		n, c, err := s.held(ctx, tx, by, id)
		if err != nil {
			return err
		}
		if utf8.RuneCountInString(reason) == 0 || utf8.RuneCountInString(reason) > 2000 {
			return (errs.Fields{"reason": "err.required"}).Err()
		}
		if n.HolderID == n.OriginID || (n.Status != NomPending && n.Status != NomSubmitted) {
			return errs.E(errs.Conflict, "err.nomination_state")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE nominations SET holder_id = origin_id, holder_path = origin_path, status = $1,
			updated_at = $2 WHERE id = $3`, NomReturned, s.now().UTC(), id); err != nil {
			return err
		}
		if err := bump(ctx, tx, c.ID, n.Status, NomReturned); err != nil {
			return err
		}
		return s.step(ctx, tx, by, c, id, "return", n.HolderID, reason, 0)
	})
	if err != nil {
		return nil, err
	}
	return nominationByID(ctx, s.db.R(), id)
}

// Revise lets the nominating organization correct a returned nomination
// and hold it again, to be passed upward anew.
func (s *Service) Revise(ctx context.Context, by *auth.Actor, id int64, moral, summary string) (*Nomination, error) {
	moral, summary = strings.TrimSpace(moral), strings.TrimSpace(summary)
	err := s.inTx(ctx, func(tx *db.Tx) error {
		n, c, err := s.held(ctx, tx, by, id)
		if err != nil {
			return err
		}
		if n.Status != NomReturned {
			return errs.E(errs.Conflict, "err.nomination_state")
		}
		var f errs.Fields
		if c.NomineeKind == NomineePerson && !moralOK(moral, c.Rules) {
			f.Add("moral", "err.moral_required")
		}
		if utf8.RuneCountInString(moral) > 2000 || utf8.RuneCountInString(summary) > 5000 {
			f.Add("summary", "err.too_long")
		}
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE nominations SET moral = $1, summary = $2, status = $3, updated_at = $4 WHERE id = $5`,
			moral, summary, NomPending, s.now().UTC(), id); err != nil {
			return err
		}
		if err := bump(ctx, tx, c.ID, n.Status, NomPending); err != nil {
			return err
		}
		return s.step(ctx, tx, by, c, id, "revise", n.OriginID, "", 0)
	})
	if err != nil {
		return nil, err
	}
	return nominationByID(ctx, s.db.R(), id)
}

// Withdraw takes a nomination back: by the nominating organization while
// it still holds it (pending or returned there).
func (s *Service) Withdraw(ctx context.Context, by *auth.Actor, id int64, reason string) (*Nomination, error) {
	err := s.inTx(ctx, func(tx *db.Tx) error {
		n, c, err := s.held(ctx, tx, by, id)
		if err != nil {
			return err
		}
		if n.HolderID != n.OriginID || (n.Status != NomPending && n.Status != NomReturned) {
			return errs.E(errs.Conflict, "err.nomination_state")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE nominations SET status = $1, updated_at = $2 WHERE id = $3`,
			NomWithdrawn, s.now().UTC(), id); err != nil {
			return err
		}
		if err := bump(ctx, tx, c.ID, n.Status, NomWithdrawn); err != nil {
			return err
		}
		return s.step(ctx, tx, by, c, id, "withdraw", n.OriginID, strings.TrimSpace(reason), 0)
	})
	if err != nil {
		return nil, err
	}
	return nominationByID(ctx, s.db.R(), id)
}

// Nomination returns a nomination with its history to an actor who may
// read its nominating organization or organizes the campaign.
func (s *Service) Nomination(ctx context.Context, by *auth.Actor, id int64) (*Nomination, []Step, error) {
	n, err := nominationByID(ctx, s.db.R(), id)
	if err != nil {
		return nil, nil, err
	}
	c, err := byID(ctx, s.db.R(), n.CampaignID)
	if err != nil {
		return nil, nil, err
	}
	if !by.Can(auth.OrgRead, n.OriginPath) && !by.Can(auth.CampaignManage, c.OrgPath) {
		return nil, nil, errs.ErrNotFound
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT action, org_id, opinion, rank, at FROM nomination_steps WHERE nomination_id = $1
		ORDER BY id`, id)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var steps []Step
	for rows.Next() {
		var st Step
		if err := rows.Scan(&st.Action, &st.OrgID, &st.Opinion, &st.Rank, &st.At); err != nil {
			return nil, nil, err
		}
		steps = append(steps, st)
	}
	return n, steps, rows.Err()
}
