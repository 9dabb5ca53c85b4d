package person

import (
	"context"
	"encoding/json"

	"qinggong/internal/auth"
	"qinggong/internal/db"
)

// RowChange is what one row of an import does (or, in the dry run, will
// do) to a registered person: the fields it changes and any transfer it
// asks for.
type RowChange struct {
	Row        int      `json:"row"`
	PersonID   int64    `json:"person_id"`
	Name       string   `json:"name"`
	Changes    []Change `json:"changes"`
	TransferTo int64    `json:"transfer_to,omitempty"` // the receiving organization
	ToOrgName  string   `json:"transfer_to_name,omitempty"`
	Transfer   string   `json:"transfer,omitempty"` // requested or pending
}

// Import phases whose changes are kept.
const (
	phaseCheck  = "check"
	phaseImport = "import"
)

// saveChanges stores the batch's changes and transfers for the phase.
func saveChanges(ctx context.Context, tx *db.Tx, job int64, phase string, pl planned) error {
	var values [][]any
	for i, o := range pl.outs {
		if o.kind != outUpdate && o.transfer == "" {
			continue
		}
		ch := o.changes
		if ch == nil {
			ch = []Change{}
		}
		j, err := json.Marshal(ch)
		if err != nil {
			return err
		}
		var to int64
		if o.transfer != "" {
			to = pl.rows[i].c.OrgID
		}
		values = append(values, []any{job, phase, pl.rows[i].no, o.p.ID, o.next.Name, string(j), to, o.transfer})
	}
	return db.InsertRows(ctx, tx, `INSERT INTO import_changes (job_id, phase, row_no, person_id, name, changes, transfer_to, transfer) VALUES`,
		values, `ON CONFLICT DO NOTHING`, nil)
}

// ImportChanges is one page of an import's changes to registered people
// in row order after the given row: phase "check" lists what the dry run
// promised, "import" what the write did. The receiving organization of a
// transfer is named.
func (s *Service) ImportChanges(ctx context.Context, by *auth.Actor, id int64, phase string, after, limit int) ([]RowChange, error) {
	if _, err := s.ImportJob(ctx, by, id); err != nil {
		return nil, err
	}
	if phase != phaseImport {
		phase = phaseCheck
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT c.row_no, c.person_id, c.name, c.changes, c.transfer_to, COALESCE(o.name, ''),
		c.transfer FROM import_changes c LEFT JOIN orgs o ON o.id = c.transfer_to
		WHERE c.job_id = $1 AND c.phase = $2 AND c.row_no > $3 ORDER BY c.row_no LIMIT $4`, id, phase, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []RowChange{}
	for rows.Next() {
		var c RowChange
		var changes string
		if err := rows.Scan(&c.Row, &c.PersonID, &c.Name, &changes, &c.TransferTo, &c.ToOrgName, &c.Transfer); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(changes), &c.Changes); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
