package org

import (
	"context"
	"fmt"
	"strings"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// Service reads and changes the organization tree and regions.
type Service struct {
	db    *db.DB
	audit *audit.Log
	now   func() time.Time
	cache orgCache
	// moveHooks run inside every move's transaction (see OnMove).
	moveHooks []func(context.Context, *db.Tx, Moved) error
	// factHooks add lines to organization pages (see OnFacts).
	factHooks []FactsFunc
}

// Moved describes a subtree move to the modules that keep paths or rollups
// of their own, such as the people registry.
type Moved struct {
	ID                           int64
	OldPath, NewPath             string // the moved organization's path before and after
	OldParentPath, NewParentPath string
}

// OnMove registers f to run inside every move's transaction, after the
// organization paths are rewritten; an error aborts the move. Register at
// wiring time only.
func (s *Service) OnMove(f func(ctx context.Context, tx *db.Tx, m Moved) error) {
	s.moveHooks = append(s.moveHooks, f)
}

// New returns a Service; now may be nil for time.Now.
func New(d *db.DB, a *audit.Log, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: d, audit: a, now: now}
}

func (s *Service) nowUTC() time.Time { return s.now().UTC() }

// RootName is the root organization of a fresh installation.
const RootName = "共青团上海市委"

// CreateRoot creates the root organization if the tree is empty and returns
// it either way (first start).
func (s *Service) CreateRoot(ctx context.Context) (*Org, error) {
	if r, err := s.Root(ctx); err == nil {
		return r, nil
	}
	in := Input{Name: RootName, ShortName: "团市委", Code: "SH", Level: LevelCity, District: "huangpu"}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = s.insert(ctx, tx, nil, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return byID(ctx, s.db.R(), id)
}

// insert writes a new organization under parent (nil for the root), bumps
// the ancestors' rollups and records the audit entry.
func (s *Service) insert(ctx context.Context, tx *db.Tx, parent *Org, in Input) (int64, error) {
	now := s.nowUTC()
	var parentID any
	prefix, depth := "/", 1
	if parent != nil {
		parentID, prefix, depth = parent.ID, parent.Path, parent.Depth+1
	}
	// The path holds the new ID, known only after the insert: write a
	// unique placeholder first, then the real path.
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO orgs (parent_id, path, depth, name, short_name, code, level, unit_type,
		district, address, contact, established, status, created_at, updated_at, initials, short_initials)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'active', $13, $13, $14, $15) RETURNING id`,
		parentID, "~new:"+in.Code, depth, in.Name, in.ShortName, in.Code, in.Level, in.UnitType, in.District,
		in.Address, in.Contact, in.Established, now, Initials(in.Name), Initials(in.ShortName)).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, (errs.Fields{"code": "err.code_taken"}).Err()
	}
	if err != nil {
		return 0, err
	}
	path := prefix + itoa(id) + "/"
	if _, err := tx.ExecContext(ctx, `UPDATE orgs SET path = $1 WHERE id = $2`, path, id); err != nil {
		return 0, err
	}
	if parent != nil {
		if err := bumpRollups(ctx, tx, parent, 1, 1); err != nil {
			return 0, err
		}
	}
	if err := db.BumpVersion(ctx, tx); err != nil {
		return 0, err
	}
	return id, s.audit.Record(ctx, tx, audit.Entry{Action: "org.create", ObjectType: "org", ObjectID: id, OrgID: id,
		Summary: fmt.Sprintf("name=%s code=%s level=%s parent=%d", audit.Clean(in.Name), in.Code, in.Level, parentOf(parent))})
}

// bumpRollups adds n to parent's children and n to the descendants of parent
// and every ancestor: O(depth), one statement each.
func bumpRollups(ctx context.Context, tx *db.Tx, parent *Org, children, n int) error {
	if _, err := tx.ExecContext(ctx, `UPDATE orgs SET children = children + $1 WHERE id = $2`, children, parent.ID); err != nil {
		return err
	}
	ids := db.PathIDs(parent.Path)
	args := []any{n}
	for _, id := range ids {
		args = append(args, id)
	}
	_, err := tx.ExecContext(ctx, `UPDATE orgs SET descendants = descendants + $1 WHERE id IN (`+db.Placeholders(2, len(ids))+`)`, args...)
	return err
}

// Create adds an organization under parentID. The actor needs OrgWrite on the parent.
func (s *Service) Create(ctx context.Context, by *auth.Actor, parentID int64, in Input) (*Org, error) {
	parent, err := byID(ctx, s.db.R(), parentID)
	if err != nil || !by.Can(auth.OrgRead, parent.Path) {
		return nil, errs.ErrNotFound
	}
	if !by.Can(auth.OrgWrite, parent.Path) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	f := in.validate(parent.Level, s.nowUTC())
	if !parent.Active() {
		f.Add("parent_id", "err.parent_archived")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// Re-read the parent inside the transaction: a concurrent move may have changed its path.
		p, err := byID(ctx, tx, parentID)
		if err != nil {
			return err
		}
		id, err = s.insert(ctx, tx, p, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return byID(ctx, s.db.R(), id)
}

// Update changes an organization's details (not its place in the tree).
func (s *Service) Update(ctx context.Context, by *auth.Actor, id int64, in Input) (*Org, error) {
	o, err := s.FindByID(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.OrgWrite, o.Path) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	parentLevel := ""
	if o.ParentID != 0 {
		p, err := byID(ctx, s.db.R(), o.ParentID)
		if err != nil {
			return nil, err
		}
		parentLevel = p.Level
	}
	f := in.validate(parentLevel, s.nowUTC())
	if in.Level != o.Level && o.Children > 0 {
		f.Add("level", "err.level_has_children")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE orgs SET name = $1, short_name = $2, code = $3, level = $4, unit_type = $5,
			district = $6, address = $7, contact = $8, established = $9, updated_at = $10, initials = $11, short_initials = $12
			WHERE id = $13`,
			in.Name, in.ShortName, in.Code, in.Level, in.UnitType, in.District, in.Address, in.Contact, in.Established, s.nowUTC(),
			Initials(in.Name), Initials(in.ShortName), id)
		if db.IsUniqueViolation(err) {
			return (errs.Fields{"code": "err.code_taken"}).Err()
		}
		if err != nil {
			return err
		}
		if err := db.BumpVersion(ctx, tx); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "org.update", ObjectType: "org", ObjectID: id, OrgID: id,
			Summary: diffSummary(o, in)})
	})
	if err != nil {
		return nil, err
	}
	return byID(ctx, s.db.R(), id)
}

func diffSummary(o *Org, in Input) string {
	var b strings.Builder
	pair := func(k, old, new string) {
		if old != new {
			fmt.Fprintf(&b, "%s: %q→%q; ", k, audit.Clean(old), audit.Clean(new))
		}
	}
	pair("name", o.Name, in.Name)
	pair("short_name", o.ShortName, in.ShortName)
	pair("code", o.Code, in.Code)
	pair("level", o.Level, in.Level)
	pair("unit_type", o.UnitType, in.UnitType)
	pair("district", o.District, in.District)
	pair("address", o.Address, in.Address)
	pair("contact", o.Contact, in.Contact)
	pair("established", o.Established, in.Established)
	if b.Len() == 0 {
		return "no change"
	}
	return strings.TrimSuffix(b.String(), "; ")
}

func parentOf(parent *Org) int64 {
	if parent == nil {
		return 0
	}
	return parent.ID
}
