-- +goose Up
-- Keyed hashes of ID-card numbers and phones are stored as their 16 raw
-- bytes (pii.Hash), not as 32 hexadecimal characters: half the width in
-- the two indexes an import writes at random. "No phone" is the empty
-- bytea, as it is the empty blob on SQLite: the phone index leaves out
-- every empty value by length, which reads alike on both engines.
DROP INDEX people_phone;
ALTER TABLE people ALTER COLUMN id_hash TYPE bytea USING decode(id_hash, 'hex');
ALTER TABLE people ALTER COLUMN phone_hash DROP DEFAULT;
ALTER TABLE people ALTER COLUMN phone_hash TYPE bytea USING decode(phone_hash, 'hex');
ALTER TABLE people ALTER COLUMN phone_hash SET DEFAULT ''::bytea;
CREATE INDEX people_phone ON people(phone_hash) WHERE length(phone_hash) > 0;

-- +goose Down
DROP INDEX people_phone;
ALTER TABLE people ALTER COLUMN id_hash TYPE text USING encode(id_hash, 'hex');
ALTER TABLE people ALTER COLUMN phone_hash DROP DEFAULT;
ALTER TABLE people ALTER COLUMN phone_hash TYPE text USING encode(phone_hash, 'hex');
ALTER TABLE people ALTER COLUMN phone_hash SET DEFAULT '';
CREATE INDEX people_phone ON people(phone_hash) WHERE phone_hash <> '';
