package person

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"qinggong/internal/activity"
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

// written is what a batch did.
type written struct {
	created, updated, unchanged int
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

// same reports whether writing r over p would change nothing.
func same(p *stored, r importRow) bool {
	c := r.c
	return p.OrgPath == r.orgPath && p.Name == c.Name && p.Gender == c.Gender && p.BirthDate == c.BirthDate &&
		p.phoneHash == r.phoneHash && p.Email == c.Email && p.Ethnicity == c.Ethnicity && p.Education == c.Education &&
		p.Political == c.Political && p.LeagueJoined == c.LeagueJoined && p.Employer == c.Employer && p.Job == c.Job &&
		p.Trade == c.Trade && p.SkillLevel == c.SkillLevel && p.Title == c.Title && tagColumn(p.Tags) == tagColumn(c.Tags) &&
		p.Status == c.Status && p.Notes == c.Notes
}

// writeBatch writes rows in tx: ID numbers not yet registered are
// inserted, registered ones updated, unchanged ones left alone, and rows
// for people registered outside the actor's write scope refused (returned
// as rejects). People counts go into r; skill levels into the history and
// the activity ledger.
func (s *Service) writeBatch(ctx context.Context, tx *db.Tx, by *auth.Actor, rows []importRow, r rollup) (written, []Reject, error) {
	var w written
	var bad []Reject
	db.BumpPeopleVersion(tx)
	hashes := make([]pii.Hash, len(rows))
	for i := range rows {
		hashes[i] = rows[i].hash
	}
	old, err := existing(ctx, tx, tx.Dialect, hashes)
	if err != nil {
		return w, nil, err
	}
	now := s.now().UTC()
	var fresh []importRow
	var skills []skillRow
	for _, row := range rows {
		p, ok := old[row.hash]
		switch {
		case !ok:
			fresh = append(fresh, row)
		case elsewhere(by, p):
			bad = append(bad, elsewhereReject(row))
		case same(p, row):
			w.unchanged++
		default:
			if err := s.updateImported(ctx, tx, &p.Person, row, now, r); err != nil {
				return w, nil, err
			}
			if row.c.SkillLevel != p.SkillLevel && row.c.SkillLevel > 0 {
				skills = append(skills, skillRow{person: p.ID, org: row.c.OrgID, path: row.orgPath, change: row.c.Checked(), ledger: true})
			}
			w.updated++
		}
	}
	ids, err := db.NextIDs(ctx, tx, "people", len(fresh))
	if err != nil {
		return w, nil, err
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
		return w, nil, err
	}
	if err := db.CopyRows(ctx, tx, "person_tags", []string{"tag", "person_id"}, tagRows); err != nil {
		return w, nil, err
	}
	w.created += len(fresh)
	return w, bad, s.recordSkills(ctx, tx, by, skills, now)
}

// updateImported rewrites a registered person from an import row.
func (s *Service) updateImported(ctx context.Context, tx *db.Tx, old *Person, row importRow, now time.Time, r rollup) error {
	c := row.c
	if _, err := tx.ExecContext(ctx, `UPDATE people SET org_id = $1, org_path = $2, name = $3, initials = $4, gender = $5,
		birth_date = $6, phone_sealed = $7, phone_hash = $8, phone_masked = $9, email = $10, ethnicity = $11, education = $12,
		political = $13, league_joined = $14, employer = $15, job = $16, trade = $17, skill_level = $18, title = $19, tags = $20,
		status = $21, notes = $22, updated_at = $23 WHERE id = $24`,
		c.OrgID, row.orgPath, c.Name, row.initials, c.Gender, c.BirthDate, row.phoneSealed, row.phoneHash, row.phoneMasked,
		c.Email, c.Ethnicity, c.Education, c.Political, c.LeagueJoined, c.Employer, c.Job, c.Trade, c.SkillLevel, c.Title,
		tagColumn(c.Tags), c.Status, c.Notes, now, old.ID); err != nil {
		return err
	}
	if err := writeTags(ctx, tx, old.ID, old.Tags, c.Tags); err != nil {
		return err
	}
	if old.OrgPath != row.orgPath || old.Status != c.Status {
		r.add(old.OrgPath, old.Status, -1)
		r.add(row.orgPath, c.Status, 1)
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
