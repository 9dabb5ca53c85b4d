-- +goose Up
-- Rosters name organizations, by full name or by short name (issue 10):
-- an import resolves each distinct name once, by name (orgs_name) and
-- then by short name, which at 50,000 organizations needs its own index.
CREATE INDEX orgs_short_name ON orgs(short_name);

-- +goose Down
DROP INDEX orgs_short_name;
