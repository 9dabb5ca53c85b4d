-- +goose Up
-- Keyed hashes of ID-card numbers and phones are stored as their 16 raw
-- bytes (pii.Hash), not as 32 hexadecimal characters: half the width in
-- the two indexes an import writes at random. The columns keep their TEXT
-- declaration, which SQLite does not enforce on blobs (a table rebuild
-- would mean dropping the table every registry table refers to). "No
-- phone" is the empty blob, as it is the empty bytea on PostgreSQL (the
-- empty text, still the column's default, means the same): the phone
-- index leaves out every empty value by length, which reads alike on both
-- engines.
DROP INDEX people_phone;
UPDATE people SET id_hash = unhex(id_hash) WHERE typeof(id_hash) = 'text';
UPDATE people SET phone_hash = unhex(phone_hash) WHERE typeof(phone_hash) = 'text';
CREATE INDEX people_phone ON people(phone_hash) WHERE length(phone_hash) > 0;

-- +goose Down
DROP INDEX people_phone;
UPDATE people SET id_hash = lower(hex(id_hash)) WHERE typeof(id_hash) = 'blob';
UPDATE people SET phone_hash = lower(hex(phone_hash)) WHERE typeof(phone_hash) = 'blob';
CREATE INDEX people_phone ON people(phone_hash) WHERE phone_hash <> '';
