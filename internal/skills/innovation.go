package skills

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/attach"
	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// Innovations: QC-circle results and the five smalls, filed for one or
// several submitters of the organization's subtree, evaluated once at a
// level (which credits every submitter by that level's rule) and adopted
// or not.

// InnovationKinds are the kinds, in the document's order.
var InnovationKinds = []string{"qc", "invention", "creation", "improvement", "design", "suggestion"}

// InnovationTags mark innovations of energy saving and green manufacturing.
var InnovationTags = []string{"energy", "green"}

// EvaluationLevels are the levels an innovation is evaluated at.
var EvaluationLevels = []string{"unit", "industry", "city"}

// Innovation statuses.
const (
	InnovationSubmitted = "submitted"
	InnovationEvaluated = "evaluated"
)

// Innovation is one filed result.
type Innovation struct {
	ID          int64      `json:"id"`
	OrgID       int64      `json:"org_id"`
	OrgPath     string     `json:"-"`
	Kind        string     `json:"kind"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	BenefitYuan int64      `json:"benefit_yuan"` // claimed saving per year
	EnergyKWh   int64      `json:"energy_kwh"`   // claimed energy saved per year
	Tags        []string   `json:"tags"`
	Status      string     `json:"status"`
	Level       string     `json:"level,omitempty"`
	Adopted     bool       `json:"adopted"`
	Note        string     `json:"note,omitempty"`
	Submitters  []int64    `json:"submitters"`
	Names       []string   `json:"submitter_names"`
	Files       []FileInfo `json:"files"`
	CreatedAt   time.Time  `json:"created_at"`
	EvaluatedAt *time.Time `json:"evaluated_at,omitempty"`
}

// InnovationInput is a filing.
type InnovationInput struct {
	OrgID       int64    `json:"org_id"`
	Kind        string   `json:"kind"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	BenefitYuan int64    `json:"benefit_yuan"`
	EnergyKWh   int64    `json:"energy_kwh"`
	Tags        []string `json:"tags"`
	Submitters  []int64  `json:"submitters"`
	// Files are drawings, photos or reports: at most MaxInnovationFiles,
	// each a PDF, JPEG or PNG of at most attach.Max bytes.
	Files []*attach.File `json:"files,omitempty"`
}

// MaxInnovationFiles is how many files a filing may carry.
const MaxInnovationFiles = 5

// FileInfo is an attached file without its content.
type FileInfo struct {
	N    int    `json:"n"`
	Name string `json:"name"`
	Type string `json:"type"`
	Size int    `json:"size"`
}

const innovationColumns = `id, org_id, org_path, kind, title, description, benefit_yuan, energy_kwh, tags, status, level, adopted, note,
	created_at, evaluated_at`

func scanInnovation(sc interface{ Scan(...any) error }, x *Innovation) error {
	var tags string
	var evaluated sql.NullTime
	if err := sc.Scan(&x.ID, &x.OrgID, &x.OrgPath, &x.Kind, &x.Title, &x.Description, &x.BenefitYuan, &x.EnergyKWh, &tags, &x.Status,
		&x.Level, &x.Adopted, &x.Note, &x.CreatedAt, &evaluated); err != nil {
		return err
	}
	x.Tags = []string{}
	for _, t := range strings.Split(strings.Trim(tags, ","), ",") {
		if t != "" {
			x.Tags = append(x.Tags, t)
		}
	}
	if evaluated.Valid {
		x.EvaluatedAt = &evaluated.Time
	}
	return nil
}

// FileInnovation files an innovation for people of the organization's
// subtree, where the actor holds skills.manage.
func (s *Service) FileInnovation(ctx context.Context, by *auth.Actor, in InnovationInput) (*Innovation, error) {
	var f errs.Fields
	o, err := s.orgs.FindByID(ctx, by, in.OrgID)
	if err != nil || !by.Can(auth.SkillsManage, o.Path) {
		f.Add("org_id", "err.course_org")
	}
	if !slices.Contains(InnovationKinds, in.Kind) {
		f.Add("kind", "err.choose")
	}
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		f.Add("title", "err.required")
	case n > 100:
		f.Add("title", "err.too_long")
	}
	switch n := utf8.RuneCountInString(in.Description); {
	case n == 0:
		f.Add("description", "err.required")
	case n > 5000:
		f.Add("description", "err.too_long")
	}
	if in.BenefitYuan < 0 || in.BenefitYuan > 1e10 {
		f.Add("benefit_yuan", "err.invalid")
	}
	if in.EnergyKWh < 0 || in.EnergyKWh > 1e10 {
		f.Add("energy_kwh", "err.invalid")
	}
	for _, t := range in.Tags {
		if !slices.Contains(InnovationTags, t) {
			f.Add("tags", "err.choose")
		}
	}
	switch {
	case len(in.Submitters) == 0:
		f.Add("submitters", "err.required")
	case len(in.Submitters) > 20:
		f.Add("submitters", "err.too_many")
	}
	seen := map[int64]bool{}
	for i, pid := range in.Submitters {
		p, err := s.people.Get(ctx, by, pid)
		if err != nil || o == nil || !strings.HasPrefix(p.OrgPath, o.Path) || seen[pid] {
			f.Add(fmt.Sprintf("submitters.%d", i), "err.competition_member")
		}
		seen[pid] = true
	}
	var files []attach.File
	if len(in.Files) > MaxInnovationFiles {
		f.Add("files", "err.too_many")
	}
	for _, x := range in.Files {
		if x == nil || len(x.Data) == 0 {
			continue
		}
		c, bad := attach.Clean(x)
		switch bad {
		case "size":
			f.Add("files", "err.objection_file_size")
		case "type":
			f.Add("files", "err.objection_file_type")
		}
		files = append(files, c)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	slices.Sort(in.Tags)
	tags := ""
	if len(in.Tags) > 0 {
		tags = "," + strings.Join(slices.Compact(in.Tags), ",") + ","
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO innovations (org_id, org_path, kind, title, description, benefit_yuan, energy_kwh, tags,
			status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`, o.ID, o.Path, in.Kind, in.Title,
			in.Description, in.BenefitYuan, in.EnergyKWh, tags, InnovationSubmitted, by.UserID, s.now().UTC()).Scan(&id); err != nil {
			return err
		}
		for _, p := range in.Submitters {
			if _, err := tx.ExecContext(ctx, `INSERT INTO innovation_submitters (innovation_id, person_id) VALUES ($1, $2)`, id, p); err != nil {
				return err
			}
		}
		for i, a := range files {
			if _, err := tx.ExecContext(ctx, `INSERT INTO innovation_files (innovation_id, n, name, type, size, data) VALUES ($1, $2, $3, $4, $5, $6)`,
				id, i+1, a.Name, a.Type, len(a.Data), a.Data); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "innovation.file", ObjectType: "innovation", ObjectID: id, OrgID: o.ID,
			Summary: fmt.Sprintf("kind=%s submitters=%d files=%d", in.Kind, len(in.Submitters), len(files))})
	})
	if err != nil {
		return nil, err
	}
	return s.innovation(ctx, s.db.R(), id)
}

func (s *Service) innovation(ctx context.Context, q db.Q, id int64) (*Innovation, error) {
	var x Innovation
	err := scanInnovation(q.QueryRowContext(ctx, `SELECT `+innovationColumns+` FROM innovations WHERE id = $1`, id), &x)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT s.person_id, p.name FROM innovation_submitters s JOIN people p ON p.id = s.person_id
		WHERE s.innovation_id = $1 ORDER BY s.person_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var name string
		if err := rows.Scan(&pid, &name); err != nil {
			return nil, err
		}
		x.Submitters, x.Names = append(x.Submitters, pid), append(x.Names, name)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT n, name, type, size FROM innovation_files WHERE innovation_id = $1 ORDER BY n`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	x.Files = []FileInfo{}
	for rows.Next() {
		var fi FileInfo
		if err := rows.Scan(&fi.N, &fi.Name, &fi.Type, &fi.Size); err != nil {
			return nil, err
		}
		x.Files = append(x.Files, fi)
	}
	return &x, rows.Err()
}

// InnovationFile returns attached file n of an innovation the actor may read.
func (s *Service) InnovationFile(ctx context.Context, by *auth.Actor, id int64, n int) (*attach.File, error) {
	if _, err := s.Innovation(ctx, by, id); err != nil {
		return nil, err
	}
	var f attach.File
	err := s.db.R().QueryRowContext(ctx, `SELECT name, type, data FROM innovation_files WHERE innovation_id = $1 AND n = $2`, id, n).
		Scan(&f.Name, &f.Type, &f.Data)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return &f, err
}

// Innovation returns one to readers of its organization.
func (s *Service) Innovation(ctx context.Context, by *auth.Actor, id int64) (*Innovation, error) {
	x, err := s.innovation(ctx, s.db.R(), id)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.OrgRead, x.OrgPath) {
		return nil, errs.ErrNotFound
	}
	return x, nil
}

// Innovations lists those filed in the actor's OrgRead scope, newest
// first; tag narrows to one tag ("" for all).
func (s *Service) Innovations(ctx context.Context, by *auth.Actor, tag string) ([]Innovation, error) {
	a := &db.Args{}
	where := by.Scope(auth.OrgRead).Where("org_path", a)
	if tag != "" {
		if !slices.Contains(InnovationTags, tag) {
			return nil, (errs.Fields{"tag": "err.choose"}).Err()
		}
		where += " AND tags LIKE " + a.Add("%,"+tag+",%")
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+innovationColumns+` FROM innovations WHERE `+where+` ORDER BY id DESC LIMIT 100`, a.List()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Innovation{}
	for rows.Next() {
		var x Innovation
		if err := scanInnovation(rows, &x); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Evaluate records an innovation's evaluation, once: its level, whether it
// was adopted and a note; every submitter is credited by the level's rule
// in the same transaction.
func (s *Service) Evaluate(ctx context.Context, by *auth.Actor, id int64, level string, adopted bool, note string) (*Innovation, error) {
	x, err := s.Innovation(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.SkillsManage, x.OrgPath) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	note = strings.TrimSpace(note)
	var f errs.Fields
	if !slices.Contains(EvaluationLevels, level) {
		f.Add("level", "err.choose")
	}
	if utf8.RuneCountInString(note) > 1000 {
		f.Add("note", "err.too_long")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	rl, err := rule(ctx, s.db.R(), "innovation."+level)
	if err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE innovations SET status = $1, level = $2, adopted = $3, note = $4, evaluated_at = $5
			WHERE id = $6 AND status = $7`, InnovationEvaluated, level, adopted, note, s.now().UTC(), x.ID, InnovationSubmitted)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "err.innovation_evaluated")
		}
		var ps []posting
		for _, p := range x.Submitters {
			who, err := memberOf(ctx, tx, p)
			if err != nil {
				return err
			}
			if rl.Credits > 0 {
				ps = append(ps, posting{PersonID: p, OrgID: who.orgID, OrgPath: who.path, Trade: who.trade, IssuerID: x.OrgID, Category: SourceInnovation,
					Credits: rl.Credits, Source: SourceInnovation, SourceID: x.ID, Rule: rl.Code, Expires: s.expiry(rl)})
			}
		}
		if _, err := s.post(ctx, tx, by, ps); err != nil {
			return err
		}
		db.BumpCreditsVersion(tx) // the double climb reads evaluations, credited or not
		return s.audit.Record(ctx, tx, audit.Entry{Action: "innovation.evaluate", ObjectType: "innovation", ObjectID: x.ID, OrgID: x.OrgID,
			Summary: "level=" + level + " adopted=" + strconv.FormatBool(adopted)})
	})
	if err != nil {
		return nil, err
	}
	return s.innovation(ctx, s.db.R(), x.ID)
}
