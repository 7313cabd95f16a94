-- Job ids start again at 1 whenever the pool restarts, so (job id, nonce) names a share only within one run of
-- the pool: a miner that mines job 1 from the same nonce after a restart must not collide with its old share.
-- Shares stored before this migration keep run ''.
ALTER TABLE shares ADD COLUMN run TEXT NOT NULL DEFAULT '';
ALTER TABLE shares DROP CONSTRAINT shares_pkey;
ALTER TABLE shares ADD PRIMARY KEY (run, job_id, nonce);
