-- +goose Up
-- Innovations (issue 13): QC-circle results and the five smalls
-- (小发明 小创造 小革新 小设计 小建议) filed by one or several young workers,
-- with the benefit claimed, tags (energy saving, green manufacturing),
-- evaluated at a level (unit, industry, city) and adopted or not;
-- the evaluation credits every submitter by the level's rule.
CREATE TABLE innovations (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    org_path     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    benefit_yuan INTEGER NOT NULL DEFAULT 0,
    energy_kwh   INTEGER NOT NULL DEFAULT 0,
    tags         TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,
    level        TEXT NOT NULL DEFAULT '',
    adopted      BOOLEAN NOT NULL DEFAULT 0,
    note         TEXT NOT NULL DEFAULT '',
    created_by   INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    evaluated_at TIMESTAMP
);
CREATE INDEX innovations_org ON innovations(org_path, id);
CREATE TABLE innovation_submitters (
    innovation_id INTEGER NOT NULL REFERENCES innovations(id),
    person_id     INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (innovation_id, person_id)
);
CREATE INDEX innovation_submitters_person ON innovation_submitters(person_id, innovation_id);

-- +goose Down
DROP TABLE innovation_submitters;
DROP TABLE innovations;
