-- +goose Up
-- The month (Asia/Shanghai) an entry counts in, stored so that rollups can
-- be recomputed with portable SQL after a subtree moves.
ALTER TABLE activity ADD COLUMN month TEXT NOT NULL DEFAULT '';
UPDATE activity SET month = to_char(occurred_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM');

-- +goose Down
SELECT 1;
