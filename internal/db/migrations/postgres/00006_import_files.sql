-- +goose Up
-- An import's uploaded file moves out of import_jobs into a table of its
-- own: every progress update of a job rewrote the row, and on SQLite a row
-- is rewritten whole, file included (megabytes per batch into the log).
CREATE TABLE import_files (
    job_id BIGINT PRIMARY KEY REFERENCES import_jobs(id),
    data   BYTEA NOT NULL
);
INSERT INTO import_files (job_id, data) SELECT id, file_data FROM import_jobs WHERE octet_length(file_data) > 0;
ALTER TABLE import_jobs DROP COLUMN file_data;

-- +goose Down
SELECT 1;
