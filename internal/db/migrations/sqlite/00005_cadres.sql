-- +goose Up
-- League cadres (团干部, issue 3): a person holding a post in an
-- organization, full-time or part-time; for part-time cadres the concurrent
-- post and the document's three checks (relevance, prospects, time). Ending
-- a term keeps the row (status 'ended'), so the history stays.
CREATE TABLE cadres (
    id             INTEGER PRIMARY KEY,
    person_id      INTEGER NOT NULL REFERENCES people(id),
    org_id         INTEGER NOT NULL REFERENCES orgs(id),
    org_path       TEXT NOT NULL,
    post           TEXT NOT NULL,
    basis          TEXT NOT NULL,
    concurrent_post TEXT NOT NULL DEFAULT '',
    relevance      TEXT NOT NULL DEFAULT '',
    prospects      TEXT NOT NULL DEFAULT '',
    prospects_note TEXT NOT NULL DEFAULT '',
    hours_per_week INTEGER NOT NULL DEFAULT 0,
    term_start     TEXT NOT NULL,
    term_end       TEXT NOT NULL DEFAULT '',
    co_management  TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'serving',
    ended_on       TEXT NOT NULL DEFAULT '',
    end_reason     TEXT NOT NULL DEFAULT '',
    created_by     INTEGER NOT NULL DEFAULT 0,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX cadres_path ON cadres(org_path, id);
CREATE INDEX cadres_person ON cadres(person_id, id);
-- At most one serving post of the same kind per organization per person.
CREATE UNIQUE INDEX cadres_serving ON cadres(person_id, org_id, post) WHERE status = 'serving';

-- +goose Down
SELECT 1;
