-- +goose Up
-- Competition rounds (issue 13): a competition is judged round by round
-- (初赛, 复赛, 决赛); closing a round takes the best entries on to the
-- next, and the placements come from the last. Scores are per round.
ALTER TABLE competitions ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
ALTER TABLE competition_entries ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
CREATE TABLE competition_scores_new (
    entry_id INTEGER NOT NULL REFERENCES competition_entries(id),
    judge_id INTEGER NOT NULL,
    round    INTEGER NOT NULL DEFAULT 1,
    score    INTEGER NOT NULL,
    at       TIMESTAMP NOT NULL,
    PRIMARY KEY (entry_id, round, judge_id)
);
INSERT INTO competition_scores_new (entry_id, judge_id, round, score, at) SELECT entry_id, judge_id, 1, score, at FROM competition_scores;
DROP TABLE competition_scores;
ALTER TABLE competition_scores_new RENAME TO competition_scores;

-- +goose Down
CREATE TABLE competition_scores_old (
    entry_id INTEGER NOT NULL REFERENCES competition_entries(id),
    judge_id INTEGER NOT NULL,
    score    INTEGER NOT NULL,
    at       TIMESTAMP NOT NULL,
    PRIMARY KEY (entry_id, judge_id)
);
INSERT INTO competition_scores_old (entry_id, judge_id, score, at)
    SELECT entry_id, judge_id, score, at FROM competition_scores s
    WHERE round = (SELECT MAX(round) FROM competition_scores x WHERE x.entry_id = s.entry_id);
DROP TABLE competition_scores;
ALTER TABLE competition_scores_old RENAME TO competition_scores;
ALTER TABLE competition_entries DROP COLUMN round;
ALTER TABLE competitions DROP COLUMN round;
