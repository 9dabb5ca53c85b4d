-- +goose Up
-- The name, initials and phone indexes lead with the person's district,
-- the first two segments of the path (person.districtSQL, which spells the
-- expression exactly as here: the planner matches it as written). An
-- import lands in one district, so it writes these indexes in that
-- district's part rather than at random over the city. Path and status
-- are in the name and initials keys so that a count reads the index alone,
-- which makes the first-character indexes of 00009 redundant: the count
-- of a one-character search reads the district's range of these.
DROP INDEX people_name_head;
DROP INDEX people_initials_head;
DROP INDEX people_name;
DROP INDEX people_initials;
DROP INDEX people_phone;
CREATE INDEX people_name ON people(substr(org_path, 1, instr(substr(org_path, 2), '/') + 1 + instr(substr(org_path, instr(substr(org_path, 2), '/') + 2), '/')), name, id, org_path, status);
CREATE INDEX people_initials ON people(substr(org_path, 1, instr(substr(org_path, 2), '/') + 1 + instr(substr(org_path, instr(substr(org_path, 2), '/') + 2), '/')), initials, id, org_path, status);
CREATE INDEX people_phone ON people(substr(org_path, 1, instr(substr(org_path, 2), '/') + 1 + instr(substr(org_path, instr(substr(org_path, 2), '/') + 2), '/')), phone_hash) WHERE length(phone_hash) > 0;

-- +goose Down
DROP INDEX people_phone;
DROP INDEX people_initials;
DROP INDEX people_name;
CREATE INDEX people_phone ON people(phone_hash) WHERE length(phone_hash) > 0;
CREATE INDEX people_initials ON people(initials, id);
CREATE INDEX people_name ON people(name, id);
CREATE INDEX people_initials_head ON people(substr(initials, 1, 1), org_path, status);
CREATE INDEX people_name_head ON people(substr(name, 1, 1), org_path, status);
