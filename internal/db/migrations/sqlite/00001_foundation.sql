-- +goose Up
CREATE TABLE orgs (
    id           INTEGER PRIMARY KEY,
    parent_id    INTEGER REFERENCES orgs(id),
    path         TEXT NOT NULL UNIQUE,
    depth        INTEGER NOT NULL,
    name         TEXT NOT NULL,
    short_name   TEXT NOT NULL DEFAULT '',
    code         TEXT NOT NULL UNIQUE,
    level        TEXT NOT NULL,
    unit_type    TEXT NOT NULL DEFAULT '',
    district     TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    contact      TEXT NOT NULL DEFAULT '',
    established  TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'active',
    children     INTEGER NOT NULL DEFAULT 0,
    descendants  INTEGER NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX orgs_parent_code ON orgs(parent_id, code);
CREATE INDEX orgs_name ON orgs(name);

CREATE TABLE regions (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    members     INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (org_id, name)
);
CREATE TABLE region_members (
    region_id INTEGER NOT NULL REFERENCES regions(id),
    org_id    INTEGER NOT NULL REFERENCES orgs(id),
    added_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (region_id, org_id)
);
CREATE INDEX region_members_org ON region_members(org_id);

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    login               TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    org_id              INTEGER NOT NULL REFERENCES orgs(id),
    password_hash       TEXT NOT NULL,
    must_change         BOOLEAN NOT NULL DEFAULT 0,
    disabled            BOOLEAN NOT NULL DEFAULT 0,
    locked_until        TIMESTAMP,
    password_changed_at TIMESTAMP NOT NULL,
    last_login_at       TIMESTAMP,
    created_at          TIMESTAMP NOT NULL
);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE login_failures (
    user_id INTEGER NOT NULL REFERENCES users(id),
    at      TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_user ON login_failures(user_id, at);

CREATE TABLE grants (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    role       TEXT NOT NULL,
    scope_kind TEXT NOT NULL,
    scope_id   INTEGER NOT NULL DEFAULT 0,
    granted_by INTEGER REFERENCES users(id),
    granted_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    UNIQUE (user_id, role, scope_kind, scope_id)
);
CREATE INDEX grants_scope ON grants(scope_kind, scope_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    last_seen  TIMESTAMP NOT NULL,
    lang       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP,
    last_used_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE audit (
    seq         INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor_id    INTEGER NOT NULL DEFAULT 0,
    actor_login TEXT NOT NULL DEFAULT '',
    role        TEXT NOT NULL DEFAULT '',
    org_id      INTEGER NOT NULL DEFAULT 0,
    ip          TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL DEFAULT '',
    object_id   INTEGER NOT NULL DEFAULT 0,
    summary     TEXT NOT NULL DEFAULT '',
    result      TEXT NOT NULL DEFAULT 'ok',
    request_id  TEXT NOT NULL DEFAULT '',
    mac         TEXT NOT NULL
);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_action ON audit(action, seq);
CREATE INDEX audit_actor ON audit(actor_login, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TABLE audit_head (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    mac TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, mac) VALUES (1, 0, '');

CREATE TABLE activity (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    org_path    TEXT NOT NULL,
    person_id   INTEGER NOT NULL DEFAULT 0,
    kind        TEXT NOT NULL,
    ref_type    TEXT NOT NULL DEFAULT '',
    ref_id      INTEGER NOT NULL DEFAULT 0,
    occurred_at TIMESTAMP NOT NULL,
    amount      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX activity_person ON activity(person_id, occurred_at);
CREATE INDEX activity_path ON activity(org_path, kind, occurred_at);
CREATE TABLE activity_rollup (
    org_id  INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    month   TEXT NOT NULL,
    count   INTEGER NOT NULL DEFAULT 0,
    amount  INTEGER NOT NULL DEFAULT 0,
    persons INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, kind, month)
);
CREATE TABLE activity_reach (
    org_id    INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    month     TEXT NOT NULL,
    person_id INTEGER NOT NULL,
    PRIMARY KEY (org_id, kind, month, person_id)
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
SELECT 1;
