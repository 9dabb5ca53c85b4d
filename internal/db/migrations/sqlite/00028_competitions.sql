-- +goose Up
-- Competitions (竞赛选拔, issue 13): by trade and level (enterprise,
-- industry, city), individual or team entries, a panel of judges whose
-- scores alone count, placements by the mean score, credits by rule.
CREATE TABLE competitions (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    org_path   TEXT NOT NULL,
    title      TEXT NOT NULL,
    trade      TEXT NOT NULL,
    level      TEXT NOT NULL,
    team       BOOLEAN NOT NULL,
    held_on    TEXT NOT NULL,
    status     TEXT NOT NULL,
    entries    INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX competitions_org ON competitions(org_path, id);
CREATE TABLE competition_judges (
    competition_id INTEGER NOT NULL REFERENCES competitions(id),
    user_id        INTEGER NOT NULL,
    PRIMARY KEY (competition_id, user_id)
);
CREATE TABLE competition_entries (
    id             INTEGER PRIMARY KEY,
    competition_id INTEGER NOT NULL REFERENCES competitions(id),
    name           TEXT NOT NULL,
    members        TEXT NOT NULL,
    org_id         INTEGER NOT NULL,
    mean           INTEGER NOT NULL DEFAULT -1,
    placement      INTEGER NOT NULL DEFAULT 0,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX competition_entries_of ON competition_entries(competition_id, id);
CREATE TABLE competition_entrants (
    competition_id INTEGER NOT NULL,
    person_id      INTEGER NOT NULL REFERENCES people(id),
    entry_id       INTEGER NOT NULL,
    PRIMARY KEY (competition_id, person_id)
);
CREATE TABLE competition_scores (
    entry_id INTEGER NOT NULL REFERENCES competition_entries(id),
    judge_id INTEGER NOT NULL,
    score    INTEGER NOT NULL,
    at       TIMESTAMP NOT NULL,
    PRIMARY KEY (entry_id, judge_id)
);

-- +goose Down
DROP TABLE competition_scores;
DROP TABLE competition_entrants;
DROP TABLE competition_entries;
DROP TABLE competition_judges;
DROP TABLE competitions;
