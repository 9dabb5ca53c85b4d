-- +goose Up
-- A campaign's own nomination form (fields with their kinds and limits),
-- its stage dates and its sector (界别) balance targets, as JSON read only
-- by the campaign package; a nomination's answers to that form, the
-- sector it counts in, and its attached files, stored in the database.
ALTER TABLE campaigns ADD COLUMN form TEXT NOT NULL DEFAULT '[]';
ALTER TABLE campaigns ADD COLUMN dates TEXT NOT NULL DEFAULT '{}';
ALTER TABLE campaigns ADD COLUMN sectors TEXT NOT NULL DEFAULT '[]';
ALTER TABLE nominations ADD COLUMN answers TEXT NOT NULL DEFAULT '{}';
ALTER TABLE nominations ADD COLUMN sector TEXT NOT NULL DEFAULT '';
CREATE TABLE nomination_files (
    nomination_id INTEGER NOT NULL REFERENCES nominations(id),
    field         TEXT NOT NULL,
    name          TEXT NOT NULL,
    type          TEXT NOT NULL,
    size          INTEGER NOT NULL,
    data          BLOB NOT NULL,
    PRIMARY KEY (nomination_id, field)
);

-- +goose Down
DROP TABLE nomination_files;
