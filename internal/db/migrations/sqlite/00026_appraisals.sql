-- +goose Up
-- Skill appraisal (鉴定评价, issue 13): the thresholds a worker must meet
-- to apply for the next level (credits within some years, years at the
-- current level), per trade ('' for every trade without its own), the
-- dedicated appraisal sessions (专场鉴定) and the applications with their
-- scores. A pass raises the person's skill level with its history.
CREATE TABLE appraisal_thresholds (
    trade          TEXT NOT NULL,
    level          INTEGER NOT NULL,
    credits        INTEGER NOT NULL,
    within_years   INTEGER NOT NULL,
    years_at_level INTEGER NOT NULL,
    updated_by     INTEGER NOT NULL DEFAULT 0,
    updated_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (trade, level)
);
INSERT INTO appraisal_thresholds (trade, level, credits, within_years, years_at_level, updated_at) VALUES
    ('', 5, 0, 1, 0, '2026-01-01 00:00:00'),
    ('', 4, 4, 2, 1, '2026-01-01 00:00:00'),
    ('', 3, 8, 3, 2, '2026-01-01 00:00:00'),
    ('', 2, 12, 4, 3, '2026-01-01 00:00:00'),
    ('', 1, 16, 4, 3, '2026-01-01 00:00:00');
CREATE TABLE appraisal_sessions (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    org_path   TEXT NOT NULL,
    trade      TEXT NOT NULL,
    level      INTEGER NOT NULL,
    starts     TIMESTAMP NOT NULL,
    place      TEXT NOT NULL,
    capacity   INTEGER NOT NULL,
    body       TEXT NOT NULL,
    applied    INTEGER NOT NULL DEFAULT 0,
    passed     INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX appraisal_sessions_org ON appraisal_sessions(org_path, id);
CREATE TABLE appraisal_applications (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES appraisal_sessions(id),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    status     TEXT NOT NULL,
    credits    INTEGER NOT NULL,
    theory     INTEGER NOT NULL DEFAULT -1,
    practical  INTEGER NOT NULL DEFAULT -1,
    by_user    INTEGER NOT NULL,
    applied_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);
CREATE UNIQUE INDEX appraisal_applications_person ON appraisal_applications(session_id, person_id);
CREATE INDEX appraisal_applications_of ON appraisal_applications(person_id, id);

-- +goose Down
DROP TABLE appraisal_applications;
DROP TABLE appraisal_sessions;
DROP TABLE appraisal_thresholds;
