-- +goose Up
-- An event's materials (slides, handouts: files kept in the database like
-- nomination attachments) and its feedback survey: one answer per
-- attendee, kept without showing who gave it; the event row keeps the
-- answers' count and sums so the organizer's summary reads one row.
CREATE TABLE event_materials (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES events(id),
    name        TEXT NOT NULL,
    type        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    data        BLOB NOT NULL,
    uploaded_by INTEGER NOT NULL,
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX event_materials_event ON event_materials(event_id, id);
CREATE TABLE event_feedback (
    event_id   INTEGER NOT NULL REFERENCES events(id),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    overall    INTEGER NOT NULL,
    useful     INTEGER NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    at         TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, person_id)
);
ALTER TABLE events ADD COLUMN feedback INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN overall_sum INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN useful_sum INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE events DROP COLUMN useful_sum;
ALTER TABLE events DROP COLUMN overall_sum;
ALTER TABLE events DROP COLUMN feedback;
DROP TABLE event_feedback;
DROP TABLE event_materials;
