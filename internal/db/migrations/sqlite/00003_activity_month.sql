-- +goose Up
-- The month (Asia/Shanghai) an entry counts in, stored so that rollups can
-- be recomputed with portable SQL after a subtree moves.
ALTER TABLE activity ADD COLUMN month TEXT NOT NULL DEFAULT '';
UPDATE activity SET month = strftime('%Y-%m', occurred_at, '+8 hours');

-- +goose Down
SELECT 1;
