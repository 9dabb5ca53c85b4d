package person

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime/debug"
	"time"
	"unicode/utf8"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
	"qinggong/internal/sheet"
)

// Job is an import: the uploaded file, its dry-run report and progress.
type Job struct {
	ID        int64  `json:"id"`
	UserID    int64  `json:"-"`
	OrgID     int64  `json:"-"`
	FileName  string `json:"file_name"`
	Status    string `json:"status"`
	Total     int    `json:"total"`    // data rows in the file
	Accepted  int    `json:"accepted"` // rows that pass every check
	Rejected  int    `json:"rejected"`
	Done      int    `json:"done"` // rows processed so far in the current phase
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"` // re-imported rows identical to the record
	Transfers int    `json:"transfers"` // transfer requests made for people the file places elsewhere
	// The dry run's promise: what confirming will do, row by row (the
	// write checks again, and does exactly that if nothing changed since).
	PlanCreated   int        `json:"plan_created"`
	PlanUpdated   int        `json:"plan_updated"`
	PlanUnchanged int        `json:"plan_unchanged"`
	PlanTransfers int        `json:"plan_transfers"`
	ClearEmpty    bool       `json:"clear_empty"`     // empty cells clear the field they stand in
	Error         string     `json:"error,omitempty"` // catalog key when Status is failed
	CreatedAt     time.Time  `json:"created_at"`
	FinishedAt    *time.Time `json:"finished_at,omitempty"`
}

// Job states: checking → checked → importing → done; failed or discarded
// end a job early.
const (
	JobChecking  = "checking"
	JobChecked   = "checked"
	JobImporting = "importing"
	JobDone      = "done"
	JobFailed    = "failed"
	JobDiscarded = "discarded"
)

// Running reports whether a background phase is still at work.
func (j *Job) Running() bool { return j.Status == JobChecking || j.Status == JobImporting }

// MaxImportBytes is the largest file accepted.
const MaxImportBytes = 50 << 20

// importBatch is how many rows one import transaction writes. The more
// rows a batch holds, the more of them share each index leaf it dirties,
// and every dirtied page is written to the WAL once per commit: with the
// district-led indexes, 10,000 rows took SQLite's database phase from
// some 12,900 to 15,500 rows/s against 5,000 (docs/PERFORMANCE.md,
// session 5). Their dirty pages (some 45 MB) nearly fit the writer's
// 64 MiB page cache; a bigger one gained 2–3 % more, not worth its memory.
const importBatch = 10000

const jobColumns = `id, user_id, org_id, file_name, status, total, accepted, rejected, done, created, updated, unchanged, transfers,
	plan_created, plan_updated, plan_unchanged, plan_transfers, clear_empty, error, created_at, finished_at`

func scanJob(sc interface{ Scan(...any) error }, j *Job) error {
	return sc.Scan(&j.ID, &j.UserID, &j.OrgID, &j.FileName, &j.Status, &j.Total, &j.Accepted, &j.Rejected, &j.Done,
		&j.Created, &j.Updated, &j.Unchanged, &j.Transfers, &j.PlanCreated, &j.PlanUpdated, &j.PlanUnchanged, &j.PlanTransfers,
		&j.ClearEmpty, &j.Error, &j.CreatedAt, &j.FinishedAt)
}

// ImportOptions are the importer's choices for one file.
type ImportOptions struct {
	// ClearEmpty makes an empty cell in a column the file has clear that
	// field of a registered person; by default it leaves the field as it is.
	ClearEmpty bool `json:"clear_empty"`
}

// StartImport stores an uploaded file and starts its dry run in the
// background. Files that are not .xlsx or .csv tables, too large, zip
// bombs or without the required columns are refused before any row is read.
func (s *Service) StartImport(ctx context.Context, by *auth.Actor, fileName string, data []byte, opt ImportOptions) (*Job, error) {
	if !by.HasAnywhere(auth.PersonWrite) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	fileName = cleanFileName(fileName)
	if len(data) > MaxImportBytes {
		return nil, (errs.Fields{"file": sheet.ErrTooLarge.Error()}).Err()
	}
	estimate, err := probe(fileName, data)
	if err != nil {
		return nil, err
	}
	var j Job
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// Until the dry run has counted them, total is the file's own
		// estimate of its rows, for the progress bar.
		err := scanJob(tx.QueryRowContext(ctx, `INSERT INTO import_jobs (user_id, org_id, file_name, status, clear_empty, total, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+jobColumns, by.UserID, by.OrgID, fileName, JobChecking, opt.ClearEmpty,
			estimate, s.now().UTC()), &j)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO import_files (job_id, data) VALUES ($1, $2)`, j.ID, data); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "person.import.upload", ObjectType: "import", ObjectID: j.ID,
			OrgID: by.OrgID, Summary: fmt.Sprintf("bytes=%d clear_empty=%t", len(data), opt.ClearEmpty)})
	})
	if err != nil {
		return nil, err
	}
	s.background(ctx, j.ID, func(ctx context.Context) { s.runCheck(ctx, by, j.ID) })
	return &j, nil
}

// probe opens the file and reads its header: type, size, bomb and column
// checks, as field messages on "file". It returns the file's estimate of
// its rows.
func probe(fileName string, data []byte) (int, error) {
	r, err := sheet.Open(fileName, bytes.NewReader(data), int64(len(data)), sheet.Limits{MaxFileBytes: MaxImportBytes})
	if err != nil {
		return 0, fileErr(err)
	}
	defer r.Close()
	if _, missing := headerMap(r.Header()); len(missing) > 0 {
		// Each missing column is named as a field of its own (column.<field>),
		// so that the page and the API's problem details list just those.
		f := errs.Fields{"file": "err.import_columns"}
		for field, key := range missing {
			f["column."+field] = key
		}
		return 0, f.Err()
	}
	return r.Estimate(), nil
}

var sheetErrors = []error{sheet.ErrFileType, sheet.ErrTooLarge, sheet.ErrZipBomb, sheet.ErrTooManyRows, sheet.ErrNoHeader, sheet.ErrCorrupt}

// fileErr turns a sheet error into a field message on "file".
func fileErr(err error) error {
	for _, e := range sheetErrors {
		if errors.Is(err, e) {
			return (errs.Fields{"file": e.Error()}).Err()
		}
	}
	return (errs.Fields{"file": sheet.ErrCorrupt.Error()}).Err()
}

// cleanFileName keeps the base name, printable and at most 100 characters.
func cleanFileName(name string) string {
	name = filepath.Base(filepath.ToSlash(name))
	if !utf8.ValidString(name) || !printable(name) {
		name = "upload"
	}
	if r := []rune(name); len(r) > 100 {
		name = string(r[len(r)-100:])
	}
	return name
}

// background runs fn on its own context carrying the request's audit
// metadata, so that work outlives the request but is still attributed.
func (s *Service) background(ctx context.Context, job int64, fn func(context.Context)) {
	bg := audit.WithMeta(context.Background(), audit.MetaFrom(ctx))
	s.jobs.Add(1)
	go func() {
		defer s.jobs.Done()
		defer func() {
			// A bug in one import fails that import, not the server.
			if p := recover(); p != nil {
				slog.ErrorContext(bg, "import panicked", "job", job, "panic", p, "stack", string(debug.Stack()))
				s.fail(bg, job, "err.import_failed")
			}
		}()
		fn(bg)
	}()
}

// WaitImports waits for running background phases (tests, shutdown).
func (s *Service) WaitImports() { s.jobs.Wait() }

// ImportJob returns an import of the actor's (others' imports are NotFound).
func (s *Service) ImportJob(ctx context.Context, by *auth.Actor, id int64) (*Job, error) {
	var j Job
	err := scanJob(s.db.R().QueryRowContext(ctx, `SELECT `+jobColumns+` FROM import_jobs WHERE id = $1`, id), &j)
	if errors.Is(err, db.ErrNoRows) || (err == nil && (by == nil || j.UserID != by.UserID)) {
		return nil, errs.ErrNotFound
	}
	return &j, err
}

// ImportJobs lists the actor's recent imports, newest first.
func (s *Service) ImportJobs(ctx context.Context, by *auth.Actor, limit int) ([]Job, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+jobColumns+` FROM import_jobs WHERE user_id = $1 ORDER BY id DESC LIMIT $2`, by.UserID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Job{}
	for rows.Next() {
		var j Job
		if err := scanJob(rows, &j); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// ConfirmImport starts writing a checked import in the background.
func (s *Service) ConfirmImport(ctx context.Context, by *auth.Actor, id int64) (*Job, error) {
	return s.advance(ctx, by, id, JobChecked, JobImporting, "person.import.confirm", func(ctx context.Context) { s.runImport(ctx, by, id) })
}

// DiscardImport drops a checked import and its file.
func (s *Service) DiscardImport(ctx context.Context, by *auth.Actor, id int64) (*Job, error) {
	return s.advance(ctx, by, id, JobChecked, JobDiscarded, "person.import.discard", nil)
}

// advance moves a job from one state to the next, audited, and starts fn.
func (s *Service) advance(ctx context.Context, by *auth.Actor, id int64, from, to, action string, fn func(context.Context)) (*Job, error) {
	if _, err := s.ImportJob(ctx, by, id); err != nil {
		return nil, err
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		set := ""
		args := []any{to, id, from}
		if to == JobDiscarded {
			set = `, finished_at = $4`
			args = append(args, s.now().UTC())
		}
		res, err := tx.ExecContext(ctx, `UPDATE import_jobs SET status = $1, done = 0`+set+` WHERE id = $2 AND status = $3`, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "err.import_state")
		}
		if to == JobDiscarded {
			if _, err := tx.ExecContext(ctx, `DELETE FROM import_files WHERE job_id = $1`, id); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: action, ObjectType: "import", ObjectID: id, OrgID: by.OrgID})
	})
	if err != nil {
		return nil, err
	}
	if fn != nil {
		s.background(ctx, id, fn)
	}
	return s.ImportJob(ctx, by, id)
}

// RecoverImports marks imports a stopped process left running as failed;
// a confirmed import's written batches stay (each was complete).
func (s *Service) RecoverImports(ctx context.Context) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE import_jobs SET status = $1, error = 'err.import_interrupted', finished_at = $2
			WHERE status IN ($3, $4)`, JobFailed, s.now().UTC(), JobChecking, JobImporting)
		if err != nil {
			return err
		}
		return dropEndedFiles(ctx, tx)
	})
}

// fail ends a job with a catalog key; the cause goes to the caller's log.
func (s *Service) fail(ctx context.Context, id int64, key string) {
	_ = s.db.InTx(context.WithoutCancel(ctx), func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE import_jobs SET status = $1, error = $2, finished_at = $3 WHERE id = $4`,
			JobFailed, key, s.now().UTC(), id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM import_files WHERE job_id = $1`, id)
		return err
	})
}

// dropEndedFiles deletes the uploaded files of jobs that can go no
// further: a roster is kept only while its import may still be confirmed
// (data minimisation).
func dropEndedFiles(ctx context.Context, tx *db.Tx) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM import_files WHERE job_id IN (SELECT id FROM import_jobs WHERE status IN ($1, $2, $3))`,
		JobDone, JobFailed, JobDiscarded)
	return err
}
