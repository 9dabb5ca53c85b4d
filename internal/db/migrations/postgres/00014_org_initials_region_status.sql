-- +goose Up
-- The organization picker (issue 10) finds organizations by the pinyin
-- initials of their name and short name (徐汇区团委 → xhqtw) as well as by
-- name, short name and code: each a prefix range on its own index. The
-- initials are computed in Go (org.Initials); rows written before this
-- migration, or by bulk loads, are filled by org.Service.FillInitials.
ALTER TABLE orgs ADD COLUMN initials TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN short_initials TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX orgs_initials ON orgs(initials);
CREATE INDEX orgs_short_initials ON orgs(short_initials);

-- Regions are archived, never deleted (issue 10): an archived region keeps
-- its members but grants on it confer nothing until it is restored.
ALTER TABLE regions ADD COLUMN status TEXT NOT NULL DEFAULT 'active';

-- +goose Down
ALTER TABLE regions DROP COLUMN status;
DROP INDEX orgs_short_initials;
DROP INDEX orgs_initials;
ALTER TABLE orgs DROP COLUMN short_initials;
ALTER TABLE orgs DROP COLUMN initials;
