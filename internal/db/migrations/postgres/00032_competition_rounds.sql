-- +goose Up
-- Competition rounds (issue 13): a competition is judged round by round
-- (初赛, 复赛, 决赛); closing a round takes the best entries on to the
-- next, and the placements come from the last. Scores are per round.
ALTER TABLE competitions ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
ALTER TABLE competition_entries ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
ALTER TABLE competition_scores ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
ALTER TABLE competition_scores DROP CONSTRAINT competition_scores_pkey;
ALTER TABLE competition_scores ADD PRIMARY KEY (entry_id, round, judge_id);

-- +goose Down
DELETE FROM competition_scores s WHERE round < (SELECT MAX(round) FROM competition_scores x WHERE x.entry_id = s.entry_id);
ALTER TABLE competition_scores DROP CONSTRAINT competition_scores_pkey;
ALTER TABLE competition_scores DROP COLUMN round;
ALTER TABLE competition_scores ADD PRIMARY KEY (entry_id, judge_id);
ALTER TABLE competition_entries DROP COLUMN round;
ALTER TABLE competitions DROP COLUMN round;
