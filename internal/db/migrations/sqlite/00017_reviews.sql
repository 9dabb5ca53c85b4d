-- +goose Up
-- Expert review (评审, issue 11): the campaign's panel of reviewers, rounds
-- with their rubric and the nominations they take, assignments of
-- nominations to reviewers, scores (append-only: a resubmission in a
-- reopened round adds a version), committee ballots and the ranking each
-- closed round computed.
CREATE TABLE campaign_reviewers (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    load_limit  INTEGER NOT NULL,
    added_by    INTEGER NOT NULL,
    added_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (campaign_id, user_id)
);
CREATE INDEX campaign_reviewers_user ON campaign_reviewers(user_id, campaign_id);
CREATE TABLE review_rounds (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    seq         INTEGER NOT NULL,
    name        TEXT NOT NULL,
    method      TEXT NOT NULL,
    blind       BOOLEAN NOT NULL DEFAULT 0,
    shortlist   INTEGER NOT NULL,
    ballot      BOOLEAN NOT NULL DEFAULT 0,
    pass_votes  INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL,
    reopened    INTEGER NOT NULL DEFAULT 0,
    opened_by   INTEGER NOT NULL,
    opened_at   TIMESTAMP NOT NULL,
    closed_at   TIMESTAMP
);
CREATE UNIQUE INDEX review_rounds_seq ON review_rounds(campaign_id, seq);
-- At most one open round per campaign.
CREATE UNIQUE INDEX review_rounds_open ON review_rounds(campaign_id) WHERE status = 'open';
CREATE TABLE review_criteria (
    id        INTEGER PRIMARY KEY,
    round_id  INTEGER NOT NULL REFERENCES review_rounds(id),
    seq       INTEGER NOT NULL,
    name      TEXT NOT NULL,
    weight    INTEGER NOT NULL,
    min_score INTEGER NOT NULL,
    max_score INTEGER NOT NULL
);
CREATE INDEX review_criteria_round ON review_criteria(round_id, seq);
-- The nominations a round takes, fixed when it opens.
CREATE TABLE review_entries (
    round_id      INTEGER NOT NULL REFERENCES review_rounds(id),
    nomination_id INTEGER NOT NULL REFERENCES nominations(id),
    PRIMARY KEY (round_id, nomination_id)
);
CREATE TABLE review_assignments (
    id            INTEGER PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES review_rounds(id),
    nomination_id INTEGER NOT NULL REFERENCES nominations(id),
    reviewer_id   INTEGER NOT NULL REFERENCES users(id),
    status        TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 0,
    total         REAL NOT NULL DEFAULT 0,
    comment       TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    assigned_by   INTEGER NOT NULL,
    assigned_at   TIMESTAMP NOT NULL,
    submitted_at  TIMESTAMP
);
CREATE UNIQUE INDEX review_assignments_pair ON review_assignments(round_id, nomination_id, reviewer_id);
CREATE INDEX review_assignments_reviewer ON review_assignments(reviewer_id, round_id, id);
CREATE TABLE review_scores (
    assignment_id INTEGER NOT NULL REFERENCES review_assignments(id),
    version       INTEGER NOT NULL,
    criterion_id  INTEGER NOT NULL REFERENCES review_criteria(id),
    score         INTEGER NOT NULL,
    PRIMARY KEY (assignment_id, version, criterion_id)
);
CREATE TABLE review_ballots (
    round_id      INTEGER NOT NULL REFERENCES review_rounds(id),
    nomination_id INTEGER NOT NULL REFERENCES nominations(id),
    voter_id      INTEGER NOT NULL REFERENCES users(id),
    yes           BOOLEAN NOT NULL,
    at            TIMESTAMP NOT NULL
);
-- One ballot per member and nomination in a round.
CREATE UNIQUE INDEX review_ballots_voter ON review_ballots(round_id, nomination_id, voter_id);
CREATE TABLE review_results (
    round_id      INTEGER NOT NULL REFERENCES review_rounds(id),
    nomination_id INTEGER NOT NULL REFERENCES nominations(id),
    score         REAL NOT NULL,
    reviews       INTEGER NOT NULL,
    rank          INTEGER NOT NULL,
    passed        BOOLEAN NOT NULL,
    yes_votes     INTEGER NOT NULL DEFAULT 0,
    no_votes      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, nomination_id)
);

-- +goose Down
SELECT 1;
