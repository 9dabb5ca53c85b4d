package campaign

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/attach"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// A campaign's own nomination form: beyond the moral assessment and the
// achievements every nomination has, the organizer asks for what this
// selection needs (a competition result, a date of appointment, the
// honour's category, a scanned certificate …), each field with its kind,
// whether it is required and its limits.

// Field kinds.
const (
	FieldText   = "text"   // one line, at most Max characters (100 when 0)
	FieldLong   = "long"   // several lines, at most Max characters (2,000 when 0)
	FieldNumber = "number" // a whole number from Min to Max
	FieldDate   = "date"   // YYYY-MM-DD
	FieldChoice = "choice" // one of Choices
	FieldFile   = "file"   // a PDF, JPEG or PNG of at most MaxAttachment bytes, stored in the database
)

// FieldKinds lists the kinds in the order forms offer them.
var FieldKinds = []string{FieldText, FieldLong, FieldNumber, FieldDate, FieldChoice, FieldFile}

// FormField is one field of a campaign's nomination form.
type FormField struct {
	Key      string   `json:"key"`   // a-z, 0-9 and _, unique in the form
	Label    string   `json:"label"` // as the form shows it
	Kind     string   `json:"kind"`
	Required bool     `json:"required,omitempty"`
	Min      int      `json:"min,omitempty"`
	Max      int      `json:"max,omitempty"`
	Choices  []string `json:"choices,omitempty"`
	Hint     string   `json:"hint,omitempty"`
}

// SectorTarget asks for at least Min of the shortlist and the winners
// from one sector (界别): the unit type of the organization a nominee
// belongs to (state-owned, private, public institution …).
type SectorTarget struct {
	Sector string `json:"sector"`
	Min    int    `json:"min"`
}

var fieldKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,29}$`)

// checkForm checks a form definition (at most 20 fields).
func checkForm(fs []FormField, f *errs.Fields) {
	if len(fs) > 20 {
		f.Add("form", "err.form_many")
	}
	seen := map[string]bool{}
	for i, x := range fs {
		at := "form." + strconv.Itoa(i)
		switch {
		case !fieldKey.MatchString(x.Key) || seen[x.Key]:
			f.Add(at+".key", "err.form_key")
		case strings.TrimSpace(x.Label) == "" || utf8.RuneCountInString(x.Label) > 50:
			f.Add(at+".label", "err.form_label")
		case !slices.Contains(FieldKinds, x.Kind):
			f.Add(at+".kind", "err.choose")
		case x.Kind == FieldChoice && (len(x.Choices) == 0 || len(x.Choices) > 30):
			f.Add(at+".choices", "err.form_choices")
		case x.Min < 0 && x.Kind != FieldNumber, x.Max < 0, x.Max > 0 && x.Min > x.Max, x.Max > 100000:
			f.Add(at+".max", "err.invalid")
		}
		seen[x.Key] = true
	}
}

// checkAnswers checks a nomination's answers and files against the form,
// field by field (answers.<key>); it returns the answers kept (trimmed,
// only the form's fields) and the files cleaned.
func checkAnswers(fs []FormField, answers map[string]string, files map[string]*Attachment, f *errs.Fields) (map[string]string, map[string]Attachment) {
	kept, kf := map[string]string{}, map[string]Attachment{}
	for _, x := range fs {
		at := "answers." + x.Key
		if x.Kind == FieldFile {
			in := files[x.Key]
			if in == nil || len(in.Data) == 0 {
				if x.Required {
					f.Add(at, "err.required")
				}
				continue
			}
			a, bad := attach.Clean(in)
			switch bad {
			case "size":
				f.Add(at, "err.file_too_large")
			case "type":
				f.Add(at, "err.attachment_type")
			default:
				kf[x.Key] = a
			}
			continue
		}
		v := strings.TrimSpace(answers[x.Key])
		if v == "" {
			if x.Required {
				f.Add(at, "err.required")
			}
			continue
		}
		switch x.Kind {
		case FieldText, FieldLong:
			most := x.Max
			if most == 0 {
				most = map[string]int{FieldText: 100, FieldLong: 2000}[x.Kind]
			}
			if n := utf8.RuneCountInString(v); n > most || n < x.Min {
				f.Add(at, "err.too_long")
				continue
			}
		case FieldNumber:
			n, err := strconv.Atoi(v)
			if err != nil || n < x.Min || (x.Max > 0 && n > x.Max) {
				f.Add(at, "err.invalid")
				continue
			}
		case FieldDate:
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				f.Add(at, "err.date")
				continue
			}
		case FieldChoice:
			if !slices.Contains(x.Choices, v) {
				f.Add(at, "err.choose")
				continue
			}
		}
		kept[x.Key] = v
	}
	return kept, kf
}

// checkDates checks stage dates: known stages, real days, in stage order.
func checkDates(dates map[string]string, f *errs.Fields) {
	last := ""
	for _, st := range Stages {
		d, ok := dates[st]
		if !ok || d == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			f.Add("dates."+st, "err.date")
			continue
		}
		if d < last {
			f.Add("dates."+st, "err.dates_order")
		}
		last = d
	}
	for st := range dates {
		if stageIndex(st) < 0 {
			f.Add("dates."+st, "err.choose")
		}
	}
}

// checkSectors checks sector targets: known unit types, each once, at
// least one place each.
func checkSectors(ts []SectorTarget, sectors []string, f *errs.Fields) {
	seen := map[string]bool{}
	for i, t := range ts {
		if !slices.Contains(sectors, t.Sector) || seen[t.Sector] || t.Min < 1 || t.Min > 10000 {
			f.Add("sectors."+strconv.Itoa(i), "err.invalid")
		}
		seen[t.Sector] = true
	}
}

// SectorBalance is how a list (the shortlist, the winners) meets the
// campaign's sector targets.
type SectorBalance struct {
	Sector string `json:"sector"`
	Min    int    `json:"min"`
	Count  int    `json:"count"`
}

// balance counts the sectors of a list against the targets.
func balance(ts []SectorTarget, sectorOf func(yield func(string) bool)) []SectorBalance {
	n := map[string]int{}
	for s := range sectorOf {
		n[s]++
	}
	out := make([]SectorBalance, len(ts))
	for i, t := range ts {
		out[i] = SectorBalance{Sector: t.Sector, Min: t.Min, Count: n[t.Sector]}
	}
	return out
}

// sectorOf is the sector a nominee counts in: the unit type of the
// nearest organization on its path that has one.
func sectorOf(ctx context.Context, q db.Q, path string) (string, error) {
	a := &db.Args{}
	var in []string
	for _, id := range db.PathIDs(path) {
		in = append(in, a.Add(id))
	}
	if len(in) == 0 {
		return "", nil
	}
	var sector string
	err := q.QueryRowContext(ctx, `SELECT unit_type FROM orgs WHERE id IN (`+strings.Join(in, ", ")+`) AND unit_type <> ''
		ORDER BY depth DESC LIMIT 1`, a.List()...).Scan(&sector)
	if errors.Is(err, db.ErrNoRows) {
		return "", nil
	}
	return sector, err
}

// putFiles stores a nomination's files, replacing those of the same fields.
func putFiles(ctx context.Context, tx *db.Tx, nominationID int64, files map[string]Attachment) error {
	for key, a := range files {
		if _, err := tx.ExecContext(ctx, `DELETE FROM nomination_files WHERE nomination_id = $1 AND field = $2`, nominationID, key); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO nomination_files (nomination_id, field, name, type, size, data)
			VALUES ($1, $2, $3, $4, $5, $6)`, nominationID, key, a.Name, a.Type, len(a.Data), a.Data); err != nil {
			return err
		}
	}
	return nil
}

// FileInfo is an attached file without its content.
type FileInfo struct {
	Field string `json:"field"`
	Name  string `json:"name"`
	Type  string `json:"type"`
	Size  int    `json:"size"`
}

// files lists a nomination's attached files.
func files(ctx context.Context, q db.Q, nominationID int64) ([]FileInfo, error) {
	rows, err := q.QueryContext(ctx, `SELECT field, name, type, size FROM nomination_files WHERE nomination_id = $1 ORDER BY field`,
		nominationID)
	out := []FileInfo{}
	err = eachRow(rows, err, func(sc *sql.Rows) error {
		var x FileInfo
		err := sc.Scan(&x.Field, &x.Name, &x.Type, &x.Size)
		out = append(out, x)
		return err
	})
	return out, err
}

// File returns one attached file of a nomination the actor may read.
func (s *Service) File(ctx context.Context, by *auth.Actor, nominationID int64, field string) (*Attachment, error) {
	if _, err := s.History(ctx, by, nominationID); err != nil {
		return nil, err
	}
	var a Attachment
	err := s.db.R().QueryRowContext(ctx, `SELECT name, type, data FROM nomination_files WHERE nomination_id = $1 AND field = $2`,
		nominationID, field).Scan(&a.Name, &a.Type, &a.Data)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return &a, err
}

// Balance counts the sectors of the given nominations of a campaign
// against its targets (none without targets).
func (s *Service) Balance(ctx context.Context, c *Campaign, ids []int64) ([]SectorBalance, error) {
	if len(c.Sectors) == 0 || len(ids) == 0 {
		return balance(c.Sectors, func(func(string) bool) {}), nil
	}
	a := &db.Args{}
	in := make([]string, len(ids))
	for i, id := range ids {
		in[i] = a.Add(id)
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT sector FROM nominations WHERE campaign_id = `+a.Add(c.ID)+
		` AND id IN (`+strings.Join(in, ", ")+`)`, a.List()...)
	var sectors []string
	err = eachRow(rows, err, func(sc *sql.Rows) error {
		var x string
		err := sc.Scan(&x)
		sectors = append(sectors, x)
		return err
	})
	if err != nil {
		return nil, err
	}
	return balance(c.Sectors, slices.Values(sectors)), nil
}
