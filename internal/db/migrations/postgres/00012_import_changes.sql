-- +goose Up
-- A re-import changes only what its file gives (issue 14): the job keeps
-- whether empty cells clear a field, the dry run's counts beside the
-- write's, and every change a row makes or would make, field by field, in
-- import_changes (phase 'check' for the dry run, 'import' for the write),
-- so that the promise and the deed can be shown and compared.
ALTER TABLE import_jobs ADD COLUMN clear_empty BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE import_jobs ADD COLUMN plan_created BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import_jobs ADD COLUMN plan_updated BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import_jobs ADD COLUMN plan_unchanged BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import_jobs ADD COLUMN plan_transfers BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import_jobs ADD COLUMN transfers BIGINT NOT NULL DEFAULT 0;
CREATE TABLE import_changes (
    job_id      BIGINT NOT NULL REFERENCES import_jobs(id),
    phase       TEXT NOT NULL,
    row_no      BIGINT NOT NULL,
    person_id   BIGINT NOT NULL,
    name        TEXT NOT NULL,
    changes     TEXT NOT NULL,
    transfer_to BIGINT NOT NULL DEFAULT 0,
    transfer    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (job_id, phase, row_no)
);

-- +goose Down
SELECT 1;
