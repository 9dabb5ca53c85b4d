-- +goose Up
-- The committee ballot is secret: review_ballots keeps who has voted on
-- what (one ballot per member), and how the committee voted is kept only
-- as counts per nomination, so no row links a member to a vote.
CREATE TABLE review_tallies (
    round_id      INTEGER NOT NULL REFERENCES review_rounds(id),
    nomination_id INTEGER NOT NULL REFERENCES nominations(id),
    yes_votes     INTEGER NOT NULL DEFAULT 0,
    no_votes      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, nomination_id)
);
INSERT INTO review_tallies (round_id, nomination_id, yes_votes, no_votes)
    SELECT round_id, nomination_id, SUM(CASE WHEN yes THEN 1 ELSE 0 END), SUM(CASE WHEN yes THEN 0 ELSE 1 END)
    FROM review_ballots GROUP BY round_id, nomination_id;
ALTER TABLE review_ballots DROP COLUMN yes;
-- A campaign may take nominations by others (举荐) from any signed-in
-- account, held by the nominee's organization like an application.
ALTER TABLE campaigns ADD COLUMN referral BOOLEAN NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE campaigns DROP COLUMN referral;
ALTER TABLE review_ballots ADD COLUMN yes BOOLEAN NOT NULL DEFAULT 0;
DROP TABLE review_tallies;
