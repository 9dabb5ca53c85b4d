-- +goose Up
-- The event engine (issue 12): gatherings of every kind with their
-- sessions, registrations (capacity and a waitlist in arrival order) and
-- check-ins per session. The counts an event shows are kept on its row,
-- moved in the transaction that changes a registration, and that row is
-- also what serializes registrations for one event.
CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    org_path      TEXT NOT NULL,
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL DEFAULT '',
    place         TEXT NOT NULL DEFAULT '',
    online_url    TEXT NOT NULL DEFAULT '',
    capacity      INTEGER NOT NULL,
    audience_kind TEXT NOT NULL,
    audience_id   INTEGER NOT NULL DEFAULT 0,
    reg_opens     TIMESTAMP NOT NULL,
    reg_closes    TIMESTAMP NOT NULL,
    reg_required  BOOLEAN NOT NULL DEFAULT 1,
    status        TEXT NOT NULL,
    registered    INTEGER NOT NULL DEFAULT 0,
    waitlisted    INTEGER NOT NULL DEFAULT 0,
    arrivals      INTEGER NOT NULL DEFAULT 0,
    created_by    INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX events_org ON events(org_path, id);
CREATE TABLE event_sessions (
    id        INTEGER PRIMARY KEY,
    event_id  INTEGER NOT NULL REFERENCES events(id),
    seq       INTEGER NOT NULL,
    starts    TIMESTAMP NOT NULL,
    ends      TIMESTAMP NOT NULL,
    place     TEXT NOT NULL DEFAULT '',
    secret    BLOB NOT NULL,
    attended  INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX event_sessions_seq ON event_sessions(event_id, seq);
CREATE TABLE registrations (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES events(id),
    person_id     INTEGER NOT NULL REFERENCES people(id),
    status        TEXT NOT NULL,
    arrival       INTEGER NOT NULL,
    code          TEXT NOT NULL,
    by_user       INTEGER NOT NULL,
    registered_at TIMESTAMP NOT NULL,
    promoted_at   TIMESTAMP,
    cancelled_at  TIMESTAMP
);
-- One registration per person and event; the waitlist in arrival order;
-- a person's events; the personal code an organizer scans.
CREATE UNIQUE INDEX registrations_person_event ON registrations(event_id, person_id);
CREATE INDEX registrations_queue ON registrations(event_id, status, arrival);
CREATE INDEX registrations_person ON registrations(person_id, event_id);
CREATE UNIQUE INDEX registrations_code ON registrations(code);
CREATE TABLE checkins (
    session_id      INTEGER NOT NULL REFERENCES event_sessions(id),
    person_id       INTEGER NOT NULL REFERENCES people(id),
    registration_id INTEGER NOT NULL,
    method          TEXT NOT NULL,
    late            BOOLEAN NOT NULL,
    walk_in         BOOLEAN NOT NULL,
    by_user         INTEGER NOT NULL,
    at              TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, person_id)
);

-- +goose Down
DROP TABLE checkins;
DROP TABLE registrations;
DROP TABLE event_sessions;
DROP TABLE events;
