package person

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"qinggong/internal/activity"
	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/pii"
)

// importRow is a checked row ready to be written: its identifiers sealed,
// hashed and masked beforehand (prepare), off the writer's path.
type importRow struct {
	no      int
	c       checked
	orgPath string
	hash    pii.Hash // keyed hash of the ID number
	present fields   // the fields the row gives

	initials, idMasked    string
	idSealed, phoneSealed []byte
	phoneHash             pii.Hash
	phoneMasked           string
}

// prepare computes what writing r needs beyond the checked input.
func (s *Service) prepare(r importRow) importRow {
	c := r.c
	r.initials = Initials(c.Name)
	r.idSealed, r.idMasked = s.seal.Seal(fieldID, c.IDNumber), pii.MaskID(c.IDNumber)
	r.phoneSealed, r.phoneHash, r.phoneMasked = s.sealPhone(c.Phone)
	return r
}

// index computes what the dry run compares a row's phone by, without
// sealing it.
func (s *Service) index(r importRow) importRow {
	if r.c.Phone != "" {
		r.phoneHash, r.phoneMasked = s.PhoneIndex(r.c.Phone), pii.MaskMobile(r.c.Phone)
	}
	return r
}

// stored is what a batch needs to know of a person already registered.
type stored struct {
	Person
	phoneHash pii.Hash
}

// existing returns the registered people among hashes, by hash, in one
// statement whatever their number: the hashes go in as one argument (a
// JSON array of hexadecimal strings that json_each and unhex read on
// SQLite, a bytea[] on PostgreSQL), so the
// statement's text never changes. On PostgreSQL that also keeps the plan
// sound: pgx prepares every statement, and the generic plan of a lookup
// with 500 parameters, made while the demo loader was filling an empty
// table, was a sequential scan kept for the rest of the load (autovacuum
// is off on these machines, so no ANALYZE replanned it); `= ANY($1)` is
// planned as an index scan. Forcing custom plans instead cost a third of
// the import's time in planning.
func existing(ctx context.Context, q db.Q, dialect db.Dialect, hashes []pii.Hash) (map[pii.Hash]*stored, error) {
	out := make(map[pii.Hash]*stored, len(hashes))
	if len(hashes) == 0 {
		return out, nil
	}
	where, arg := `id_hash = ANY($1)`, any(nil)
	if dialect == db.Postgres {
		raw := make([][]byte, len(hashes))
		for i := range hashes {
			raw[i] = hashes[i][:]
		}
		arg = raw
	} else {
		j, err := json.Marshal(hexes(hashes))
		if err != nil {
			return nil, err
		}
		where, arg = `id_hash IN (SELECT unhex(value) FROM json_each($1))`, string(j)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+columns+`, id_hash, phone_hash FROM people WHERE `+where, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p stored
		var hash pii.Hash
		if err := scanPerson(rows, &p.Person, &hash, &p.phoneHash); err != nil {
			return nil, err
		}
		out[hash] = &p
	}
	return out, rows.Err()
}

// hexes writes hashes in hexadecimal, as SQLite's unhex reads them.
func hexes(hashes []pii.Hash) []string {
	out := make([]string, len(hashes))
	for i := range hashes {
		out[i] = hex.EncodeToString(hashes[i][:])
	}
	return out
}

// importColumns are the people columns an import writes, in the order
// writeBatch gives their values.
var importColumns = strings.Fields(`id org_id org_path name initials gender birth_date id_sealed id_hash id_masked
	phone_sealed phone_hash phone_masked email ethnicity education political league_joined employer job trade
	skill_level title tags status notes created_at updated_at`)

// source names where a batch's rows come from, for the audit records and
// the reason of the transfers it requests.
type source struct {
	job  int64  // the import job; 0 for Bulk
	file string // the uploaded file's name
}

func (src source) reason(row int) string {
	if src.job == 0 {
		return "批量登记"
	}
	return fmt.Sprintf("名册导入：%s 第 %d 行", src.file, row)
}

// writeBatch writes rows in tx as planBatch decides: ID numbers not yet
// registered are inserted; registered people get the fields their row
// gives (one audit record each, naming the fields) and, for another
// organization, a transfer request instead of a move; unchanged rows are
// left alone; rows for people registered outside the actor's write scope
// are refused (pl.bad). People counts go into r; skill levels into the
// history and the activity ledger.
func (s *Service) writeBatch(ctx context.Context, tx *db.Tx, by *auth.Actor, src source, rows []importRow, r rollup) (planned, error) {
	db.BumpPeopleVersion(tx)
	pl, err := planBatch(ctx, tx, tx.Dialect, by, rows)
	if err != nil {
		return pl, err
	}
	now := s.now().UTC()
	today := now.In(shanghai).Format(time.DateOnly)
	var fresh []importRow
	var skills []skillRow
	for i, o := range pl.outs {
		row := pl.rows[i]
		switch o.kind {
		case outCreate:
			fresh = append(fresh, row)
		case outUpdate:
			if err := s.updateImported(ctx, tx, o, row, now, r); err != nil {
				return pl, err
			}
			if err := s.audit.Record(ctx, tx, audit.Entry{Action: "person.import.update", ObjectType: "person", ObjectID: o.p.ID,
				OrgID: o.p.OrgID, Summary: fmt.Sprintf("job=%d row=%d fields=%s", src.job, row.no, fieldNames(o.changes))}); err != nil {
				return pl, err
			}
			if o.next.SkillLevel != o.p.SkillLevel && o.next.SkillLevel > 0 {
				skills = append(skills, skillRow{person: o.p.ID, org: o.p.OrgID, path: o.p.OrgPath, change: row.c.Checked(), ledger: true})
			}
		}
		if o.transfer == TransferRequested {
			if _, err := s.insertTransfer(ctx, tx, by, &o.p.Person, row.c.OrgID, row.orgPath, src.reason(row.no), today); err != nil {
				return pl, err
			}
		}
	}
	ids, err := db.NextIDs(ctx, tx, "people", len(fresh))
	if err != nil {
		return pl, err
	}
	values := make([][]any, len(fresh))
	var tagRows [][]any
	for i, row := range fresh {
		c := row.c
		values[i] = []any{ids[i], c.OrgID, row.orgPath, c.Name, row.initials, c.Gender, c.BirthDate,
			row.idSealed, row.hash, row.idMasked, row.phoneSealed, row.phoneHash, row.phoneMasked,
			c.Email, c.Ethnicity, c.Education, c.Political, c.LeagueJoined, c.Employer, c.Job, c.Trade, c.SkillLevel, c.Title,
			tagColumn(c.Tags), c.Status, c.Notes, now, now}
		r.add(row.orgPath, c.Status, 1)
		for _, t := range c.Tags {
			tagRows = append(tagRows, []any{t, ids[i]})
		}
		if c.SkillLevel > 0 {
			skills = append(skills, skillRow{person: ids[i], org: c.OrgID, path: row.orgPath, change: c.Checked()})
		}
	}
	if err := db.CopyRows(ctx, tx, "people", importColumns, values); err != nil {
		return pl, err
	}
	if err := db.CopyRows(ctx, tx, "person_tags", []string{"tag", "person_id"}, tagRows); err != nil {
		return pl, err
	}
	return pl, s.recordSkills(ctx, tx, by, skills, now)
}

// fieldNames lists the changed fields' names (never their values: a
// phone's is sealed, and the audit log is read by more eyes than the record).
func fieldNames(ch []Change) string {
	names := make([]string, len(ch))
	for i, c := range ch {
		names[i] = c.Field
	}
	return strings.Join(names, ",")
}

// updateImported writes o.next over the registered person: the
// organization stays (a transfer moves people), the phone is written only
// when the row gives it.
func (s *Service) updateImported(ctx context.Context, tx *db.Tx, o outcome, row importRow, now time.Time, r rollup) error {
	n := *o.next
	if _, err := tx.ExecContext(ctx, `UPDATE people SET name = $1, initials = $2, gender = $3, birth_date = $4, email = $5,
		ethnicity = $6, education = $7, political = $8, league_joined = $9, employer = $10, job = $11, trade = $12,
		skill_level = $13, title = $14, tags = $15, status = $16, notes = $17, updated_at = $18 WHERE id = $19`,
		n.Name, n.Initials, n.Gender, n.BirthDate, n.Email, n.Ethnicity, n.Education, n.Political, n.LeagueJoined, n.Employer,
		n.Job, n.Trade, n.SkillLevel, n.Title, tagColumn(n.Tags), n.Status, n.Notes, now, o.p.ID); err != nil {
		return err
	}
	if row.present.has("phone") && row.phoneHash != o.p.phoneHash {
		if _, err := tx.ExecContext(ctx, `UPDATE people SET phone_sealed = $1, phone_hash = $2, phone_masked = $3 WHERE id = $4`,
			row.phoneSealed, row.phoneHash, row.phoneMasked, o.p.ID); err != nil {
			return err
		}
	}
	if err := writeTags(ctx, tx, o.p.ID, o.p.Tags, n.Tags); err != nil {
		return err
	}
	if o.p.Status != n.Status {
		r.add(o.p.OrgPath, o.p.Status, -1)
		r.add(o.p.OrgPath, n.Status, 1)
	}
	return nil
}

// skillRow is a skill-level change to record for a person. A change is
// written to the activity ledger (and so the growth record) when it
// happens to someone registered; the level a person arrives with is only
// history.
type skillRow struct {
	person, org int64
	path        string
	change      SkillChange
	ledger      bool
}

// recordSkills appends skill changes to the history and, those marked so,
// to the ledger.
func (s *Service) recordSkills(ctx context.Context, tx *db.Tx, by *auth.Actor, skills []skillRow, now time.Time) error {
	if len(skills) == 0 {
		return nil
	}
	var uid int64
	if by != nil {
		uid = by.UserID
	}
	today := now.In(shanghai).Format(time.DateOnly)
	ids, err := db.NextIDs(ctx, tx, "skill_changes", len(skills))
	if err != nil {
		return err
	}
	values := make([][]any, len(skills))
	ref := make(map[int64]int64, len(skills)) // person → skill change (one per person per batch)
	for i := range skills {
		sk := &skills[i]
		if sk.change.CertifiedOn == "" {
			sk.change.CertifiedOn = today
		}
		values[i] = []any{ids[i], sk.person, sk.change.Level, sk.change.CertifiedOn, sk.change.Body, uid, now}
		ref[sk.person] = ids[i]
	}
	if err := db.CopyRows(ctx, tx, "skill_changes", []string{"id", "person_id", "level", "certified_on", "body", "recorded_by", "recorded_at"},
		values); err != nil {
		return err
	}
	var entries []activity.Entry
	paths := map[int64]string{}
	for _, sk := range skills {
		if !sk.ledger {
			continue
		}
		at, _ := time.ParseInLocation(time.DateOnly, sk.change.CertifiedOn, shanghai)
		paths[sk.org] = sk.path
		entries = append(entries, activity.Entry{OrgID: sk.org, PersonID: sk.person, Kind: KindSkill, RefType: "skill_change",
			RefID: ref[sk.person], OccurredAt: at, Amount: int64(sk.change.Level)})
	}
	if len(entries) == 0 {
		return nil
	}
	return activity.AddMany(ctx, tx, entries, paths)
}
