package org

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/sheet"
)

// planner checks the rows of one organization file in order, remembering
// the rows before so that a row may hang below an earlier one.
type planner struct {
	s      *Service
	q      db.Q
	by     *auth.Actor
	codes  map[string]int   // code → first row
	names  map[string][]int // full and short names → rows
	levels map[int]string   // row → level (of rows that pass)
}

func (p *planner) row(ctx context.Context, row sheet.Row, cols map[string]int) (BulkRow, error) {
	r := BulkRow{Row: row.No}
	bad := func(field, key, arg string) {
		r.Reasons = append(r.Reasons, BulkReason{Field: field, Key: key, Arg: arg})
	}
	get := func(field string) string {
		i, ok := cols[field]
		if !ok || i >= len(row.Cells) {
			return ""
		}
		c := row.Cells[i]
		switch {
		case c.Formula:
			bad(field, "err.import_formula", "")
			return ""
		case c.TooLong:
			bad(field, "err.too_long", "")
			return ""
		}
		return strings.TrimSpace(c.Value)
	}
	level := get("level")
	r.Input = Input{Name: get("name"), ShortName: get("short_name"), Code: get("code"), Level: levelWords[level]}
	if r.Input.Level == "" {
		r.Input.Level = level // validate names it unknown
	}
	r.Parent = get("parent")
	parentLevel, err := p.parent(ctx, &r)
	if err != nil {
		return r, err
	}
	check := parentLevel
	if check == "" {
		check = LevelCity // the parent is unknown: its level cannot be judged, the rest can
	}
	for field, key := range r.Input.validate(check, p.s.nowUTC()) {
		if parentLevel != "" || key != "err.level_below" {
			bad(field, key, "")
		}
	}
	if c := r.Input.Code; c != "" {
		if first, dup := p.codes[c]; dup {
			bad("code", "err.bulk_code_duplicate", strconv.Itoa(first))
		} else {
			p.codes[c] = r.Row
			var n int
			if err := p.q.QueryRowContext(ctx, `SELECT count(*) FROM orgs WHERE code = $1`, c).Scan(&n); err != nil {
				return r, err
			}
			if n > 0 {
				bad("code", "err.code_taken", "")
			}
		}
	}
	slices.SortStableFunc(r.Reasons, func(a, b BulkReason) int { return bulkFieldOrder(a.Field) - bulkFieldOrder(b.Field) })
	if len(r.Reasons) == 0 {
		p.levels[r.Row] = r.Input.Level
		for _, n := range []string{r.Input.Name, r.Input.ShortName} {
			if n != "" {
				p.names[n] = append(p.names[n], r.Row)
			}
		}
	}
	return r, nil
}

// bulkFieldOrder sorts reasons in template column order.
func bulkFieldOrder(field string) int {
	for i, c := range bulkColumns {
		if c.field == field {
			return i
		}
	}
	return len(bulkColumns)
}

// parent resolves the row's parent and returns its level ("" when it
// cannot be resolved, with the reason added): a code, or a full or short
// name, of an earlier row of the file or of an active organization in
// the actor's OrgWrite scope. A name fitting several is refused with the
// candidates; organizations outside the scope are never matched or named.
func (p *planner) parent(ctx context.Context, r *BulkRow) (string, error) {
	bad := func(key, arg string) { r.Reasons = append(r.Reasons, BulkReason{Field: "parent", Key: key, Arg: arg}) }
	ref := r.Parent
	if ref == "" {
		bad("err.required", "")
		return "", nil
	}
	if row, ok := p.codes[ref]; ok {
		if lv, ok := p.levels[row]; ok {
			r.ParentRow, r.ParentName = row, ref
			return lv, nil
		}
		bad("err.bulk_parent_refused", strconv.Itoa(row))
		return "", nil
	}
	if rows := p.names[ref]; len(rows) == 1 {
		r.ParentRow, r.ParentName = rows[0], ref
		return p.levels[rows[0]], nil
	}
	var found []Org
	for _, col := range []string{"code", "name", "short_name"} {
		var err error
		if found, err = p.inScope(ctx, col, ref); err != nil {
			return "", err
		}
		if len(found) > 0 {
			break
		}
	}
	found = append(found, p.rowsNamed(ref)...)
	switch len(found) {
	case 0:
		bad("err.bulk_parent_unknown", "")
		return "", nil
	case 1:
		o := found[0]
		if !o.Active() {
			bad("err.parent_archived", "")
			return "", nil
		}
		r.ParentID, r.ParentName = o.ID, o.Name
		return o.Level, nil
	}
	names := make([]string, 0, 5)
	for _, o := range found[:min(len(found), 5)] {
		names = append(names, o.Name+"（"+o.Code+"）")
	}
	bad("err.org_ambiguous", strings.Join(names, "、"))
	return "", nil
}

// rowsNamed are the earlier rows named ref when more than one is (a
// name fitting one row was taken before the tree was asked).
func (p *planner) rowsNamed(ref string) []Org {
	var out []Org
	if rows := p.names[ref]; len(rows) > 1 {
		for _, row := range rows {
			out = append(out, Org{Name: ref, Code: "第" + strconv.Itoa(row) + "行"})
		}
	}
	return out
}

// inScope lists active or archived organizations in the actor's OrgWrite
// scope whose col (code, name or short_name: fixed names, each indexed)
// is v, at most 20.
func (p *planner) inScope(ctx context.Context, col, v string) ([]Org, error) {
	rows, err := p.q.QueryContext(ctx, `SELECT id, path, name, code, level, status FROM orgs WHERE `+col+` = $1 ORDER BY path LIMIT 200`, v)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Org
	for rows.Next() {
		var o Org
		if err := rows.Scan(&o.ID, &o.Path, &o.Name, &o.Code, &o.Level, &o.Status); err != nil {
			return nil, err
		}
		if p.by.Can(auth.OrgWrite, o.Path) && len(out) < 20 {
			out = append(out, o)
		}
	}
	return out, rows.Err()
}
