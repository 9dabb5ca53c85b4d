package talent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/activity"
	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/campaign"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/person"
)

// Service keeps the talent pool.
type Service struct {
	db        *db.DB
	audit     *audit.Log
	orgs      *org.Service
	people    *person.Service
	campaigns *campaign.Service
	now       func() time.Time
}

// New returns the talent service. Wire OrgMoved into the organization
// service once (app.Wire does), so recommendations follow moves.
func New(d *db.DB, a *audit.Log, orgs *org.Service, people *person.Service, campaigns *campaign.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	s := &Service{db: d, audit: a, orgs: orgs, people: people, campaigns: campaigns, now: now}
	return s
}

// Input is a recommendation as written.
type Input struct {
	PersonID  int64  `json:"person_id"`
	Kind      string `json:"kind"`
	FromOrgID int64  `json:"from_org_id"` // the recommending organization; the person's when 0
	ToOrgID   int64  `json:"to_org_id"`   // the receiving committee, above it; its parent when 0
	Evidence  string `json:"evidence"`    // achievements, awards, innovations
	Moral     string `json:"moral"`       // the moral and political assessment, required
}

// MinMoral is the least length of a moral assessment, in characters.
const MinMoral = 10

// Recommend puts a person forward from an organization in the actor's
// TalentRecommend scope to a committee above it.
func (s *Service) Recommend(ctx context.Context, by *auth.Actor, in Input) (*Recommendation, error) {
	var f errs.Fields
	in.Evidence, in.Moral = strings.TrimSpace(in.Evidence), strings.TrimSpace(in.Moral)
	if !KnownKind(in.Kind) {
		f.Add("kind", "err.choose")
	}
	switch n := utf8.RuneCountInString(in.Evidence); {
	case n == 0:
		f.Add("evidence", "err.required")
	case n > 5000:
		f.Add("evidence", "err.too_long")
	}
	switch n := utf8.RuneCountInString(in.Moral); {
	case n < MinMoral:
		f.Add("moral", "err.moral_required")
	case n > 2000:
		f.Add("moral", "err.too_long")
	}
	p, err := s.people.Get(ctx, by, in.PersonID)
	if err != nil {
		f.Add("person_id", "err.talent_person")
	}
	var fromOrg, toOrg *org.Org
	if p != nil {
		if in.FromOrgID == 0 {
			in.FromOrgID = s.defaultFrom(ctx, by, p)
		}
		fromOrg, err = s.orgs.FindByID(ctx, by, in.FromOrgID)
		switch {
		case err != nil || !by.Can(auth.TalentRecommend, fromOrg.Path) || !fromOrg.Active():
			f.Add("from_org_id", "err.org_unknown")
		case !strings.HasPrefix(p.OrgPath, fromOrg.Path):
			f.Add("person_id", "err.talent_elsewhere")
		default:
			if in.ToOrgID == 0 {
				in.ToOrgID = fromOrg.ParentID
			}
			// The committee above need not be readable by the recommender:
			// it is found by ID and must be a strict ancestor.
			toOrg = s.ancestor(ctx, fromOrg, in.ToOrgID)
			if toOrg == nil {
				f.Add("to_org_id", "err.talent_to")
			}
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO talent_recommendations (person_id, person_name, kind, from_org_id, from_path,
			to_org_id, to_path, to_level, evidence, moral, status, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
			p.ID, p.Name, in.Kind, fromOrg.ID, fromOrg.Path, toOrg.ID, toOrg.Path, toOrg.Level, in.Evidence, in.Moral, Submitted,
			by.UserID, now).Scan(&id)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "err.talent_twice")
		}
		if err != nil {
			return err
		}
		if _, err := activity.Add(ctx, tx, activity.Entry{OrgID: fromOrg.ID, PersonID: p.ID, Kind: KindRecommended,
			RefType: "talent_recommendation", RefID: id, OccurredAt: now}); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "talent.recommend", ObjectType: "talent_recommendation", ObjectID: id,
			OrgID: fromOrg.ID, Summary: fmt.Sprintf("person=%d kind=%s to=%d", p.ID, in.Kind, toOrg.ID)})
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.db.R(), id)
}

// defaultFrom is the organization a recommendation comes from when the
// form names none: the actor's own when the person is in its subtree and
// the actor recommends there, else the person's.
func (s *Service) defaultFrom(ctx context.Context, by *auth.Actor, p *person.Person) int64 {
	if o, err := s.orgs.FindByID(ctx, by, by.OrgID); err == nil && strings.HasPrefix(p.OrgPath, o.Path) && by.Can(auth.TalentRecommend, o.Path) {
		return o.ID
	}
	return p.OrgID
}

// ancestor is the organization id when it is a strict ancestor of o.
func (s *Service) ancestor(ctx context.Context, o *org.Org, id int64) *org.Org {
	if id == 0 || id == o.ID {
		return nil
	}
	for _, a := range db.PathIDs(o.Path) {
		if a == id {
			var to org.Org
			if err := s.db.R().QueryRowContext(ctx, `SELECT id, path, level, name FROM orgs WHERE id = $1 AND status = 'active'`, id).
				Scan(&to.ID, &to.Path, &to.Level, &to.Name); err != nil {
				return nil
			}
			return &to
		}
	}
	return nil
}

func (s *Service) load(ctx context.Context, q db.Q, id int64) (*Recommendation, error) {
	var r Recommendation
	err := scan(q.QueryRowContext(ctx, `SELECT `+columns+from+` WHERE r.id = $1`, id), &r)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return &r, err
}

// sees reports whether the actor sees r: the receiving side reads its
// pool (CareerRead), the recommending side its own recommendations.
func sees(by *auth.Actor, r *Recommendation) bool {
	return by.Can(auth.CareerRead, r.ToPath) || by.Can(auth.TalentRecommend, r.FromPath) || by.Can(auth.CareerRead, r.FromPath)
}

// Get returns a recommendation the actor sees; otherwise NotFound.
func (s *Service) Get(ctx context.Context, by *auth.Actor, id int64) (*Recommendation, error) {
	r, err := s.load(ctx, s.db.R(), id)
	if err != nil {
		return nil, err
	}
	if !sees(by, r) {
		return nil, errs.ErrNotFound
	}
	return r, nil
}

// vetted is a recommendation the actor's committee received (TalentVet on
// the receiving organization); NotFound to anyone else who cannot see it.
func (s *Service) vetted(ctx context.Context, q db.Q, by *auth.Actor, id int64) (*Recommendation, error) {
	r, err := s.load(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.TalentVet, r.ToPath) {
		if sees(by, r) {
			return nil, errs.E(errs.Forbidden, "err.forbidden")
		}
		return nil, errs.ErrNotFound
	}
	return r, nil
}

// VetInput is the receiving committee's decision.
type VetInput struct {
	Accept bool   `json:"accept"`
	Note   string `json:"note"` // required when returning
}

// Vet accepts a submitted recommendation into the pool or returns it with
// a reason (after which the organization may recommend the person again).
func (s *Service) Vet(ctx context.Context, by *auth.Actor, id int64, in VetInput) (*Recommendation, error) {
	if _, err := s.vetted(ctx, s.db.R(), by, id); err != nil {
		return nil, err // who may decide, before what they sent
	}
	in.Note = strings.TrimSpace(in.Note)
	var f errs.Fields
	switch n := utf8.RuneCountInString(in.Note); {
	case n == 0 && !in.Accept:
		f.Add("note", "err.talent_return_reason")
	case n > 1000:
		f.Add("note", "err.too_long")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	status := Returned
	if in.Accept {
		status = Accepted
	}
	now := s.now().UTC()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.vetted(ctx, tx, by, id)
		if err != nil {
			return err
		}
		if r.Status != Submitted {
			return errs.E(errs.Conflict, "err.talent_vetted")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE talent_recommendations SET status = $1, vet_note = $2, vetted_by = $3, vetted_at = $4,
			updated_at = $4 WHERE id = $5`, status, in.Note, by.UserID, now, id); err != nil {
			return err
		}
		if in.Accept {
			if _, err := activity.Add(ctx, tx, activity.Entry{OrgID: r.ToOrgID, PersonID: r.PersonID, Kind: KindAccepted,
				RefType: "talent_recommendation", RefID: id, OccurredAt: now}); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "talent.vet", ObjectType: "talent_recommendation", ObjectID: id,
			OrgID: r.ToOrgID, Summary: "status=" + status})
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.db.R(), id)
}

// MarkTypical marks an accepted recommendation as a typical case (典型)
// with the text to publish, or (text "" and typical false) unmarks it.
// Only the text the committee writes is published, never the evidence or
// the assessment.
func (s *Service) MarkTypical(ctx context.Context, by *auth.Actor, id int64, typical bool, text string) (*Recommendation, error) {
	if _, err := s.vetted(ctx, s.db.R(), by, id); err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	if typical {
		switch n := utf8.RuneCountInString(text); {
		case n == 0:
			return nil, (errs.Fields{"typical_text": "err.required"}).Err()
		case n > 500:
			return nil, (errs.Fields{"typical_text": "err.too_long"}).Err()
		}
	} else {
		text = ""
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.vetted(ctx, tx, by, id)
		if err != nil {
			return err
		}
		if r.Status != Accepted {
			return errs.E(errs.Conflict, "err.talent_not_accepted")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE talent_recommendations SET typical = $1, typical_text = $2, updated_at = $3 WHERE id = $4`,
			typical, text, s.now().UTC(), id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "talent.typical", ObjectType: "talent_recommendation", ObjectID: id,
			OrgID: r.ToOrgID, Summary: fmt.Sprintf("typical=%t", typical)})
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.db.R(), id)
}

// Carry nominates an accepted recommendation's person in a campaign, from
// the receiving committee, with its assessment and evidence; the
// nomination and the link to it commit together.
func (s *Service) Carry(ctx context.Context, by *auth.Actor, id, campaignID int64) (*campaign.Nomination, error) {
	r, err := s.vetted(ctx, s.db.R(), by, id)
	if err != nil {
		return nil, err
	}
	switch {
	case r.Status != Accepted:
		return nil, errs.E(errs.Conflict, "err.talent_not_accepted")
	case r.NominationID != 0:
		return nil, errs.E(errs.Conflict, "err.talent_carried")
	}
	return s.campaigns.Nominate(ctx, by, campaignID, campaign.NominateInput{OrgID: r.ToOrgID, NomineeID: r.PersonID, Moral: r.Moral,
		Summary: r.Evidence, Then: func(ctx context.Context, tx *db.Tx, nomination int64) error {
			res, err := tx.ExecContext(ctx, `UPDATE talent_recommendations SET nomination_id = $1, updated_at = $2
				WHERE id = $3 AND nomination_id = 0`, nomination, s.now().UTC(), id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errs.E(errs.Conflict, "err.talent_carried")
			}
			return s.audit.Record(ctx, tx, audit.Entry{Action: "talent.carry", ObjectType: "talent_recommendation", ObjectID: id,
				OrgID: r.ToOrgID, Summary: fmt.Sprintf("campaign=%d nomination=%d", campaignID, nomination)})
		}})
}

// OrgMoved rewrites the paths of recommendations under a moved organization.
func (s *Service) OrgMoved(ctx context.Context, tx *db.Tx, m org.Moved) error {
	return db.MovePaths(ctx, tx, m.OldPath, m.NewPath, "talent_recommendations.from_path", "talent_recommendations.to_path")
}
