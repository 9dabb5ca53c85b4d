package campaign

import (
	"context"
	"strings"
	"unicode/utf8"

	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/person"
)

// Applications (自荐): where a campaign allows it, a young worker puts
// their own record forward from their login. The application is held by
// their organization like any nomination made there: the organization
// writes the moral and political assessment and passes it up, or returns
// or withdraws it.

// ApplyInput is a young worker's own application.
type ApplyInput struct {
	Summary string                 `json:"summary"` // their achievements, in their words
	Answers map[string]string      `json:"answers,omitempty"`
	Files   map[string]*Attachment `json:"files,omitempty"`
}

// self is the person linked to the actor's login.
func (s *Service) self(ctx context.Context, by *auth.Actor) (*person.Person, error) {
	k, ok := s.kinds[NomineePerson].(PersonKind)
	if !ok {
		return nil, errs.ErrNotFound
	}
	return k.People.Self(ctx, by)
}

// Openings lists the campaigns taking applications now whose eligible
// scope holds the actor's own organization.
func (s *Service) Openings(ctx context.Context, by *auth.Actor) ([]Campaign, error) {
	p, err := s.self(ctx, by)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE stage = $1 AND self_apply = $2
		AND nominee_kind = $3 ORDER BY id DESC LIMIT 200`, StageNominating, true, NomineePerson)
	if err != nil {
		return nil, err
	}
	var all []Campaign
	for rows.Next() {
		var c Campaign
		if err := scanCampaign(rows, &c); err != nil {
			rows.Close()
			return nil, err
		}
		all = append(all, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []Campaign{}
	for _, c := range all {
		if in, err := s.inScope(ctx, &c, p.OrgPath); err != nil {
			return nil, err
		} else if in && strings.HasPrefix(p.OrgPath, c.OrgPath) {
			out = append(out, c)
		}
	}
	return out, nil
}

// Apply puts the actor's own record forward in a campaign that takes
// applications: eligible by its rules, in its scope, once. The
// application is held by the person's organization, pending.
func (s *Service) Apply(ctx context.Context, by *auth.Actor, campaignID int64, in ApplyInput) (*Nomination, error) {
	// The campaign first: a missing one is missing for anyone.
	c, err := byID(ctx, s.db.R(), campaignID)
	if err != nil {
		return nil, err
	}
	p, err := s.self(ctx, by)
	if err != nil {
		return nil, err
	}
	if inScope, err := s.inScope(ctx, c, p.OrgPath); err != nil {
		return nil, err
	} else if !inScope || !strings.HasPrefix(p.OrgPath, c.OrgPath) || !c.SelfApply || c.NomineeKind != NomineePerson {
		return nil, errs.ErrNotFound
	}
	if c.Stage != StageNominating {
		return nil, errs.E(errs.Conflict, "err.campaign_not_nominating")
	}
	var f errs.Fields
	reasons, err := s.personReasons(ctx, c, p)
	if err != nil {
		return nil, err
	}
	for _, r := range reasons {
		if _, dup := f[r.Field]; !dup {
			f.Add(r.Field, r.Key)
		}
	}
	in.Summary = strings.TrimSpace(in.Summary)
	if n := utf8.RuneCountInString(in.Summary); n == 0 {
		f.Add("summary", "err.required")
	} else if n > 5000 {
		f.Add("summary", "err.too_long")
	}
	answers, files := checkAnswers(c.Form, in.Answers, in.Files, &f)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.putForward(ctx, by, c.ID, p, in.Summary, answers, files, "apply", "")
}

// personReasons are why p may not be nominated in c, by its rules and
// records; none when p may.
func (s *Service) personReasons(ctx context.Context, c *Campaign, p *person.Person) ([]Reason, error) {
	nominee := Nominee{ID: p.ID, Name: p.Name, OrgID: p.OrgID, OrgPath: p.OrgPath, Record: p}
	reasons := PersonKind{}.Check(nominee, c.Rules, c.CreatedAt)
	more, err := recordReasons(ctx, s.db.R(), c, p.ID, s.now())
	return append(reasons, more...), err
}

// putForward writes a nomination of person p that its organization is to
// hold, pending its moral assessment: an application (action "apply") or
// a referral ("refer", with the referrer's relation as the step's opinion).
func (s *Service) putForward(ctx context.Context, by *auth.Actor, campaignID int64, p *person.Person, summary string,
	answers map[string]string, files map[string]Attachment, action, opinion string) (*Nomination, error) {
	var id int64
	err := s.inTx(ctx, func(tx *db.Tx) error {
		c, err := byID(ctx, tx, campaignID)
		if err != nil {
			return err
		}
		if c.Stage != StageNominating {
			return errs.E(errs.Conflict, "err.campaign_not_nominating")
		}
		sector, err := sectorOf(ctx, tx, p.OrgPath)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		err = tx.QueryRowContext(ctx, `INSERT INTO nominations (campaign_id, nominee_kind, nominee_id, nominee_name, origin_id,
			origin_path, holder_id, holder_path, status, moral, summary, created_by, created_at, updated_at, answers, sector)
			VALUES ($1, $2, $3, $4, $5, $6, $5, $6, $7, '', $8, $9, $10, $10, $11, $12) RETURNING id`,
			c.ID, NomineePerson, p.ID, p.Name, p.OrgID, p.OrgPath, NomPending, summary, by.UserID, now, jsonOr(answers, "{}"), sector).Scan(&id)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "err.applied_twice")
		}
		if err != nil {
			return err
		}
		if err := putFiles(ctx, tx, id, files); err != nil {
			return err
		}
		if err := bump(ctx, tx, c.ID, "", NomPending); err != nil {
			return err
		}
		return s.step(ctx, tx, by, c, id, action, p.OrgID, opinion, 0)
	})
	if err != nil {
		return nil, err
	}
	return nominationByID(ctx, s.db.R(), id)
}

// SetMoral writes the moral and political assessment of a person's
// nomination its organization holds (an application arrives without
// one); it is then passed up like any other.
func (s *Service) SetMoral(ctx context.Context, by *auth.Actor, id int64, moral string) (*Nomination, error) {
	moral = strings.TrimSpace(moral)
	err := s.inTx(ctx, func(tx *db.Tx) error {
		n, c, err := s.held(ctx, tx, by, id)
		if err != nil {
			return err
		}
		if c.NomineeKind != NomineePerson || n.Status != NomPending {
			return errs.E(errs.Conflict, "err.nomination_state")
		}
		if !moralOK(moral, c.Rules) || utf8.RuneCountInString(moral) > 2000 {
			return (errs.Fields{"moral": "err.moral_required"}).Err()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE nominations SET moral = $1, updated_at = $2 WHERE id = $3`, moral, s.now().UTC(), id); err != nil {
			return err
		}
		return s.step(ctx, tx, by, c, id, "moral", n.HolderID, "", 0)
	})
	if err != nil {
		return nil, err
	}
	return nominationByID(ctx, s.db.R(), id)
}
