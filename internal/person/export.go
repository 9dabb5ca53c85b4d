package person

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/org"
	"qinggong/internal/sheet"
)

// ExportLimit bounds one export; a larger list must be narrowed first.
const ExportLimit = 200000

// Export writes the people matching f in the actor's PersonExport scope as
// an .xlsx in the import template's columns (so a corrected export can be
// imported again). Identifiers are masked unless reveal is set, and then
// shown in full only for people in the actor's RevealPII scope; the caller
// must have checked the password. The file is complete and the export
// audited (filter and row count) before it is returned; the caller closes
// it, which removes it.
func (s *Service) Export(ctx context.Context, by *auth.Actor, f Filter, reveal bool) (*Exported, error) {
	if !by.HasAnywhere(auth.PersonExport) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if reveal && !by.HasAnywhere(auth.RevealPII) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	pl, err := s.resolve(ctx, by, auth.PersonExport, f)
	if err != nil {
		return nil, err
	}
	// A search reads its matches through its index, as the list's count
	// does (see searchOrder); the file is in path order whatever the list's.
	g := f
	g.Sort = ""
	if _, err := s.searchOrder(ctx, g, &pl); err != nil {
		return nil, err
	}
	var a db.Args
	where, err := s.conditions(f, pl, &a)
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp("", "qinggong-export-*.xlsx")
	if err != nil {
		return nil, err
	}
	file := &tempFile{tmp}
	n, err := s.writeExport(ctx, by, where, a, pl, reveal, file)
	if err == nil {
		err = s.db.InTx(ctx, func(tx *db.Tx) error {
			return s.audit.Record(ctx, tx, audit.Entry{Action: "person.export", ObjectType: "person", OrgID: by.OrgID,
				Summary: fmt.Sprintf("%s rows=%d reveal=%t", describe(f), n, reveal)})
		})
	}
	var size int64
	if err == nil {
		size, err = tmp.Seek(0, io.SeekCurrent)
	}
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		file.Close()
		return nil, err
	}
	return &Exported{ReadCloser: file, Size: size, Rows: n}, nil
}

// Exported is a finished export file; closing it removes it.
type Exported struct {
	io.ReadCloser
	Size int64
	Rows int
}

// tempFile removes itself when closed.
type tempFile struct{ *os.File }

func (t *tempFile) Close() error {
	err := t.File.Close()
	os.Remove(t.Name())
	return err
}

func (s *Service) writeExport(ctx context.Context, by *auth.Actor, where string, a db.Args, pl place, reveal bool, w io.Writer) (int, error) {
	if pl.empty() {
		where = "1 = 0"
	}
	// The import template's columns, so that an export can be corrected
	// and imported again: unchanged rows change nothing.
	header := TemplateHeader()
	widths := make([]float64, len(header))
	for i := range widths {
		widths[i] = 14
	}
	widths[fieldOrder("id_number")], widths[fieldOrder("org_name")] = 22, 30
	sw, err := sheet.NewWriter(w, "青年名册", header, widths)
	if err != nil {
		return 0, err
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+columns+`, id_sealed, phone_sealed FROM people WHERE `+where+
		` ORDER BY org_path, id LIMIT `+a.Add(ExportLimit+1), a.List()...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	orgs := map[int64]*org.Org{}
	n := 0
	for rows.Next() {
		var p Person
		var idSealed, phoneSealed []byte
		var tags string
		if err := rows.Scan(&p.ID, &p.OrgID, &p.OrgPath, &p.Name, &p.Initials, &p.Gender, &p.BirthDate, &p.IDMasked, &p.PhoneMasked,
			&p.Email, &p.Ethnicity, &p.Education, &p.Political, &p.LeagueJoined, &p.Employer, &p.Job, &p.Trade, &p.SkillLevel,
			&p.Title, &tags, &p.Status, &p.Notes, &p.UserID, &p.CreatedAt, &p.UpdatedAt, &idSealed, &phoneSealed); err != nil {
			return 0, err
		}
		if n++; n > ExportLimit {
			return 0, (errs.Fields{"export": "err.export_too_many"}).Err()
		}
		p.Tags = tagList(tags)
		id, phone := p.IDMasked, p.PhoneMasked
		if reveal && by.Can(auth.RevealPII, p.OrgPath) {
			if id, err = s.seal.Open(fieldID, idSealed); err != nil {
				return 0, err
			}
			if len(phoneSealed) > 0 {
				if phone, err = s.seal.Open(fieldPhone, phoneSealed); err != nil {
					return 0, err
				}
			}
		}
		o := orgs[p.OrgID]
		if o == nil {
			if o, err = s.orgs.FindByID(ctx, by, p.OrgID); err != nil {
				o = &org.Org{}
			}
			if len(orgs) < 50000 {
				orgs[p.OrgID] = o
			}
		}
		skill := ""
		if p.SkillLevel > 0 {
			skill = skillText[p.SkillLevel]
		}
		if err := sw.Row(p.Name, id, o.Code, o.Name, genderText[p.Gender], p.BirthDate, phone, p.Email, p.Ethnicity,
			p.Education, politicalText[p.Political], p.LeagueJoined, p.Employer, p.Job, p.Trade, skill, "", "",
			p.Title, tagText(p.Tags), statusText[p.Status], p.Notes); err != nil {
			return 0, err
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return n, sw.Close()
}

// skillText is a level as written on certificates.
var skillText = map[int]string{5: "五级/初级工", 4: "四级/中级工", 3: "三级/高级工", 2: "二级/技师", 1: "一级/高级技师"}

// The words exports use, as the import template does.
var (
	genderText    = map[string]string{Male: "男", Female: "女"}
	politicalText = map[string]string{League: "共青团员", Party: "中共党员", None: "群众"}
	statusText    = map[string]string{Active: "在册", AgedOut: "超龄离团", Left: "调离"}
)

func tagText(tags []string) string {
	out := make([]string, len(tags))
	for i, t := range tags {
		switch t {
		case TagMigrant:
			t = "外来务工青年"
		case TagBuilder:
			t = "青年建设者"
		}
		out[i] = t
	}
	return strings.Join(out, "，")
}

// describe writes a filter for the audit log. An ID-card or phone number
// searched for is named, never written.
func describe(f Filter) string {
	var b []string
	add := func(k, v string) {
		if v != "" && v != "0" {
			b = append(b, k+"="+v)
		}
	}
	add("under", strconv.FormatInt(f.Under, 10))
	add("region", strconv.FormatInt(f.Region, 10))
	q := f.search()
	switch {
	case looksLikeID(q):
		q = "<id_number>"
	case isDigits(q):
		q = "<digits>"
	}
	add("q", audit.Clean(clip(q, 20)))
	add("age_min", strconv.Itoa(f.AgeMin))
	add("age_max", strconv.Itoa(f.AgeMax))
	add("gender", f.Gender)
	add("political", f.Political)
	add("trade", audit.Clean(clip(f.Trade, 20)))
	add("skill_level", f.SkillLevel)
	add("tag", audit.Clean(clip(f.Tag, 20)))
	add("status", f.Status)
	if len(b) == 0 {
		return "filter=none"
	}
	return "filter:" + strings.Join(b, " ")
}
