package person

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"sort"
	"strconv"
	"time"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/pii"
	"qinggong/internal/sheet"
)

// Reject is a row refused, with every reason.
type Reject struct {
	Row     int      `json:"row"`
	Name    string   `json:"name"`
	Reasons []Reason `json:"reasons"`
}

// Reason is one field's problem: Key is a catalog key, Arg a detail (the
// row a duplicate first appeared in).
type Reason struct {
	Field string `json:"field"`
	Key   string `json:"key"`
	Arg   string `json:"arg,omitempty"`
}

// batch is a chunk of checked rows: those that pass, the rejects, and how
// many rows of the file it covers.
type batch struct {
	ok   []importRow
	bad  []Reject
	rows int
}

// scan reads the job's file and checks every row, handing fn the rows in
// batches of at most importBatch. It is the same for the dry run and the
// import, so what was promised is what is written (rows are checked again:
// the registry may have changed). Reading and checking run in their own
// goroutine one batch ahead of fn, so that parsing the next rows overlaps
// the database's work on the last ones.
//
// For an import (write), rows come prepared for writing as well.
func (s *Service) scan(ctx context.Context, by *auth.Actor, jobID int64, write bool, fn func(b batch) error) error {
	return pipe(ctx, func(ctx context.Context, emit func(batch) error) error {
		return s.read(ctx, by, jobID, write, emit)
	}, fn)
}

// pipe runs produce in a goroutine of its own, handing each batch it
// emits to consume, at most one batch ahead. The first error on either
// side stops both and is returned; a panic in produce becomes an error.
func pipe(ctx context.Context, produce func(ctx context.Context, emit func(batch) error) error, consume func(batch) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ch := make(chan batch)
	go func() {
		defer close(ch)
		defer func() {
			if p := recover(); p != nil {
				cancel(fmt.Errorf("import: panic: %v\n%s", p, debug.Stack()))
			}
		}()
		err := produce(ctx, func(b batch) error {
			select {
			case ch <- b:
				return nil
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		})
		if err != nil {
			cancel(err)
		}
	}()
	for b := range ch {
		if err := consume(b); err != nil {
			cancel(err)
			for range ch { // until the producer has seen the cancellation and stopped
			}
			return err
		}
	}
	return context.Cause(ctx)
}

// read does scan's reading and checking.
func (s *Service) read(ctx context.Context, by *auth.Actor, jobID int64, write bool, emit func(b batch) error) error {
	var name string
	var data []byte
	var clearEmpty bool
	if err := s.db.R().QueryRowContext(ctx, `SELECT j.file_name, j.clear_empty, f.data FROM import_jobs j
		JOIN import_files f ON f.job_id = j.id WHERE j.id = $1`, jobID).Scan(&name, &clearEmpty, &data); err != nil {
		return err
	}
	r, err := sheet.Open(name, bytes.NewReader(data), int64(len(data)), sheet.Limits{MaxFileBytes: MaxImportBytes})
	if err != nil {
		return err
	}
	defer r.Close()
	cols, f := headerMap(r.Header())
	if len(f) > 0 {
		return sheet.ErrNoHeader
	}
	orgs := s.newOrgs(by)
	seen := map[pii.Hash]int{} // ID hash → first row
	today := s.now()
	var b batch
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		b.rows++
		in, cell, given, fe := rowInput(row, cols, clearEmpty)
		org, err := orgs.resolve(ctx, cell.code, cell.name)
		if err != nil {
			return err
		}
		ref := org.ref
		in.OrgID = ref.id
		c, ce := check(in, today)
		var reasons []Reason
		if _, bad := fe[org.field]; org.key != "" && !bad {
			reasons = append(reasons, Reason{Field: org.field, Key: org.key, Arg: org.arg})
		}
		for k, v := range fe {
			reasons = append(reasons, Reason{Field: k, Key: v})
		}
		for k, v := range ce {
			if _, dup := fe[k]; !dup && k != "org_id" {
				reasons = append(reasons, Reason{Field: k, Key: v})
			}
		}
		var hash pii.Hash
		if _, bad := ce["id_number"]; !bad && c.IDNumber != "" {
			hash = s.IDIndex(c.IDNumber)
			if first, dup := seen[hash]; dup {
				reasons = append(reasons, Reason{Field: "id_number", Key: "err.import_duplicate", Arg: strconv.Itoa(first)})
			} else {
				seen[hash] = row.No
			}
		}
		if len(reasons) > 0 {
			sort.Slice(reasons, func(i, j int) bool { return fieldOrder(reasons[i].Field) < fieldOrder(reasons[j].Field) })
			b.bad = append(b.bad, Reject{Row: row.No, Name: clip(in.Name, 50), Reasons: reasons})
		} else {
			ok := importRow{no: row.No, c: c, orgPath: ref.path, hash: hash, present: given}
			if write {
				ok = s.prepare(ok)
			} else {
				ok = s.index(ok)
			}
			b.ok = append(b.ok, ok)
		}
		if b.rows >= importBatch {
			if err := emit(b); err != nil {
				return err
			}
			b = batch{}
		}
	}
	if b.rows == 0 {
		return nil
	}
	return emit(b)
}

// elsewhere reports whether p, registered, is outside the actor's write
// scope: that person is another organization's to change (a transfer
// brings them over), and an import row for them is refused.
func elsewhere(by *auth.Actor, p *stored) bool {
	return !by.Can(auth.PersonWrite, p.OrgPath)
}

func elsewhereReject(r importRow) Reject {
	return Reject{Row: r.no, Name: r.c.Name, Reasons: []Reason{{Field: "id_number", Key: "err.import_elsewhere"}}}
}

// fieldOrder sorts reasons in template column order.
func fieldOrder(field string) int {
	if i, ok := columnIndex[field]; ok {
		return i
	}
	return len(Columns)
}

// columnIndex is each field's place in Columns (rows look fields up per cell).
var columnIndex = func() map[string]int {
	m := make(map[string]int, len(Columns))
	for i, c := range Columns {
		m[c.field] = i
	}
	return m
}()

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// runCheck is the dry run: every row checked and decided against the
// registry as the import would (planBatch), the rejects and the changes to
// registered people stored, nothing else written.
func (s *Service) runCheck(ctx context.Context, by *auth.Actor, id int64) {
	total, accepted, rejected := 0, 0, 0
	var n counts
	err := s.scan(ctx, by, id, false, func(b batch) error {
		pl, err := planBatch(ctx, s.db.R(), s.db.Dialect, by, b.ok)
		if err != nil {
			return err
		}
		bad := append(b.bad, pl.bad...)
		total += b.rows
		accepted += len(pl.rows)
		rejected += len(bad)
		n = n.plus(pl.counts())
		return s.db.InTx(ctx, func(tx *db.Tx) error {
			if err := saveRejects(ctx, tx, id, bad); err != nil {
				return err
			}
			if err := saveChanges(ctx, tx, id, phaseCheck, pl); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE import_jobs SET done = $1 WHERE id = $2`, total, id)
			return err
		})
	})
	if err != nil {
		s.failed(ctx, id, "check", err)
		return
	}
	_ = s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE import_jobs SET status = $1, total = $2, accepted = $3, rejected = $4, done = $2,
			plan_created = $5, plan_updated = $6, plan_unchanged = $7, plan_transfers = $8
			WHERE id = $9 AND status = $10`, JobChecked, total, accepted, rejected, n.created, n.updated, n.unchanged, n.transfers,
			id, JobChecking)
		return err
	})
}

func (n counts) plus(m counts) counts {
	return counts{n.created + m.created, n.updated + m.updated, n.unchanged + m.unchanged, n.transfers + m.transfers}
}

// runImport writes the accepted rows, importBatch per transaction, each
// with its audit records, its changes and the job's progress. The people
// counts move with every batch (a few dozen upserts of deltas, not a
// rebuild), so each committed batch is complete on its own and the lists
// are right while an import runs.
func (s *Service) runImport(ctx context.Context, by *auth.Actor, id int64) {
	var file string
	if err := s.db.R().QueryRowContext(ctx, `SELECT file_name FROM import_jobs WHERE id = $1`, id).Scan(&file); err != nil {
		s.failed(ctx, id, "import", err)
		return
	}
	src := source{job: id, file: file}
	var n counts
	rows, rejected := 0, 0
	err := s.scan(ctx, by, id, true, func(b batch) error {
		start := time.Now()
		defer func() { importWriteHook(len(b.ok), time.Since(start)) }()
		return s.db.InTx(ctx, func(tx *db.Tx) error {
			r := newRollup()
			pl, err := s.writeBatch(ctx, tx, by, src, b.ok, r)
			if err != nil {
				return err
			}
			bad := append(b.bad, pl.bad...)
			if err := r.apply(ctx, tx); err != nil {
				return err
			}
			if err := saveRejects(ctx, tx, id, bad); err != nil {
				return err
			}
			if err := saveChanges(ctx, tx, id, phaseImport, pl); err != nil {
				return err
			}
			bn := pl.counts()
			rows += b.rows
			rejected += len(bad)
			n = n.plus(bn)
			if _, err := tx.ExecContext(ctx, `UPDATE import_jobs SET done = $1, created = $2, updated = $3, unchanged = $4,
				transfers = $5 WHERE id = $6`, rows, n.created, n.updated, n.unchanged, n.transfers, id); err != nil {
				return err
			}
			return s.audit.Record(ctx, tx, audit.Entry{Action: "person.import.batch", ObjectType: "import", ObjectID: id, OrgID: by.OrgID,
				Summary: fmt.Sprintf("rows=%d created=%d updated=%d unchanged=%d transfers=%d rejected=%d", b.rows, bn.created,
					bn.updated, bn.unchanged, bn.transfers, len(bad))})
		})
	})
	if err != nil {
		s.failed(ctx, id, "import", err)
		return
	}
	_ = s.db.InTx(ctx, func(tx *db.Tx) error {
		// The roster is not kept once imported (data minimisation).
		if _, err := tx.ExecContext(ctx, `DELETE FROM import_files WHERE job_id = $1`, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE import_jobs SET status = $1, total = $2, accepted = $3, rejected = $4, done = $2,
			finished_at = $5 WHERE id = $6`, JobDone, rows, rows-rejected, rejected, s.now().UTC(), id)
		return err
	})
}

// importWriteHook sees each import batch's write transaction: how many
// rows it wrote and how long it took (benchmarks measure the database
// phase with it).
var importWriteHook = func(rows int, took time.Duration) {}

// failed ends a job whose phase stopped: a file problem keeps its own
// message, anything else is logged and reported as a failure.
func (s *Service) failed(ctx context.Context, id int64, phase string, err error) {
	key := "err.import_failed"
	for _, e := range sheetErrors {
		if errors.Is(err, e) {
			key = e.Error()
		}
	}
	if key == "err.import_failed" {
		slog.ErrorContext(ctx, "import failed", "job", id, "phase", phase, "err", err)
	}
	s.fail(ctx, id, key)
}

// saveRejects stores rejects; a row already rejected keeps its reasons.
func saveRejects(ctx context.Context, tx *db.Tx, id int64, bad []Reject) error {
	values := make([][]any, len(bad))
	for i, r := range bad {
		reasons, _ := json.Marshal(r.Reasons)
		values[i] = []any{id, r.Row, r.Name, string(reasons)}
	}
	return db.InsertRows(ctx, tx, `INSERT INTO import_rejects (job_id, row_no, name, reasons) VALUES`, values, `ON CONFLICT DO NOTHING`, nil)
}

// ImportRejects is one page of an import's rejected rows in row order,
// after the given row number.
func (s *Service) ImportRejects(ctx context.Context, by *auth.Actor, id int64, after, limit int) ([]Reject, error) {
	if _, err := s.ImportJob(ctx, by, id); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT row_no, name, reasons FROM import_rejects WHERE job_id = $1 AND row_no > $2
		ORDER BY row_no LIMIT $3`, id, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Reject{}
	for rows.Next() {
		var r Reject
		var reasons string
		if err := rows.Scan(&r.Row, &r.Name, &reasons); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(reasons), &r.Reasons); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
