-- +goose Up
-- "My events" (issue 12) decides which of a person's registrations to show
-- from their status and whether the event still has a session to check in
-- to: with the status in the person's index and the sessions' ends beside
-- their event, from the indexes alone (a person with 166 registrations
-- cost 166 table lookups of each). registrations_person gains the status
-- (same number of indexes, so a registration writes no more).
DROP INDEX registrations_person;
CREATE INDEX registrations_person ON registrations(person_id, event_id, status);
CREATE INDEX event_sessions_ends ON event_sessions(event_id, ends);

-- +goose Down
SELECT 1;
