-- +goose Up
-- The selection and commendation engine (评选表彰, issue 11): campaigns
-- with their stage, eligible scope and rules; quotas allocated down the
-- tree; nominations that travel up it, each step kept.
CREATE TABLE campaigns (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    org_path     TEXT NOT NULL,
    scope_kind   TEXT NOT NULL,
    scope_id     INTEGER NOT NULL,
    nominee_kind TEXT NOT NULL,
    rules        TEXT NOT NULL,
    winners      INTEGER NOT NULL,
    total        INTEGER NOT NULL,
    self_apply   BOOLEAN NOT NULL DEFAULT 0,
    stage        TEXT NOT NULL,
    created_by   INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX campaigns_org ON campaigns(org_path, id);
CREATE TABLE campaign_quotas (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    org_path    TEXT NOT NULL,
    quota       INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, org_id)
);
CREATE TABLE nominations (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
    nominee_kind TEXT NOT NULL,
    nominee_id   INTEGER NOT NULL,
    nominee_name TEXT NOT NULL,
    origin_id    INTEGER NOT NULL REFERENCES orgs(id),
    origin_path  TEXT NOT NULL,
    holder_id    INTEGER NOT NULL REFERENCES orgs(id),
    holder_path  TEXT NOT NULL,
    status       TEXT NOT NULL,
    moral        TEXT NOT NULL,
    summary      TEXT NOT NULL,
    created_by   INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
-- One live nomination per nominee and campaign.
CREATE UNIQUE INDEX nominations_nominee ON nominations(campaign_id, nominee_kind, nominee_id) WHERE status <> 'withdrawn';
CREATE INDEX nominations_holder ON nominations(campaign_id, holder_path, id);
CREATE INDEX nominations_origin ON nominations(campaign_id, origin_path, id);
CREATE TABLE nomination_steps (
    id            INTEGER PRIMARY KEY,
    nomination_id INTEGER NOT NULL REFERENCES nominations(id),
    action        TEXT NOT NULL,
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    opinion       TEXT NOT NULL,
    rank          INTEGER NOT NULL DEFAULT 0,
    by_user       INTEGER NOT NULL,
    at            TIMESTAMP NOT NULL
);
CREATE INDEX nomination_steps_nomination ON nomination_steps(nomination_id, id);

-- +goose Down
SELECT 1;
