-- +goose Up
-- Mentor and apprentice (导师带徒, issue 13): an agreement between a mentor
-- of the high-skill mentor corps (or a technician and above) and an
-- apprentice, with its trade, goals and term; monthly logs by both sides;
-- a final evaluation that credits both.
CREATE TABLE mentorships (
    id            INTEGER PRIMARY KEY,
    mentor_id     INTEGER NOT NULL REFERENCES people(id),
    apprentice_id INTEGER NOT NULL REFERENCES people(id),
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    org_path      TEXT NOT NULL,
    trade         TEXT NOT NULL,
    goals         TEXT NOT NULL,
    starts        TEXT NOT NULL,
    ends          TEXT NOT NULL,
    status        TEXT NOT NULL,
    logs          INTEGER NOT NULL DEFAULT 0,
    evaluation    TEXT NOT NULL DEFAULT '',
    rating        INTEGER NOT NULL DEFAULT 0,
    completed_at  TIMESTAMP,
    created_by    INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX mentorships_org ON mentorships(org_path, id);
CREATE INDEX mentorships_mentor ON mentorships(mentor_id, id);
CREATE INDEX mentorships_apprentice ON mentorships(apprentice_id, id);
CREATE TABLE mentorship_logs (
    id            INTEGER PRIMARY KEY,
    mentorship_id INTEGER NOT NULL REFERENCES mentorships(id),
    role          TEXT NOT NULL,
    month         TEXT NOT NULL,
    body          TEXT NOT NULL,
    by_user       INTEGER NOT NULL,
    at            TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX mentorship_logs_month ON mentorship_logs(mentorship_id, role, month);

-- +goose Down
DROP TABLE mentorship_logs;
DROP TABLE mentorships;
