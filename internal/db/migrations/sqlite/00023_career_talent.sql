-- +goose Up
-- Career navigation (职业生涯导航, issue 12): a young worker's yearly
-- career plan with its targets, milestones, mentor and reviews; and the
-- talent pool (人才举荐): recommendations of people by talent kind, vetted
-- by the receiving committee. The counts the unit views show are kept in
-- rollups moved in the transaction of each write, never counted by scans.
CREATE TABLE career_plans (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES people(id),
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    org_path        TEXT NOT NULL,
    year            INTEGER NOT NULL,
    position        TEXT NOT NULL,
    skill_level     INTEGER NOT NULL DEFAULT 0,
    title           TEXT NOT NULL DEFAULT '',
    target_position TEXT NOT NULL DEFAULT '',
    target_level    INTEGER NOT NULL DEFAULT 0,
    target_title    TEXT NOT NULL DEFAULT '',
    starts          TEXT NOT NULL,
    ends            TEXT NOT NULL,
    mentor_id       INTEGER NOT NULL DEFAULT 0,
    milestones      INTEGER NOT NULL DEFAULT 0,
    met             INTEGER NOT NULL DEFAULT 0,
    reviews         INTEGER NOT NULL DEFAULT 0,
    last_review     TIMESTAMP,
    created_by      INTEGER NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX career_plans_person_year ON career_plans(person_id, year);
CREATE INDEX career_plans_org ON career_plans(org_path, year, id);
CREATE INDEX career_plans_mentor ON career_plans(mentor_id, id);
CREATE TABLE career_milestones (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES career_plans(id),
    title    TEXT NOT NULL,
    due      TEXT NOT NULL,
    met_at   TIMESTAMP,
    note     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX career_milestones_plan ON career_milestones(plan_id, due, id);
CREATE TABLE career_reviews (
    id        INTEGER PRIMARY KEY,
    plan_id   INTEGER NOT NULL REFERENCES career_plans(id),
    by_user   INTEGER NOT NULL,
    by_name   TEXT NOT NULL,
    role      TEXT NOT NULL,
    progress  INTEGER NOT NULL,
    comment   TEXT NOT NULL,
    at        TIMESTAMP NOT NULL
);
CREATE INDEX career_reviews_plan ON career_reviews(plan_id, id);
-- Per organization (and each ancestor) and year: plans, plans with a
-- mentor. Per organization and month: plans whose latest review fell in
-- that month, so that "reviewed in the last six months" is a sum of six
-- rows and counts each plan once.
CREATE TABLE career_rollup (
    org_id    INTEGER NOT NULL,
    year      INTEGER NOT NULL,
    plans     INTEGER NOT NULL DEFAULT 0,
    mentored  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, year)
);
CREATE TABLE career_review_rollup (
    org_id  INTEGER NOT NULL,
    month   TEXT NOT NULL,
    plans   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month)
);
CREATE TABLE talent_recommendations (
    id             INTEGER PRIMARY KEY,
    person_id      INTEGER NOT NULL REFERENCES people(id),
    person_name    TEXT NOT NULL,
    kind           TEXT NOT NULL,
    from_org_id    INTEGER NOT NULL REFERENCES orgs(id),
    from_path      TEXT NOT NULL,
    to_org_id      INTEGER NOT NULL REFERENCES orgs(id),
    to_path        TEXT NOT NULL,
    to_level       TEXT NOT NULL,
    evidence       TEXT NOT NULL,
    moral          TEXT NOT NULL,
    status         TEXT NOT NULL,
    vet_note       TEXT NOT NULL DEFAULT '',
    vetted_by      INTEGER NOT NULL DEFAULT 0,
    vetted_at      TIMESTAMP,
    typical        BOOLEAN NOT NULL DEFAULT 0,
    typical_text   TEXT NOT NULL DEFAULT '',
    nomination_id  INTEGER NOT NULL DEFAULT 0,
    created_by     INTEGER NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
-- One open recommendation of a person in a kind to a committee; the
-- receiving committee's queue and pool; the recommending side's list.
CREATE UNIQUE INDEX talent_open ON talent_recommendations(person_id, kind, to_org_id) WHERE status <> 'returned';
CREATE INDEX talent_to ON talent_recommendations(to_path, status, id);
CREATE INDEX talent_from ON talent_recommendations(from_path, id);
CREATE INDEX talent_typical ON talent_recommendations(typical, id);

-- +goose Down
DROP TABLE talent_recommendations;
DROP TABLE career_review_rollup;
DROP TABLE career_rollup;
DROP TABLE career_reviews;
DROP TABLE career_milestones;
DROP TABLE career_plans;
