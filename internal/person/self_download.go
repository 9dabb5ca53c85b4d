package person

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"qinggong/internal/activity"
	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/sheet"
	"qinggong/internal/web"
)

// FullRecord is a person's record with the identifiers in full and the
// organization named: what the person sees of themselves in a download.
type FullRecord struct {
	Person
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
	OrgName  string `json:"org_name"`
}

// TimelineEntry is one growth-record entry as the API and downloads give it.
type TimelineEntry struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"`
	OrgID      int64     `json:"org_id"`
	RefType    string    `json:"ref_type"`
	RefID      int64     `json:"ref_id"`
	OccurredAt time.Time `json:"occurred_at"`
	Amount     int64     `json:"amount"`
}

// TimelineEntries converts ledger rows for output.
func TimelineEntries(rows []activity.Row) []TimelineEntry {
	out := make([]TimelineEntry, len(rows))
	for i, r := range rows {
		out[i] = TimelineEntry{r.ID, r.Kind, r.OrgID, r.RefType, r.RefID, r.OccurredAt.UTC(), r.Amount}
	}
	return out
}

// Download is everything the registry holds about one person (PIPL Art 45:
// access and copy), read in one snapshot.
//
// The audit rows about the person are not included: they describe staff
// (logins, roles, addresses), which is other people's information, and the
// log has no index by object, so reading them would scan it whole on every
// download. A person who asks who processed their data is answered by the
// auditor, who can search the log (SECURITY-CHECKLIST F9).
type Download struct {
	GeneratedAt time.Time       `json:"generated_at"`
	Record      FullRecord      `json:"record"`
	Skills      []SkillChange   `json:"skills"`
	Transfers   []Transfer      `json:"transfers"`
	Consents    []Consent       `json:"consents"`
	Timeline    []TimelineEntry `json:"timeline"`
	rows        []activity.Row  // the timeline as read, for the sheet's wording
}

// Download formats; each download is audited with its format.
const (
	FormatJSON = "json"
	FormatXLSX = "xlsx"
)

// DownloadOwn gathers everything held about the actor's own person and
// records that it was downloaded (before anything is sent: no record, no
// download).
func (s *Service) DownloadOwn(ctx context.Context, by *auth.Actor, format string) (*Download, error) {
	if format != FormatJSON && format != FormatXLSX {
		return nil, errs.ErrNotFound
	}
	var d Download
	err := s.db.ReadTx(ctx, func(q db.Q) error {
		p, err := s.selfIn(ctx, q, by)
		if err != nil {
			return err
		}
		d.Record.Person = *p
		var idSealed, phoneSealed []byte
		if err := q.QueryRowContext(ctx, `SELECT p.id_sealed, p.phone_sealed, o.name FROM people p JOIN orgs o ON o.id = p.org_id
			WHERE p.id = $1`, p.ID).Scan(&idSealed, &phoneSealed, &d.Record.OrgName); err != nil {
			return err
		}
		if d.Record.IDNumber, err = s.seal.Open(fieldID, idSealed); err != nil {
			return err
		}
		if len(phoneSealed) > 0 {
			if d.Record.Phone, err = s.seal.Open(fieldPhone, phoneSealed); err != nil {
				return err
			}
		}
		if d.Skills, err = skillHistory(ctx, q, p.ID); err != nil {
			return err
		}
		if d.Transfers, err = transfersOf(ctx, q, p.ID); err != nil {
			return err
		}
		if d.Consents, err = consentsOf(ctx, q, p.ID); err != nil {
			return err
		}
		for before := int64(0); ; {
			rows, err := activity.ForPerson(ctx, q, p.ID, before, 200)
			if err != nil {
				return err
			}
			d.rows = append(d.rows, rows...)
			if len(rows) < 200 {
				break
			}
			before = rows[len(rows)-1].ID
		}
		d.Timeline = TimelineEntries(d.rows)
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.GeneratedAt = s.now().UTC()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		return s.audit.Record(ctx, tx, audit.Entry{Action: "person.self_download", ObjectType: "person", ObjectID: d.Record.ID,
			OrgID: d.Record.OrgID, Summary: fmt.Sprintf("format=%s skills=%d transfers=%d consents=%d timeline=%d",
				format, len(d.Skills), len(d.Transfers), len(d.Consents), len(d.Timeline))})
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// skillHistory is a person's whole skill-level history, newest first.
func skillHistory(ctx context.Context, q db.Q, id int64) ([]SkillChange, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, level, certified_on, body, recorded_at FROM skill_changes
		WHERE person_id = $1 ORDER BY certified_on DESC, id DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []SkillChange{}
	for rows.Next() {
		var c SkillChange
		if err := rows.Scan(&c.ID, &c.Level, &c.CertifiedOn, &c.Body, &c.RecordedAt); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// transfersOf is a person's whole transfer history, oldest first.
func transfersOf(ctx context.Context, q db.Q, id int64) ([]Transfer, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+transferColumns+transferFrom+` WHERE t.person_id = $1 ORDER BY t.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Transfer{}
	for rows.Next() {
		var t Transfer
		if err := scanTransfer(rows, &t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// writeDownloadSheet writes d as one sheet in the reader's language:
// section, item, value, date; identifiers in full (it is their own data).
func writeDownloadSheet(ctx context.Context, w io.Writer, d *Download) error {
	t := func(k string) string { return web.T(ctx, k) }
	sw, err := sheet.NewWriter(w, t("self.sheet"), []string{t("self.col_section"), t("self.col_item"), t("self.col_value"),
		t("self.col_date")}, []float64{16, 24, 40, 14})
	if err != nil {
		return err
	}
	p := &d.Record
	sec := t("self.sec_record")
	for _, f := range [][2]string{
		{"pf.name", p.Name}, {"pf.id_number", p.IDNumber}, {"pf.gender", t("gender." + p.Gender)}, {"pf.birth_date", p.BirthDate},
		{"pf.phone", p.Phone}, {"pf.email", p.Email}, {"pf.ethnicity", p.Ethnicity}, {"pf.education", p.Education},
		{"pf.political", t("political." + p.Political)}, {"pf.league_joined", p.LeagueJoined}, {"pf.org_id", p.OrgName},
		{"pf.employer", p.Employer}, {"pf.job", p.Job}, {"pf.trade", p.Trade}, {"pf.skill_level", skillLabel(ctx, p.SkillLevel)},
		{"pf.title", p.Title}, {"pf.tags", tagText(p.Tags)}, {"pf.status", t("status." + p.Status)}, {"pf.notes", p.Notes},
	} {
		if err := sw.Row(sec, t(f[0]), f[1], ""); err != nil {
			return err
		}
	}
	if err := sw.Row(sec, t("self.registered"), "", day(p.CreatedAt)); err != nil {
		return err
	}
	for _, s := range d.Skills {
		if err := sw.Row(t("person.skills"), skillLabel(ctx, s.Level), s.Body, s.CertifiedOn); err != nil {
			return err
		}
	}
	for _, x := range d.Transfers {
		if err := sw.Row(t("self.sec_transfers"), x.FromOrgName+" → "+x.ToOrgName, x.Reason+" ("+t("self.transfer_"+x.Status)+")",
			x.TransferDate); err != nil {
			return err
		}
	}
	for _, c := range d.Consents {
		state := t("self.consent_given")
		if c.WithdrawnAt != nil {
			state = t("self.consent_withdrawn_on") + " " + day(*c.WithdrawnAt)
		}
		if err := sw.Row(t("self.consents"), t("consent."+c.Purpose+".title")+" v"+c.Version, state, day(c.GrantedAt)); err != nil {
			return err
		}
	}
	for _, r := range d.rows {
		if err := sw.Row(t("person.record"), eventText(ctx, r), r.RefType+" "+strconv.FormatInt(r.RefID, 10), day(r.OccurredAt)); err != nil {
			return err
		}
	}
	return sw.Close()
}

// day is the date of t in Shanghai.
func day(t time.Time) string { return t.In(shanghai).Format(time.DateOnly) }
