-- +goose Up
-- The count of a one-character search (a surname such as 王, or one
-- pinyin initial such as w) in a big subtree: the name index would walk
-- every 王 in the city (some 7 %) to keep those of the subtree. These
-- indexes lead with the first character, then the path, so such a count
-- reads one range: the subtree's people with that first character.
-- Status is in the key so that the count reads the index alone, and the
-- column under each expression is included as well: PostgreSQL considers
-- an index-only scan only when the query's columns are in the index, and
-- it sees the column inside substr(…), not the expression (without name,
-- the count of Pudong's 王 fetched 5,200 heap pages).
CREATE INDEX people_name_head ON people(substr(name, 1, 1), org_path, status) INCLUDE (name);
CREATE INDEX people_initials_head ON people(substr(initials, 1, 1), org_path, status) INCLUDE (initials);

-- +goose Down
DROP INDEX people_initials_head;
DROP INDEX people_name_head;
