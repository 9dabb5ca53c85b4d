-- +goose Up
-- The name and initials indexes carry each person's path and status, so
-- that the bounded count of a name search in a big subtree (which walks
-- the name index and keeps the subtree's active people) reads the index
-- alone instead of fetching every row: a one-character surname walks a
-- few percent of the city.
DROP INDEX people_name;
CREATE INDEX people_name ON people(name, id) INCLUDE (org_path, status);
DROP INDEX people_initials;
CREATE INDEX people_initials ON people(initials, id) INCLUDE (org_path, status);

-- +goose Down
SELECT 1;
