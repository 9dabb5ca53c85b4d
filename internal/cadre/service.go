package cadre

import (
	"context"
	"fmt"
	"time"

	"qinggong/internal/activity"
	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/org"
)

// Service reads and changes cadre posts. Every method takes the acting
// user; objects outside the actor's scope are NotFound, like missing ones.
type Service struct {
	db    *db.DB
	audit *audit.Log
	orgs  *org.Service
	now   func() time.Time
}

// New returns a Service and registers it to follow organization moves; now
// may be nil for time.Now.
func New(d *db.DB, a *audit.Log, orgs *org.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	s := &Service{db: d, audit: a, orgs: orgs, now: now}
	orgs.OnMove(s.orgMoved)
	return s
}

// Get returns a cadre post the actor may read (CadreRead on its
// organization); outside the scope it is NotFound.
func (s *Service) Get(ctx context.Context, by *auth.Actor, id int64) (*Cadre, error) {
	c, err := byID(ctx, s.db.R(), id)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.CadreRead, c.OrgPath) {
		return nil, errs.ErrNotFound
	}
	return c, nil
}

// writable returns the post if the actor may change it (CadreWrite on its
// organization); otherwise NotFound, as the authorization matrix expects
// of an object outside the write scope.
func (s *Service) writable(ctx context.Context, by *auth.Actor, id int64) (*Cadre, error) {
	c, err := s.Get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.CadreWrite, c.OrgPath) {
		return nil, errs.ErrNotFound
	}
	return c, nil
}

// writableOrg returns the organization a post is created in: it must
// exist, be active and lie in the actor's CadreWrite scope. Every failure
// reads the same, so the message does not tell a missing organization from
// one outside the scope.
func (s *Service) writableOrg(ctx context.Context, by *auth.Actor, id int64) (*org.Org, error) {
	o, err := s.orgs.FindByID(ctx, by, id)
	if err != nil || !o.Active() || !by.Can(auth.CadreWrite, o.Path) {
		if err != nil && errs.KindOf(err) != errs.NotFound {
			return nil, err
		}
		return nil, (errs.Fields{"org_id": "err.org_unknown"}).Err()
	}
	return o, nil
}

// readablePerson returns the person a post is for, who must be readable by
// the actor (PersonRead); otherwise a field message that does not tell a
// missing person from one outside the scope.
func (s *Service) readablePerson(ctx context.Context, by *auth.Actor, id int64) (personRef, error) {
	p, err := personByID(ctx, s.db.R(), id)
	if err != nil || !by.Can(auth.PersonRead, p.orgPath) {
		if err != nil && errs.KindOf(err) != errs.NotFound {
			return personRef{}, err
		}
		return personRef{}, (errs.Fields{"person_id": "err.cadre_person_unknown"}).Err()
	}
	return p, nil
}

// Create appoints a person to a post in an organization of the actor's
// write scope, and writes the appointment to the person's growth record.
// A person holds at most one serving post of a kind per organization.
func (s *Service) Create(ctx context.Context, by *auth.Actor, in Input) (*Cadre, error) {
	c, f := check(in, s.now())
	if err := f.Err(); err != nil {
		return nil, err
	}
	if _, err := s.readablePerson(ctx, by, c.PersonID); err != nil {
		return nil, err
	}
	o, err := s.writableOrg(ctx, by, c.OrgID)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		id, err = s.insert(ctx, tx, by, c, o.Path)
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "cadre.create", ObjectType: "cadre", ObjectID: id, OrgID: o.ID,
			Summary: fmt.Sprintf("org=%d post=%s basis=%s", o.ID, c.Post, c.Basis)})
	})
	if err != nil {
		return nil, duplicateErr(err)
	}
	return byID(ctx, s.db.R(), id)
}

// insert writes a new serving post and its ledger entry.
func (s *Service) insert(ctx context.Context, tx *db.Tx, by *auth.Actor, c Input, orgPath string) (int64, error) {
	now := s.now().UTC()
	var uid, id int64
	if by != nil {
		uid = by.UserID
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO cadres (person_id, org_id, org_path, post, basis, concurrent_post, relevance,
		prospects, prospects_note, hours_per_week, term_start, term_end, co_management, status, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'serving', $14, $15, $15) RETURNING id`,
		c.PersonID, c.OrgID, orgPath, c.Post, c.Basis, c.Concurrent, c.Relevance, c.Prospects, c.ProspectsNote, c.Hours,
		c.TermStart, c.TermEnd, c.CoManagement, uid, now).Scan(&id)
	if err != nil {
		return 0, err
	}
	return id, s.ledger(ctx, tx, KindAppointed, c.OrgID, c.PersonID, id, c.TermStart)
}

// ledger writes a growth-record entry dated day (Asia/Shanghai midnight).
func (s *Service) ledger(ctx context.Context, tx *db.Tx, kind string, orgID, personID, cadreID int64, day string) error {
	at, _ := time.ParseInLocation(time.DateOnly, day, shanghai)
	_, err := activity.Add(ctx, tx, activity.Entry{OrgID: orgID, PersonID: personID, Kind: kind, RefType: "cadre",
		RefID: cadreID, OccurredAt: at})
	return err
}

// duplicateErr turns a unique violation on the serving-post index into a
// field message.
func duplicateErr(err error) error {
	if db.IsUniqueViolation(err) {
		return (errs.Fields{"post": "err.cadre_duplicate"}).Err()
	}
	return err
}

// Update changes a post's details (post, basis, part-time fields, term,
// co-management note). The person and the organization stay; an ended post
// may be corrected but stays ended. The growth-record entries keep the
// dates first written (the ledger is append-only).
func (s *Service) Update(ctx context.Context, by *auth.Actor, id int64, in Input) (*Cadre, error) {
	old, err := s.writable(ctx, by, id)
	if err != nil {
		return nil, err
	}
	var fixed errs.Fields
	if in.PersonID != 0 && in.PersonID != old.PersonID {
		fixed.Add("person_id", "err.cadre_fixed")
	}
	if in.OrgID != 0 && in.OrgID != old.OrgID {
		fixed.Add("org_id", "err.cadre_fixed")
	}
	in.PersonID, in.OrgID = old.PersonID, old.OrgID
	c, f := check(in, s.now())
	for k, v := range fixed {
		f.Add(k, v)
	}
	if old.EndedOn != "" && c.TermStart > old.EndedOn {
		f.Add("term_start", "err.cadre_ended_before")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE cadres SET post = $1, basis = $2, concurrent_post = $3, relevance = $4,
			prospects = $5, prospects_note = $6, hours_per_week = $7, term_start = $8, term_end = $9, co_management = $10,
			updated_at = $11 WHERE id = $12`, c.Post, c.Basis, c.Concurrent, c.Relevance, c.Prospects, c.ProspectsNote, c.Hours,
			c.TermStart, c.TermEnd, c.CoManagement, s.now().UTC(), id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "cadre.update", ObjectType: "cadre", ObjectID: id, OrgID: old.OrgID,
			Summary: changedFields(old, c)})
	})
	if err != nil {
		return nil, duplicateErr(err)
	}
	return byID(ctx, s.db.R(), id)
}

// changedFields names the fields an update changed (values of free text
// are never written to the audit log).
func changedFields(old *Cadre, c Input) string {
	out := ""
	for _, x := range []struct {
		name    string
		changed bool
	}{
		{"post", old.Post != c.Post}, {"basis", old.Basis != c.Basis}, {"concurrent_post", old.Concurrent != c.Concurrent},
		{"relevance", old.Relevance != c.Relevance}, {"prospects", old.Prospects != c.Prospects || old.ProspectsNote != c.ProspectsNote},
		{"hours_per_week", old.Hours != c.Hours}, {"term", old.TermStart != c.TermStart || old.TermEnd != c.TermEnd},
		{"co_management", old.CoManagement != c.CoManagement},
	} {
		if x.changed {
			if out != "" {
				out += ","
			}
			out += x.name
		}
	}
	if out == "" {
		return "fields=none"
	}
	return "fields=" + out
}

// End closes a serving post's term: the row stays (history), its status
// becomes ended, and the end is written to the person's growth record.
// Ending an ended post is a Conflict.
func (s *Service) End(ctx context.Context, by *auth.Actor, id int64, e Ending) (*Cadre, error) {
	old, err := s.writable(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if old.Status != Serving {
		return nil, errs.E(errs.Conflict, "err.cadre_already_ended")
	}
	e, f := checkEnding(e, old.TermStart, s.now())
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE cadres SET status = 'ended', ended_on = $1, end_reason = $2, updated_at = $3
			WHERE id = $4 AND status = 'serving'`, e.EndedOn, e.Reason, s.now().UTC(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "err.cadre_already_ended") // ended meanwhile
		}
		if err := s.ledger(ctx, tx, KindEnded, old.OrgID, old.PersonID, id, e.EndedOn); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "cadre.end", ObjectType: "cadre", ObjectID: id, OrgID: old.OrgID,
			Summary: fmt.Sprintf("org=%d post=%s", old.OrgID, old.Post)})
	})
	if err != nil {
		return nil, err
	}
	return byID(ctx, s.db.R(), id)
}
