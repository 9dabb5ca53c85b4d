package person

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/pii"
)

// Service reads and changes the people registry.
type Service struct {
	db    *db.DB
	audit *audit.Log
	orgs  *org.Service
	seal  *pii.Sealer
	now   func() time.Time
	jobs  sync.WaitGroup // background import phases

	// List pages and counts under the people version (list_cache.go).
	pages  *db.VersionCache[Page]
	counts *db.VersionCache[Count]
}

// New returns a Service; now may be nil for time.Now.
func New(d *db.DB, a *audit.Log, orgs *org.Service, seal *pii.Sealer, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	s := &Service{db: d, audit: a, orgs: orgs, seal: seal, now: now,
		pages: db.NewVersionCache[Page](maxCachedLists), counts: db.NewVersionCache[Count](maxCachedLists)}
	orgs.OnMove(s.orgMoved)
	return s
}

// The sealed fields; the name is bound into each ciphertext and hash.
const (
	fieldID    = "person.id_number"
	fieldPhone = "person.phone"
)

// IDIndex is the keyed hash of an ID-card number (for exact search).
func (s *Service) IDIndex(number string) pii.Hash { return s.seal.Index(fieldID, number) }

// PhoneIndex is the keyed hash of a mobile number.
func (s *Service) PhoneIndex(phone string) pii.Hash { return s.seal.Index(fieldPhone, phone) }

// sealPhone is what the people table stores of a mobile number: sealed,
// hashed and masked; for no phone, nothing (nil, the zero Hash, "").
func (s *Service) sealPhone(phone string) (sealed []byte, hash pii.Hash, masked string) {
	if phone == "" {
		return nil, pii.Hash{}, ""
	}
	return s.seal.Seal(fieldPhone, phone), s.PhoneIndex(phone), pii.MaskMobile(phone)
}

// Activity kinds this module writes to the ledger (the growth record).
// Registration itself is not an activity (it would count as youth work in
// coverage figures); the person page shows it from created_at.
const (
	KindSkill       = "person.skill"
	KindTransferred = "person.transferred"
)

// writableOrg returns the organization people are added to or moved to:
// it must exist, be active and lie in the actor's PersonWrite scope. All
// failures read the same (the field message does not tell an organization
// outside the scope from a missing one).
func (s *Service) writableOrg(ctx context.Context, by *auth.Actor, id int64) (*org.Org, error) {
	o, err := s.orgs.FindByID(ctx, by, id)
	if err != nil || !o.Active() || !by.Can(auth.PersonWrite, o.Path) {
		if err != nil && errs.KindOf(err) != errs.NotFound {
			return nil, err
		}
		return nil, (errs.Fields{"org_id": "err.org_unknown"}).Err()
	}
	return o, nil
}

// Create adds a person to an organization in the actor's scope.
func (s *Service) Create(ctx context.Context, by *auth.Actor, in Input) (*Person, error) {
	c, f := check(in, s.now())
	if err := f.Err(); err != nil {
		return nil, err
	}
	o, err := s.writableOrg(ctx, by, c.OrgID)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		r := newRollup()
		id, err = s.insert(ctx, tx, by, c, o.Path, r)
		if err != nil {
			return err
		}
		if err := r.apply(ctx, tx); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "person.create", ObjectType: "person", ObjectID: id, OrgID: o.ID,
			Summary: fmt.Sprintf("org=%d", o.ID)})
	})
	if err != nil {
		return nil, uniqueErr(err)
	}
	return byID(ctx, s.db.R(), id)
}

// uniqueErr turns a unique violation on the ID hash into a field message.
func uniqueErr(err error) error {
	if db.IsUniqueViolation(err) {
		return (errs.Fields{"id_number": "err.id_taken"}).Err()
	}
	return err
}

// insert writes a new person, their tags and first skill level, and counts
// them in r. The first level goes to the skill history only: like the
// registration itself it is the person's state on arrival, not something
// that happened in the registry, and the ledger counts what happens (a
// mass import would otherwise show up as a wave of activity).
func (s *Service) insert(ctx context.Context, tx *db.Tx, by *auth.Actor, c checked, orgPath string, r rollup) (int64, error) {
	db.BumpPeopleVersion(tx)
	now := s.now().UTC()
	phoneSealed, phoneHash, phoneMasked := s.sealPhone(c.Phone)
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO people (org_id, org_path, name, initials, gender, birth_date,
		id_sealed, id_hash, id_masked, phone_sealed, phone_hash, phone_masked, email, ethnicity, education, political,
		league_joined, employer, job, trade, skill_level, title, tags, status, notes, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $26)
		RETURNING id`,
		c.OrgID, orgPath, c.Name, Initials(c.Name), c.Gender, c.BirthDate,
		s.seal.Seal(fieldID, c.IDNumber), s.IDIndex(c.IDNumber), pii.MaskID(c.IDNumber), phoneSealed, phoneHash, phoneMasked,
		c.Email, c.Ethnicity, c.Education, c.Political, c.LeagueJoined, c.Employer, c.Job, c.Trade, c.SkillLevel, c.Title,
		tagColumn(c.Tags), c.Status, c.Notes, now).Scan(&id)
	if err != nil {
		return 0, err
	}
	if err := writeTags(ctx, tx, id, nil, c.Tags); err != nil {
		return 0, err
	}
	if c.SkillLevel > 0 {
		if err := s.recordSkill(ctx, tx, by, id, c.OrgID, orgPath, c.Checked(), false); err != nil {
			return 0, err
		}
	}
	r.add(orgPath, c.Status, 1)
	return id, nil
}

// Checked returns the skill fields of c as a SkillChange to record.
func (c checked) Checked() SkillChange {
	on := c.SkillDate
	return SkillChange{Level: c.SkillLevel, CertifiedOn: on, Body: c.SkillBody}
}

// recordSkill appends a skill-level change to the history, and to the
// activity ledger when ledger is set (see skillRow).
func (s *Service) recordSkill(ctx context.Context, tx *db.Tx, by *auth.Actor, personID int64, orgID int64, orgPath string, sc SkillChange, ledger bool) error {
	return s.recordSkills(ctx, tx, by, []skillRow{{person: personID, org: orgID, path: orgPath, change: sc, ledger: ledger}}, s.now().UTC())
}

// writeTags makes the person's tag rows equal to tags (old is what is stored).
func writeTags(ctx context.Context, tx *db.Tx, id int64, old, tags []string) error {
	for _, t := range old {
		if !slices.Contains(tags, t) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM person_tags WHERE tag = $1 AND person_id = $2`, t, id); err != nil {
				return err
			}
		}
	}
	for _, t := range tags {
		if !slices.Contains(old, t) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO person_tags (tag, person_id) VALUES ($1, $2)`, t, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// Update changes a person's record. The organization may change only within
// the actor's write scope; moving a person elsewhere is a transfer, which
// the receiving organization approves.
func (s *Service) Update(ctx context.Context, by *auth.Actor, id int64, in Input) (*Person, error) {
	p, err := s.Get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.PersonWrite, p.OrgPath) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if in.OrgID == 0 {
		in.OrgID = p.OrgID
	}
	in.IDNumber, in.Phone = strings.TrimSpace(in.IDNumber), strings.TrimSpace(in.Phone)
	if in.IDNumber == "" || (in.Phone == "" && !in.ClearPhone) {
		number, phone, err := s.identifiers(ctx, id)
		if err != nil {
			return nil, err
		}
		if in.IDNumber == "" {
			in.IDNumber = number
		}
		if in.Phone == "" && !in.ClearPhone {
			in.Phone = phone
		}
	}
	c, f := check(in, s.now())
	if err := f.Err(); err != nil {
		return nil, err
	}
	o := &org.Org{ID: p.OrgID, Path: p.OrgPath}
	if c.OrgID != p.OrgID {
		if o, err = s.writableOrg(ctx, by, c.OrgID); err != nil {
			return nil, err
		}
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		old, err := byID(ctx, tx, id)
		if err != nil {
			return err
		}
		r := newRollup()
		if err := s.update(ctx, tx, by, old, c, o.Path, r); err != nil {
			return err
		}
		if err := r.apply(ctx, tx); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "person.update", ObjectType: "person", ObjectID: id, OrgID: o.ID,
			Summary: changedFields(old, c)})
	})
	if err != nil {
		return nil, uniqueErr(err)
	}
	return byID(ctx, s.db.R(), id)
}

// update rewrites old with c (already checked), keeping the skill history
// and rollups in step.
func (s *Service) update(ctx context.Context, tx *db.Tx, by *auth.Actor, old *Person, c checked, orgPath string, r rollup) error {
	db.BumpPeopleVersion(tx)
	phoneSealed, phoneHash, phoneMasked := s.sealPhone(c.Phone)
	if _, err := tx.ExecContext(ctx, `UPDATE people SET org_id = $1, org_path = $2, name = $3, initials = $4, gender = $5,
		birth_date = $6, id_sealed = $7, id_hash = $8, id_masked = $9, phone_sealed = $10, phone_hash = $11, phone_masked = $12,
		email = $13, ethnicity = $14, education = $15, political = $16, league_joined = $17, employer = $18, job = $19,
		trade = $20, skill_level = $21, title = $22, tags = $23, status = $24, notes = $25, updated_at = $26 WHERE id = $27`,
		c.OrgID, orgPath, c.Name, Initials(c.Name), c.Gender, c.BirthDate,
		s.seal.Seal(fieldID, c.IDNumber), s.IDIndex(c.IDNumber), pii.MaskID(c.IDNumber), phoneSealed, phoneHash, phoneMasked,
		c.Email, c.Ethnicity, c.Education, c.Political, c.LeagueJoined, c.Employer, c.Job, c.Trade, c.SkillLevel, c.Title,
		tagColumn(c.Tags), c.Status, c.Notes, s.now().UTC(), old.ID); err != nil {
		return err
	}
	if err := writeTags(ctx, tx, old.ID, old.Tags, c.Tags); err != nil {
		return err
	}
	if c.SkillLevel != old.SkillLevel && c.SkillLevel > 0 {
		if err := s.recordSkill(ctx, tx, by, old.ID, c.OrgID, orgPath, c.Checked(), true); err != nil {
			return err
		}
	}
	if old.OrgPath != orgPath || old.Status != c.Status {
		r.add(old.OrgPath, old.Status, -1)
		r.add(orgPath, c.Status, 1)
	}
	return nil
}

// changedFields names the fields an update changed, for the audit summary.
// Identifiers are named, never shown.
func changedFields(old *Person, c checked) string {
	var out []byte
	add := func(name string, changed bool) {
		if changed {
			if len(out) > 0 {
				out = append(out, ',')
			}
			out = append(out, name...)
		}
	}
	add("org", old.OrgID != c.OrgID)
	add("name", old.Name != c.Name)
	add("id_number", old.IDMasked != pii.MaskID(c.IDNumber))
	add("phone", old.PhoneMasked != pii.MaskMobile(c.Phone) && !(old.PhoneMasked == "" && c.Phone == ""))
	add("political", old.Political != c.Political)
	add("trade", old.Trade != c.Trade)
	add("skill_level", old.SkillLevel != c.SkillLevel)
	add("tags", tagColumn(old.Tags) != tagColumn(c.Tags))
	add("status", old.Status != c.Status)
	if len(out) == 0 {
		return "fields=details"
	}
	return "fields=" + string(out)
}

// CertifySkill records, inside the caller's transaction, the skill level a
// person was certified at (a skill appraisal passed): the level on the
// record, the history and the growth record. The caller (the appraisal)
// has checked who may.
func (s *Service) CertifySkill(ctx context.Context, tx *db.Tx, by *auth.Actor, personID int64, level int, on, body string) error {
	p, err := byID(ctx, tx, personID)
	if err != nil {
		return err
	}
	db.BumpPeopleVersion(tx)
	if _, err := tx.ExecContext(ctx, `UPDATE people SET skill_level = $1, updated_at = $2 WHERE id = $3`, level, s.now().UTC(), p.ID); err != nil {
		return err
	}
	return s.recordSkill(ctx, tx, by, p.ID, p.OrgID, p.OrgPath, SkillChange{Level: level, CertifiedOn: on, Body: body}, true)
}
