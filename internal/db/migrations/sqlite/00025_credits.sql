-- +goose Up
-- The vocational-skills training credit system (学分制, issue 13): an
-- append-only ledger of credit entries (a correction is a reversing entry
-- with its reason, never an edit), the rules the city committee sets,
-- courses held as events of the event engine with their results, and the
-- kept sums: a balance per person, per person and year and category, and
-- per organization (each ancestor too), month and category — all moved in
-- the posting transaction, so no page sums the ledger.
CREATE TABLE credit_rules (
    code        TEXT PRIMARY KEY,
    credits     INTEGER NOT NULL,
    valid_years INTEGER NOT NULL DEFAULT 0,
    updated_by  INTEGER NOT NULL DEFAULT 0,
    updated_at  TIMESTAMP NOT NULL
);
INSERT INTO credit_rules (code, credits, valid_years, updated_at) VALUES
    ('course', 0, 4, '2026-01-01 00:00:00'),
    ('appraisal_pass', 10, 4, '2026-01-01 00:00:00'),
    ('competition.enterprise.1', 6, 4, '2026-01-01 00:00:00'),
    ('competition.enterprise.2', 4, 4, '2026-01-01 00:00:00'),
    ('competition.enterprise.3', 2, 4, '2026-01-01 00:00:00'),
    ('competition.industry.1', 10, 4, '2026-01-01 00:00:00'),
    ('competition.industry.2', 8, 4, '2026-01-01 00:00:00'),
    ('competition.industry.3', 6, 4, '2026-01-01 00:00:00'),
    ('competition.city.1', 20, 4, '2026-01-01 00:00:00'),
    ('competition.city.2', 15, 4, '2026-01-01 00:00:00'),
    ('competition.city.3', 10, 4, '2026-01-01 00:00:00'),
    ('innovation.unit', 3, 4, '2026-01-01 00:00:00'),
    ('innovation.industry', 6, 4, '2026-01-01 00:00:00'),
    ('innovation.city', 12, 4, '2026-01-01 00:00:00'),
    ('mentorship.mentor', 6, 4, '2026-01-01 00:00:00'),
    ('mentorship.apprentice', 4, 4, '2026-01-01 00:00:00'),
    ('skills_month', 2, 4, '2026-01-01 00:00:00');
CREATE TABLE credit_entries (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    org_path    TEXT NOT NULL,
    issuer_id   INTEGER NOT NULL REFERENCES orgs(id),
    category    TEXT NOT NULL,
    credits     INTEGER NOT NULL,
    source      TEXT NOT NULL,
    source_id   INTEGER NOT NULL,
    rule        TEXT NOT NULL,
    reverses    INTEGER NOT NULL DEFAULT 0,
    reason      TEXT NOT NULL DEFAULT '',
    expires     TEXT NOT NULL DEFAULT '',
    year        INTEGER NOT NULL,
    month       TEXT NOT NULL,
    issued_by   INTEGER NOT NULL,
    at          TIMESTAMP NOT NULL
);
-- A person's transcript by index; an entry is reversed at most once; the
-- entries of one source (a course, a competition).
CREATE INDEX credit_entries_person ON credit_entries(person_id, id);
CREATE UNIQUE INDEX credit_entries_reversal ON credit_entries(reverses) WHERE reverses <> 0;
CREATE INDEX credit_entries_source ON credit_entries(source, source_id, person_id);
CREATE TABLE credit_balances (
    person_id  INTEGER PRIMARY KEY,
    total      INTEGER NOT NULL DEFAULT 0,
    entries    INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE credit_person_years (
    person_id INTEGER NOT NULL,
    year      INTEGER NOT NULL,
    category  TEXT NOT NULL,
    credits   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (person_id, year, category)
);
CREATE TABLE credit_rollup (
    org_id   INTEGER NOT NULL,
    month    TEXT NOT NULL,
    category TEXT NOT NULL,
    credits  INTEGER NOT NULL DEFAULT 0,
    entries  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month, category)
);
CREATE TABLE courses (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL UNIQUE REFERENCES events(id),
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    org_path     TEXT NOT NULL,
    title        TEXT NOT NULL,
    trade        TEXT NOT NULL,
    category     TEXT NOT NULL,
    credits      INTEGER NOT NULL,
    hours        INTEGER NOT NULL,
    assessment   TEXT NOT NULL,
    min_sessions INTEGER NOT NULL,
    passed       INTEGER NOT NULL DEFAULT 0,
    created_by   INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX courses_org ON courses(org_path, id);
CREATE TABLE course_results (
    course_id INTEGER NOT NULL REFERENCES courses(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    score     INTEGER NOT NULL,
    passed    BOOLEAN NOT NULL,
    entry_id  INTEGER NOT NULL DEFAULT 0,
    by_user   INTEGER NOT NULL,
    at        TIMESTAMP NOT NULL,
    PRIMARY KEY (course_id, person_id)
);
CREATE TABLE credit_transcripts (
    code      TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    total     INTEGER NOT NULL,
    entries   INTEGER NOT NULL,
    issued_by INTEGER NOT NULL,
    issued_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE credit_transcripts;
DROP TABLE course_results;
DROP TABLE courses;
DROP TABLE credit_rollup;
DROP TABLE credit_person_years;
DROP TABLE credit_balances;
DROP TABLE credit_entries;
DROP TABLE credit_rules;
