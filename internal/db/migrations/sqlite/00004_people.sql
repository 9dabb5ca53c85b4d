-- +goose Up
-- The people registry (issue 3). ID-card numbers and phones are sealed
-- (AES-GCM, key outside the database) with a keyed hash beside them for
-- exact lookup and uniqueness, and their masked form for lists.
CREATE TABLE people (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs(id),
    org_path       TEXT NOT NULL,
    name           TEXT NOT NULL,
    initials       TEXT NOT NULL,
    gender         TEXT NOT NULL,
    birth_date     TEXT NOT NULL,
    id_sealed      BLOB NOT NULL,
    id_hash        TEXT NOT NULL UNIQUE,
    id_masked      TEXT NOT NULL,
    phone_sealed   BLOB,
    phone_hash     TEXT NOT NULL DEFAULT '',
    phone_masked   TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    ethnicity      TEXT NOT NULL DEFAULT '',
    education      TEXT NOT NULL DEFAULT '',
    political      TEXT NOT NULL DEFAULT 'none',
    league_joined  TEXT NOT NULL DEFAULT '',
    employer       TEXT NOT NULL DEFAULT '',
    job            TEXT NOT NULL DEFAULT '',
    trade          TEXT NOT NULL DEFAULT '',
    skill_level    INTEGER NOT NULL DEFAULT 0,
    title          TEXT NOT NULL DEFAULT '',
    tags           TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'active',
    notes          TEXT NOT NULL DEFAULT '',
    user_id        INTEGER REFERENCES users(id),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX people_path ON people(org_path, id);
CREATE INDEX people_name ON people(name, id);
CREATE INDEX people_initials ON people(initials, id);
-- Partial indexes: most people have no login, some no phone, and an
-- index entry per such row would only slow imports down.
CREATE UNIQUE INDEX people_user ON people(user_id) WHERE user_id IS NOT NULL;
CREATE INDEX people_phone ON people(phone_hash) WHERE phone_hash <> '';
CREATE INDEX people_trade ON people(trade, org_path);
-- No index on birth_date: an age range matches a large share of any
-- subtree, so walking the subtree in path order finds a page at once,
-- while a birth-date index led the planner to sort whole districts.

-- Tags (migrant, builder and free tags), one row each, for filtering.
CREATE TABLE person_tags (
    tag       TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (tag, person_id)
);
CREATE INDEX person_tags_person ON person_tags(person_id);

-- Every change of skill level with its date and certifying body.
CREATE TABLE skill_changes (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people(id),
    level        INTEGER NOT NULL,
    certified_on TEXT NOT NULL,
    body         TEXT NOT NULL DEFAULT '',
    recorded_by  INTEGER NOT NULL DEFAULT 0,
    recorded_at  TIMESTAMP NOT NULL
);
CREATE INDEX skill_changes_person ON skill_changes(person_id, id);

-- Transfers between organizations (转接): requested by the sending side,
-- approved or rejected by the receiving organization.
CREATE TABLE transfers (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES people(id),
    from_org_id   INTEGER NOT NULL REFERENCES orgs(id),
    to_org_id     INTEGER NOT NULL REFERENCES orgs(id),
    to_path       TEXT NOT NULL,
    reason        TEXT NOT NULL,
    transfer_date TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending',
    requested_by  INTEGER NOT NULL,
    requested_at  TIMESTAMP NOT NULL,
    decided_by    INTEGER NOT NULL DEFAULT 0,
    decided_at    TIMESTAMP,
    note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX transfers_person ON transfers(person_id, id);
CREATE INDEX transfers_to ON transfers(to_path, status);
CREATE INDEX transfers_from ON transfers(from_org_id, id);

-- Consent records (PIPL): what a person agreed to, which text, when.
CREATE TABLE consents (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    purpose     TEXT NOT NULL,
    version     TEXT NOT NULL,
    granted_at  TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP
);
CREATE INDEX consents_person ON consents(person_id, purpose);

-- People per organization subtree and status, kept at O(depth) per write.
CREATE TABLE org_people (
    org_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    people INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, status)
);

-- Import jobs: the uploaded file, its dry-run report and progress.
CREATE TABLE import_jobs (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    file_name   TEXT NOT NULL,
    file_data   BLOB NOT NULL,
    status      TEXT NOT NULL,
    total       INTEGER NOT NULL DEFAULT 0,
    accepted    INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0,
    done        INTEGER NOT NULL DEFAULT 0,
    created     INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX import_jobs_user ON import_jobs(user_id, id);
CREATE TABLE import_rejects (
    job_id  INTEGER NOT NULL REFERENCES import_jobs(id),
    row_no  INTEGER NOT NULL,
    name    TEXT NOT NULL DEFAULT '',
    reasons TEXT NOT NULL,
    PRIMARY KEY (job_id, row_no)
);

-- +goose Down
SELECT 1;
