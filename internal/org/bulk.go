package org

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/sheet"
)

// Bulk creation of organizations from a roster (.xlsx or .csv): a unit
// committee setting up its branches, a district its new units. The file
// is small (MaxBulkRows), so the dry run is computed on upload and shown
// whole; confirming sends the same file back and the plan is made again
// and written in one transaction: every organization of the file, or none.

// MaxBulkBytes and MaxBulkRows bound an organization file.
const (
	MaxBulkBytes = 2 << 20
	MaxBulkRows  = 5000
)

// bulkColumns are the template's columns: field, header, accepted aliases.
var bulkColumns = []struct {
	field, header string
	aliases       []string
	example       string
}{
	{"name", "组织名称", []string{"名称", "组织全称"}, "上海某某机械有限公司团委"},
	{"short_name", "简称", []string{"组织简称"}, "某某机械团委"},
	{"code", "组织编码", []string{"编码"}, "SH-PD-0101"},
	{"level", "层级", []string{"组织层级", "级别"}, "基层团委"},
	{"parent", "上级组织", []string{"上级组织编码", "上级组织名称", "上级"}, "SH-PD"},
}

// BulkTemplateHeader and BulkTemplateExample are the template's rows.
func BulkTemplateHeader() []string {
	out := make([]string, len(bulkColumns))
	for i, c := range bulkColumns {
		out[i] = c.header
	}
	return out
}

func BulkTemplateExample() []string {
	out := make([]string, len(bulkColumns))
	for i, c := range bulkColumns {
		out[i] = c.example
	}
	return out
}

// levelWords reads a level as rosters write it.
var levelWords = map[string]string{
	"区团委": LevelDistrict, "区委": LevelDistrict, "系统团工委": LevelSystem, "系统团委": LevelSystem, "团工委": LevelSystem,
	"基层团委": LevelUnit, "团委": LevelUnit, "团总支": LevelGeneralBranch, "总支": LevelGeneralBranch, "团支部": LevelBranch, "支部": LevelBranch,
	LevelDistrict: LevelDistrict, LevelSystem: LevelSystem, LevelUnit: LevelUnit, LevelGeneralBranch: LevelGeneralBranch, LevelBranch: LevelBranch,
}

// BulkRow is one row of an organization file and what it will do: create
// the organization under Parent (an existing organization, or the
// organization of an earlier row, ParentRow), or be refused for Reasons.
type BulkRow struct {
	Row        int          `json:"row"`
	Input      Input        `json:"input"`
	Parent     string       `json:"parent"`      // as the file gives it
	ParentID   int64        `json:"parent_id"`   // an existing organization
	ParentRow  int          `json:"parent_row"`  // or an earlier row of the file
	ParentName string       `json:"parent_name"` // what Parent resolved to
	Reasons    []BulkReason `json:"reasons,omitempty"`
	Created    int64        `json:"created,omitempty"` // the new organization's ID, once written
}

// BulkReason is one field's problem: a catalog key and a detail (the
// candidates of an ambiguous name, the row a code first appeared in).
type BulkReason struct {
	Field string `json:"field"`
	Key   string `json:"key"`
	Arg   string `json:"arg,omitempty"`
}

// BulkPlan is a file checked: its rows in order and how many pass.
type BulkPlan struct {
	FileName string    `json:"file_name"`
	Rows     []BulkRow `json:"rows"`
	OK       int       `json:"ok"`
	Refused  int       `json:"refused"`
}

// PlanBulk checks an organization file against the tree without writing
// anything: the dry run. Every row must name its parent (by code or by
// name within the actor's OrgWrite scope, or an earlier row), a level that
// fits below it, and a code unused in the tree and in the file.
func (s *Service) PlanBulk(ctx context.Context, by *auth.Actor, fileName string, data []byte) (*BulkPlan, error) {
	if !by.HasAnywhere(auth.OrgWrite) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	return s.planBulk(ctx, s.db.R(), by, fileName, data)
}

// CreateBulk makes the plan again and, when every row passes, creates all
// the file's organizations in one transaction, each with its audit
// record, and one record for the file. A refused row refuses the file
// (errs.Invalid, with the plan to show why).
func (s *Service) CreateBulk(ctx context.Context, by *auth.Actor, fileName string, data []byte) (*BulkPlan, error) {
	if !by.HasAnywhere(auth.OrgWrite) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	var plan *BulkPlan
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		// Planned inside the transaction, so that what is checked is what
		// is written (SQLite's single writer and PostgreSQL's unique index
		// on code keep a concurrent creation from slipping in between).
		var err error
		if plan, err = s.planBulk(ctx, tx, by, fileName, data); err != nil {
			return err
		}
		if plan.Refused > 0 || plan.OK == 0 {
			return errs.E(errs.Invalid, "err.bulk_refused")
		}
		made := map[int]*Org{} // row → created organization
		for i := range plan.Rows {
			r := &plan.Rows[i]
			parent := made[r.ParentRow]
			if r.ParentID != 0 {
				if parent, err = byID(ctx, tx, r.ParentID); err != nil {
					return err
				}
			}
			id, err := s.insert(ctx, tx, parent, r.Input)
			if err != nil {
				return err
			}
			if made[r.Row], err = byID(ctx, tx, id); err != nil {
				return err
			}
			r.Created = id
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "org.bulk_create", ObjectType: "org", OrgID: by.OrgID,
			Summary: fmt.Sprintf("file=%s created=%d", audit.Clean(fileName), plan.OK)})
	})
	return plan, err
}

// planBulk reads and checks the file through q.
func (s *Service) planBulk(ctx context.Context, q db.Q, by *auth.Actor, fileName string, data []byte) (*BulkPlan, error) {
	if len(data) > MaxBulkBytes {
		return nil, (errs.Fields{"file": sheet.ErrTooLarge.Error()}).Err()
	}
	rd, err := sheet.Open(fileName, bytes.NewReader(data), int64(len(data)), sheet.Limits{MaxFileBytes: MaxBulkBytes, MaxRows: MaxBulkRows})
	if err != nil {
		return nil, bulkFileErr(err)
	}
	defer rd.Close()
	cols := map[string]int{}
	for i, h := range rd.Header() {
		h = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(h), "*"))
		for _, c := range bulkColumns {
			if _, dup := cols[c.field]; !dup && (h == c.header || h == c.field || slices.Contains(c.aliases, h)) {
				cols[c.field] = i
			}
		}
	}
	missing := errs.Fields{}
	for _, f := range []string{"name", "code", "level", "parent"} {
		if _, ok := cols[f]; !ok {
			missing["column."+f] = "err.import_column"
		}
	}
	if len(missing) > 0 {
		missing["file"] = "err.import_columns"
		return nil, missing.Err()
	}
	plan := &BulkPlan{FileName: fileName}
	p := planner{s: s, q: q, by: by, codes: map[string]int{}, names: map[string][]int{}, levels: map[int]string{}}
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, bulkFileErr(err)
		}
		r, err := p.row(ctx, row, cols)
		if err != nil {
			return nil, err
		}
		if len(r.Reasons) == 0 {
			plan.OK++
		} else {
			plan.Refused++
		}
		plan.Rows = append(plan.Rows, r)
	}
	return plan, nil
}

func bulkFileErr(err error) error {
	for _, e := range []error{sheet.ErrFileType, sheet.ErrTooLarge, sheet.ErrZipBomb, sheet.ErrTooManyRows, sheet.ErrNoHeader, sheet.ErrCorrupt} {
		if errors.Is(err, e) {
			return (errs.Fields{"file": e.Error()}).Err()
		}
	}
	return (errs.Fields{"file": sheet.ErrCorrupt.Error()}).Err()
}
