-- +goose Up
-- Keyed hashes of ID-card numbers and phones are HMAC-SHA256 truncated to
-- 128 bits (pii.Sealer.Index): 32 hexadecimal characters, the first 32 of
-- the 64 stored until now, so existing rows are shortened in place.
UPDATE people SET id_hash = substr(id_hash, 1, 32) WHERE length(id_hash) = 64;
UPDATE people SET phone_hash = substr(phone_hash, 1, 32) WHERE length(phone_hash) = 64;

-- +goose Down
SELECT 1;
