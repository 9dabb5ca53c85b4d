package org

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// Region is a named set of organizations across reporting lines (区域化),
// owned by the organization that runs it; members lie in the owner's subtree.
type Region struct {
	ID          int64     `json:"id"`
	OrgID       int64     `json:"org_id"`
	OrgName     string    `json:"org_name"`
	OrgPath     string    `json:"org_path"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Members     int       `json:"members"`
	Status      string    `json:"status"` // "active" or "archived" (see ArchiveRegion)
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// RegionInput is what a user sets on a region.
type RegionInput struct {
	OrgID       int64  `json:"org_id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

const regionColumns = `r.id, r.org_id, o.name, o.path, r.name, r.description, r.members, r.status, r.created_at, r.updated_at`

func scanRegion(sc interface{ Scan(...any) error }, r *Region) error {
	return sc.Scan(&r.ID, &r.OrgID, &r.OrgName, &r.OrgPath, &r.Name, &r.Description, &r.Members, &r.Status, &r.CreatedAt, &r.UpdatedAt)
}

// Active reports whether the region is not archived.
func (r *Region) Active() bool { return r.Status != "archived" }

// FindRegionByID returns a region whose owner lies in the actor's RegionRead scope.
func (s *Service) FindRegionByID(ctx context.Context, by *auth.Actor, id int64) (*Region, error) {
	var r Region
	err := scanRegion(s.db.R().QueryRowContext(ctx, `SELECT `+regionColumns+` FROM regions r JOIN orgs o ON o.id = r.org_id WHERE r.id = $1`, id), &r)
	if errors.Is(err, db.ErrNoRows) || (err == nil && !by.Can(auth.RegionRead, r.OrgPath)) {
		return nil, errs.ErrNotFound
	}
	return &r, err
}

// RegionCursor is the keyset cursor after r in FindRegions' order: names
// are unique only per owner, so the ID breaks ties.
func RegionCursor(r Region) string { return strconv.FormatInt(r.ID, 10) + ":" + r.Name }

// FindRegions lists the active regions owned in the actor's RegionRead
// scope, by name then ID; after is a RegionCursor ("" for the first page).
func (s *Service) FindRegions(ctx context.Context, by *auth.Actor, after string, limit int) ([]Region, error) {
	return s.findRegions(ctx, by, "active", after, limit)
}

// FindArchivedRegions is FindRegions for the archived regions.
func (s *Service) FindArchivedRegions(ctx context.Context, by *auth.Actor, after string, limit int) ([]Region, error) {
	return s.findRegions(ctx, by, "archived", after, limit)
}

func (s *Service) findRegions(ctx context.Context, by *auth.Actor, status, after string, limit int) ([]Region, error) {
	var a db.Args
	where := by.Scope(auth.RegionRead).Where("o.path", &a) + " AND r.status = " + a.Add(status)
	if after != "" {
		idText, name, ok := strings.Cut(after, ":")
		id, err := strconv.ParseInt(idText, 10, 64)
		if !ok || err != nil {
			return nil, (errs.Fields{"after": "err.cursor"}).Err()
		}
		n := a.Add(name)
		where += " AND (r.name > " + n + " OR (r.name = " + n + " AND r.id > " + a.Add(id) + "))"
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+regionColumns+` FROM regions r JOIN orgs o ON o.id = r.org_id
		WHERE `+where+` ORDER BY r.name, r.id LIMIT `+a.Add(limit), a.List()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Region
	for rows.Next() {
		var r Region
		if err := scanRegion(rows, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (in *RegionInput) validate() errs.Fields {
	in.Name, in.Description = strings.TrimSpace(in.Name), strings.TrimSpace(in.Description)
	var f errs.Fields
	if in.Name == "" {
		f.Add("name", "err.required")
	} else if utf8.RuneCountInString(in.Name) > 60 {
		f.Add("name", "err.too_long")
	}
	if utf8.RuneCountInString(in.Description) > 500 {
		f.Add("description", "err.too_long")
	}
	return f
}

// CreateRegion creates a region owned by in.OrgID (RegionWrite there).
func (s *Service) CreateRegion(ctx context.Context, by *auth.Actor, in RegionInput) (*Region, error) {
	f := in.validate()
	owner, err := byID(ctx, s.db.R(), in.OrgID)
	if err != nil || !by.Can(auth.RegionWrite, owner.Path) {
		f.Add("org_id", "err.org_unknown")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.nowUTC()
		err := tx.QueryRowContext(ctx, `INSERT INTO regions (org_id, name, description, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $4) RETURNING id`, in.OrgID, in.Name, in.Description, now).Scan(&id)
		if db.IsUniqueViolation(err) {
			return (errs.Fields{"name": "err.name_taken"}).Err()
		}
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "region.create", ObjectType: "region", ObjectID: id, OrgID: in.OrgID,
			Summary: audit.Clean(in.Name)})
	})
	if err != nil {
		return nil, err
	}
	return s.FindRegionByID(ctx, by, id)
}

// UpdateRegion renames or redescribes a region (its owner does not change).
func (s *Service) UpdateRegion(ctx context.Context, by *auth.Actor, id int64, in RegionInput) (*Region, error) {
	r, err := s.writableRegion(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if err := in.validate().Err(); err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE regions SET name = $1, description = $2, updated_at = $3 WHERE id = $4`,
			in.Name, in.Description, s.nowUTC(), id)
		if db.IsUniqueViolation(err) {
			return (errs.Fields{"name": "err.name_taken"}).Err()
		}
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "region.update", ObjectType: "region", ObjectID: id, OrgID: r.OrgID,
			Summary: regionDiff(r, in)})
	})
	if err != nil {
		return nil, err
	}
	return s.FindRegionByID(ctx, by, id)
}

// regionDiff names what an update changes (the description only as changed).
func regionDiff(r *Region, in RegionInput) string {
	var parts []string
	if r.Name != in.Name {
		parts = append(parts, fmt.Sprintf("name: %q→%q", audit.Clean(r.Name), audit.Clean(in.Name)))
	}
	if r.Description != in.Description {
		parts = append(parts, "description changed")
	}
	if len(parts) == 0 {
		return "no change"
	}
	return strings.Join(parts, "; ")
}

func (s *Service) writableRegion(ctx context.Context, by *auth.Actor, id int64) (*Region, error) {
	r, err := s.FindRegionByID(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.RegionWrite, r.OrgPath) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	return r, nil
}

// AddMember puts an organization of the owner's subtree into the region.
func (s *Service) AddMember(ctx context.Context, by *auth.Actor, regionID, orgID int64) error {
	r, err := s.writableRegion(ctx, by, regionID)
	if err != nil {
		return err
	}
	if !r.Active() {
		return errs.E(errs.Conflict, "err.region_archived")
	}
	o, err := byID(ctx, s.db.R(), orgID)
	if err != nil || !strings.HasPrefix(o.Path, r.OrgPath) || !by.Can(auth.OrgRead, o.Path) {
		return (errs.Fields{"org_id": "err.region_member_outside"}).Err()
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO region_members (region_id, org_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			regionID, orgID, s.nowUTC())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return (errs.Fields{"org_id": "err.region_member_exists"}).Err()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE regions SET members = members + 1, updated_at = $1 WHERE id = $2`, s.nowUTC(), regionID); err != nil {
			return err
		}
		if err := db.BumpVersion(ctx, tx); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "region.member.add", ObjectType: "region", ObjectID: regionID, OrgID: r.OrgID,
			Summary: fmt.Sprintf("org=%d %s", orgID, audit.Clean(o.Name))})
	})
}

// RemoveMember takes an organization out of the region.
func (s *Service) RemoveMember(ctx context.Context, by *auth.Actor, regionID, orgID int64) error {
	r, err := s.writableRegion(ctx, by, regionID)
	if err != nil {
		return err
	}
	if !r.Active() {
		return errs.E(errs.Conflict, "err.region_archived")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM region_members WHERE region_id = $1 AND org_id = $2`, regionID, orgID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `UPDATE regions SET members = members - 1, updated_at = $1 WHERE id = $2`, s.nowUTC(), regionID); err != nil {
			return err
		}
		if err := db.BumpVersion(ctx, tx); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "region.member.remove", ObjectType: "region", ObjectID: regionID, OrgID: r.OrgID,
			Summary: fmt.Sprintf("org=%d", orgID)})
	})
}

// RegionMembers lists a region's member organizations by code, keyset-paged.
func (s *Service) RegionMembers(ctx context.Context, by *auth.Actor, regionID int64, after string, limit int) (Page, error) {
	if _, err := s.FindRegionByID(ctx, by, regionID); err != nil {
		return Page{}, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+prefixed("o.")+` FROM region_members m JOIN orgs o ON o.id = m.org_id
		WHERE m.region_id = $1 AND o.code > $2 ORDER BY o.code LIMIT $3`, regionID, after, limit+1)
	if err != nil {
		return Page{}, err
	}
	defer rows.Close()
	var p Page
	for rows.Next() {
		var o Org
		if err := scanOrg(rows, &o); err != nil {
			return Page{}, err
		}
		p.Orgs = append(p.Orgs, o)
	}
	if len(p.Orgs) > limit {
		p.Orgs = p.Orgs[:limit]
		p.Next = p.Orgs[limit-1].Code
	}
	return p, rows.Err()
}

// prefixed qualifies the org column list with a table alias.
func prefixed(alias string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		c = strings.TrimSpace(c)
		switch {
		case strings.HasPrefix(c, "COALESCE("):
			c = "COALESCE(" + alias + strings.TrimPrefix(c, "COALESCE(")
		case c[0] >= '0' && c[0] <= '9':
			// The default of COALESCE(parent_id, 0), split off by the comma: a literal.
		default:
			c = alias + c
		}
		cols[i] = c
	}
	return strings.Join(cols, ", ")
}

// RegionPaths returns the paths of a region's member organizations, for
// filtering other modules' lists by region. The region must be readable by
// the actor; the caller still intersects the paths with its own scope.
func (s *Service) RegionPaths(ctx context.Context, by *auth.Actor, regionID int64) ([]string, error) {
	if _, err := s.FindRegionByID(ctx, by, regionID); err != nil {
		return nil, err
	}
	return s.RegionMemberPaths(ctx, regionID)
}

// LastID is the organization ID at the end of a materialized path.
func LastID(path string) int64 {
	ids := db.PathIDs(path)
	if len(ids) == 0 {
		return 0
	}
	return ids[len(ids)-1]
}
