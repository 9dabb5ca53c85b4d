-- +goose Up
-- PostgreSQL's name and initials indexes now carry path and status
-- (INCLUDE) for the counts of name searches. SQLite has no INCLUDE: the
-- columns would have to join the key, making the indexes some two and a
-- half times wider, and with real names an import writes a random leaf
-- of each for every row (see docs/PERFORMANCE.md). Kept in step with the
-- PostgreSQL migrations' numbering.
SELECT 1;

-- +goose Down
SELECT 1;
