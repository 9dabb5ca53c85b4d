package person

import (
	"context"
	"errors"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/db"
)

// orgRef is what row checks need of an organization.
type orgRef struct {
	id       int64
	path     string
	writable bool
}

// orgLookup is a roster's organization cell resolved: the organization,
// or why not (a catalog key, and for an ambiguous name its candidates).
type orgLookup struct {
	ref        orgRef
	field, key string
	arg        string
}

// orgs resolves the organization cells of one import, each distinct cell
// once.
type orgs struct {
	s      *Service
	by     *auth.Actor
	byCode map[string]orgRef
	byName map[string]orgLookup
}

func (s *Service) newOrgs(by *auth.Actor) *orgs {
	return &orgs{s: s, by: by, byCode: map[string]orgRef{}, byName: map[string]orgLookup{}}
}

// resolve finds the row's organization: by code when the roster gives
// one (a code is exact), else by name within the importer's write scope,
// the full name first, then the short name. Real rosters name the
// organization (所在组织) rather than its code.
func (o *orgs) resolve(ctx context.Context, code, name string) (orgLookup, error) {
	switch {
	case code != "":
		ref, err := o.code(ctx, code)
		if err != nil || ref.writable {
			return orgLookup{ref: ref}, err
		}
		return orgLookup{field: "org_code", key: "err.org_unknown"}, nil
	case name != "":
		return o.name(ctx, name)
	}
	return orgLookup{field: "org_code", key: "err.org_required"}, nil
}

// code resolves an organization code once per import.
func (o *orgs) code(ctx context.Context, code string) (orgRef, error) {
	if ref, ok := o.byCode[code]; ok {
		return ref, nil
	}
	var ref orgRef
	var status string
	err := o.s.db.R().QueryRowContext(ctx, `SELECT id, path, status FROM orgs WHERE code = $1`, code).Scan(&ref.id, &ref.path, &status)
	if err != nil && !errors.Is(err, db.ErrNoRows) {
		return orgRef{}, err
	}
	ref.writable = err == nil && status == "active" && o.by.Can(auth.PersonWrite, ref.path)
	if !ref.writable {
		ref = orgRef{}
	}
	if len(o.byCode) < 100000 {
		o.byCode[code] = ref
	}
	return ref, nil
}

// maxCandidates bounds the organizations an ambiguous name lists.
const maxCandidates = 5

// name resolves an organization name within the write scope: exactly one
// active organization of that full name, else of that short name.
// Organizations outside the scope are never matched or named.
func (o *orgs) name(ctx context.Context, name string) (orgLookup, error) {
	if l, ok := o.byName[name]; ok {
		return l, nil
	}
	var l orgLookup
	for _, col := range []string{"name", "short_name"} {
		found, err := o.named(ctx, col, name)
		if err != nil {
			return l, err
		}
		if len(found) == 1 {
			l = orgLookup{ref: orgRef{id: found[0].id, path: found[0].path, writable: true}}
			break
		}
		if len(found) > 1 {
			names := make([]string, 0, maxCandidates)
			for _, c := range found[:min(len(found), maxCandidates)] {
				names = append(names, c.label)
			}
			arg := strings.Join(names, "、")
			if len(found) > maxCandidates {
				arg += " …"
			}
			l = orgLookup{field: "org_name", key: "err.org_ambiguous", arg: arg}
			break
		}
	}
	if l.ref.id == 0 && l.key == "" {
		l = orgLookup{field: "org_name", key: "err.org_unknown_name"}
	}
	if len(o.byName) < 100000 {
		o.byName[name] = l
	}
	return l, nil
}

type candidate struct {
	id          int64
	path, label string
}

// named lists the active organizations in scope whose col is name; col
// is one of two fixed column names, both indexed.
func (o *orgs) named(ctx context.Context, col, name string) ([]candidate, error) {
	rows, err := o.s.db.R().QueryContext(ctx, `SELECT id, path, name, code FROM orgs WHERE `+col+` = $1 AND status = 'active'
		ORDER BY path LIMIT 200`, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		var c candidate
		var full, code string
		if err := rows.Scan(&c.id, &c.path, &full, &code); err != nil {
			return nil, err
		}
		if !o.by.Can(auth.PersonWrite, c.path) {
			continue
		}
		c.label = full
		if code != "" {
			c.label += "（" + code + "）"
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
