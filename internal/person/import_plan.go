package person

import (
	"context"
	"encoding/json"
	"strconv"

	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/pii"
)

// A row of an import may name someone already registered (the ID number
// matches). What it does to them is decided here, once, for the dry run and
// for the write alike, so that what the dry run lists is what the write
// does: only the fields the file gives change (present), an organization
// other than theirs becomes a transfer request for the receiving side to
// approve (never a move), and a row that changes nothing is left alone.

// fields is a set of template columns (bit i is Columns[i]).
type fields uint32

// allFields is every column: Bulk's rows, built in code, give them all.
var allFields = fields(1<<len(Columns) - 1)

func (f fields) has(field string) bool {
	i := fieldOrder(field)
	return i < len(Columns) && f&(1<<i) != 0
}

func (f *fields) add(field string) {
	if i := fieldOrder(field); i < len(Columns) {
		*f |= 1 << i
	}
}

// clearable are the fields an empty cell clears when the importer chose
// so. The others cannot be blank (name, ID number, organization), follow
// from the ID number (gender, birth date), or are certificates and states
// with a history of their own (skill level, status).
var clearable = map[string]bool{"phone": true, "email": true, "ethnicity": true, "education": true, "political": true,
	"league_joined": true, "employer": true, "job": true, "trade": true, "title": true, "tags": true, "notes": true}

// Change is one field of a registered person that a row changes: old and
// new as stored (codes for gender, political status and status; the masked
// form for the phone, whose value is never kept in a change).
type Change struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Row outcomes.
const (
	outCreate    = "create"
	outUpdate    = "update"
	outUnchanged = "unchanged"
)

// Transfer outcomes of a row naming another organization.
const (
	TransferRequested   = "requested" // a transfer request is (or will be) made
	TransferAlreadyOpen = "pending"   // one is pending already; no second request
)

// outcome is what writing one row does.
type outcome struct {
	kind     string
	p        *stored  // the registered person (update, unchanged)
	next     *Person  // their record after the row (update, unchanged)
	changes  []Change // update
	transfer string   // "" or a Transfer… outcome
}

// planRow decides what r does to p (nil: not registered). Fields outside
// r.present keep p's values; the organization never changes here.
func planRow(p *stored, r importRow, pending bool) outcome {
	if p == nil {
		return outcome{kind: outCreate}
	}
	c, next := r.c, p.Person
	var ch []Change
	set := func(field string, cur *string, v string) {
		if r.present.has(field) && *cur != v {
			ch = append(ch, Change{Field: field, Old: *cur, New: v})
			*cur = v
		}
	}
	set("name", &next.Name, c.Name)
	set("gender", &next.Gender, c.Gender)
	set("birth_date", &next.BirthDate, c.BirthDate)
	if r.present.has("phone") && p.phoneHash != r.phoneHash {
		ch = append(ch, Change{Field: "phone", Old: p.PhoneMasked, New: r.phoneMasked})
		next.PhoneMasked = r.phoneMasked
	}
	set("email", &next.Email, c.Email)
	set("ethnicity", &next.Ethnicity, c.Ethnicity)
	set("education", &next.Education, c.Education)
	set("political", &next.Political, c.Political)
	set("league_joined", &next.LeagueJoined, c.LeagueJoined)
	set("employer", &next.Employer, c.Employer)
	set("job", &next.Job, c.Job)
	set("trade", &next.Trade, c.Trade)
	if r.present.has("skill_level") && next.SkillLevel != c.SkillLevel {
		ch = append(ch, Change{Field: "skill_level", Old: strconv.Itoa(next.SkillLevel), New: strconv.Itoa(c.SkillLevel)})
		next.SkillLevel = c.SkillLevel
	}
	set("title", &next.Title, c.Title)
	if r.present.has("tags") && tagColumn(next.Tags) != tagColumn(c.Tags) {
		ch = append(ch, Change{Field: "tags", Old: joinTags(next.Tags), New: joinTags(c.Tags)})
		next.Tags = c.Tags
	}
	set("status", &next.Status, c.Status)
	set("notes", &next.Notes, c.Notes)
	if next.Name != p.Name {
		next.Initials = Initials(next.Name)
	}
	o := outcome{kind: outUpdate, p: p, next: &next, changes: ch}
	if len(ch) == 0 {
		o.kind = outUnchanged
	}
	if c.OrgID != p.OrgID {
		o.transfer = TransferRequested
		if pending {
			o.transfer = TransferAlreadyOpen
		}
	}
	return o
}

// planned is a batch decided: the outcome of every row in b.ok, in order,
// and the rows refused because the person is registered outside the
// actor's write scope (theirs to change; a transfer brings them over).
type planned struct {
	rows []importRow
	outs []outcome
	bad  []Reject
}

// planBatch decides a batch against the registry as q sees it: the read
// pool for the dry run, the write transaction for the import.
func planBatch(ctx context.Context, q db.Q, dialect db.Dialect, by *auth.Actor, rows []importRow) (planned, error) {
	var pl planned
	if len(rows) == 0 {
		return pl, nil
	}
	hashes := make([]pii.Hash, len(rows))
	for i := range rows {
		hashes[i] = rows[i].hash
	}
	old, err := existing(ctx, q, dialect, hashes)
	if err != nil {
		return pl, err
	}
	pl.rows, pl.outs = make([]importRow, 0, len(rows)), make([]outcome, 0, len(rows))
	var moving []int64
	for _, r := range rows {
		if p, ok := old[r.hash]; ok && p.OrgID != r.c.OrgID {
			moving = append(moving, p.ID)
		}
	}
	pending, err := pendingTransfers(ctx, q, dialect, moving)
	if err != nil {
		return pl, err
	}
	for _, r := range rows {
		p := old[r.hash]
		if p != nil && elsewhere(by, p) {
			pl.bad = append(pl.bad, elsewhereReject(r))
			continue
		}
		var open bool
		if p != nil {
			open = pending[p.ID]
		}
		pl.rows = append(pl.rows, r)
		pl.outs = append(pl.outs, planRow(p, r, open))
	}
	return pl, nil
}

// pendingTransfers reports which of the people have a transfer pending,
// in one statement whatever their number (as existing does).
func pendingTransfers(ctx context.Context, q db.Q, dialect db.Dialect, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	where, arg := `person_id = ANY($2)`, any(ids)
	if dialect != db.Postgres {
		j, err := json.Marshal(ids)
		if err != nil {
			return nil, err
		}
		where, arg = `person_id IN (SELECT value FROM json_each($2))`, string(j)
	}
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT person_id FROM transfers WHERE status = $1 AND `+where, TransferPending, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// counts tallies a planned batch.
type counts struct {
	created, updated, unchanged, transfers int
}

func (pl planned) counts() counts {
	var n counts
	for _, o := range pl.outs {
		switch o.kind {
		case outCreate:
			n.created++
		case outUpdate:
			n.updated++
		case outUnchanged:
			n.unchanged++
		}
		if o.transfer == TransferRequested {
			n.transfers++
		}
	}
	return n
}
