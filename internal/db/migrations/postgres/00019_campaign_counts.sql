-- +goose Up
-- Nominations per campaign and status, kept in the transaction that
-- changes a status, so the organizers' board reads a few rows instead of
-- counting thousands of nominations per campaign on every view.
CREATE TABLE campaign_counts (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    status      TEXT NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, status)
);
-- The nominations an organization holds or sent, newest first.
CREATE INDEX nominations_campaign ON nominations(campaign_id, id);
-- A closed round's ranking, page by page.
CREATE INDEX review_results_rank ON review_results(round_id, rank, nomination_id);

-- +goose Down
DROP TABLE campaign_counts;
