-- +goose Up
-- The public notice (公示) of a campaign's candidates, the objections the
-- public raises during it, and the certificates issued to the winners
-- (issue 11, items 4 and 5). A campaign's honour tiers (一等奖, 提名奖 …)
-- are a JSON list on the campaign; an empty list is one unnamed tier.
ALTER TABLE campaigns ADD COLUMN tiers TEXT NOT NULL DEFAULT '[]';
-- Days are Asia/Shanghai calendar days (YYYY-MM-DD), both ends inclusive.
-- objections counts what was raised; raising one updates the row first,
-- which also orders concurrent objections to one campaign.
CREATE TABLE notices (
    campaign_id  INTEGER PRIMARY KEY REFERENCES campaigns(id),
    starts       TEXT NOT NULL,
    ends         TEXT NOT NULL,
    contact      TEXT NOT NULL,
    objections   INTEGER NOT NULL DEFAULT 0,
    published_by INTEGER NOT NULL,
    published_at TIMESTAMP NOT NULL
);
CREATE TABLE notice_items (
    campaign_id   INTEGER NOT NULL REFERENCES notices(campaign_id),
    nomination_id INTEGER NOT NULL REFERENCES nominations(id),
    position      INTEGER NOT NULL,
    summary       TEXT NOT NULL,
    PRIMARY KEY (campaign_id, nomination_id)
);
-- An objection is public input: name and contact may be empty (anonymous);
-- client and day are the sender's address and Shanghai day, for the daily
-- limit per address. ref is the reference given to the sender: the
-- campaign and random letters, which say nothing of how many were raised.
CREATE TABLE objections (
    id            INTEGER PRIMARY KEY,
    campaign_id   INTEGER NOT NULL REFERENCES campaigns(id),
    nomination_id INTEGER NOT NULL REFERENCES nominations(id),
    ref           TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    contact       TEXT NOT NULL,
    body          TEXT NOT NULL,
    client        TEXT NOT NULL,
    day           TEXT NOT NULL,
    status        TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    decided_by    INTEGER,
    decided_at    TIMESTAMP,
    file_name     TEXT NOT NULL DEFAULT '',
    file_type     TEXT NOT NULL DEFAULT '',
    file_size     INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX objections_campaign ON objections(campaign_id, id);
CREATE INDEX objections_client ON objections(campaign_id, client, day);
-- The attachment apart from its objection, so that a decision does not
-- rewrite megabytes (SQLite rewrites a row whole).
CREATE TABLE objection_files (
    objection_id INTEGER PRIMARY KEY REFERENCES objections(id),
    data         BLOB NOT NULL
);
-- number is printed on the certificate; code, in its QR code, is what
-- verifies it: unguessable, unlike the number.
CREATE TABLE certificates (
    id            INTEGER PRIMARY KEY,
    campaign_id   INTEGER NOT NULL REFERENCES campaigns(id),
    nomination_id INTEGER NOT NULL UNIQUE REFERENCES nominations(id),
    number        TEXT NOT NULL UNIQUE,
    code          TEXT NOT NULL UNIQUE,
    tier          TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    issued_by     INTEGER NOT NULL,
    issued_at     TIMESTAMP NOT NULL,
    revoked_at    TIMESTAMP,
    revoke_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX certificates_campaign ON certificates(campaign_id, seq);

-- +goose Down
SELECT 1;
