-- +goose Up
-- Issue 13, the rest of the credit system: the trade an entry counts for
-- (the course's, competition's, appraisal's or mentorship's, else the
-- person's), so the organization-month cells are kept by trade as well;
-- innovation attachments; a competition placement carried into a
-- campaign (十大杰出青年技师); and the skills month (上海青工技能月), a
-- time-boxed programme that groups the competitions, appraisal sessions
-- and courses held within its dates.
ALTER TABLE credit_entries ADD COLUMN trade TEXT NOT NULL DEFAULT '';
CREATE TABLE credit_rollup_new (
    org_id   INTEGER NOT NULL,
    month    TEXT NOT NULL,
    category TEXT NOT NULL,
    trade    TEXT NOT NULL DEFAULT '',
    credits  INTEGER NOT NULL DEFAULT 0,
    entries  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month, category, trade)
);
INSERT INTO credit_rollup_new (org_id, month, category, trade, credits, entries)
    SELECT org_id, month, category, '', credits, entries FROM credit_rollup;
DROP TABLE credit_rollup;
ALTER TABLE credit_rollup_new RENAME TO credit_rollup;
CREATE TABLE innovation_files (
    innovation_id INTEGER NOT NULL REFERENCES innovations(id),
    n             INTEGER NOT NULL,
    name          TEXT NOT NULL,
    type          TEXT NOT NULL,
    size          INTEGER NOT NULL,
    data          BLOB NOT NULL,
    PRIMARY KEY (innovation_id, n)
);
ALTER TABLE competition_entrants ADD COLUMN nomination_id INTEGER NOT NULL DEFAULT 0;
CREATE TABLE skills_months (
    id         INTEGER PRIMARY KEY,
    year       INTEGER NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    starts_on  TEXT NOT NULL,
    ends_on    TEXT NOT NULL,
    summary    TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX competitions_held ON competitions(held_on);
CREATE INDEX appraisal_sessions_starts ON appraisal_sessions(starts);

-- +goose Down
DROP INDEX appraisal_sessions_starts;
DROP INDEX competitions_held;
DROP TABLE skills_months;
ALTER TABLE competition_entrants DROP COLUMN nomination_id;
DROP TABLE innovation_files;
CREATE TABLE credit_rollup_old (
    org_id   INTEGER NOT NULL,
    month    TEXT NOT NULL,
    category TEXT NOT NULL,
    credits  INTEGER NOT NULL DEFAULT 0,
    entries  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month, category)
);
INSERT INTO credit_rollup_old (org_id, month, category, credits, entries)
    SELECT org_id, month, category, SUM(credits), SUM(entries) FROM credit_rollup GROUP BY org_id, month, category;
DROP TABLE credit_rollup;
ALTER TABLE credit_rollup_old RENAME TO credit_rollup;
ALTER TABLE credit_entries DROP COLUMN trade;
