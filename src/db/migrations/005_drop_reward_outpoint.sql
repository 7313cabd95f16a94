-- Blocks are followed only with getBlockRewardInfo (rusty-kaspa 2.x; older nodes are refused at start-up), so the
-- coinbase output a block was matched with by the old fallback is no longer kept. A reward such a match set on a
-- block still confirming is cleared: only getBlockRewardInfo at maturity sets it now.
DROP INDEX IF EXISTS blocks_reward_outpoint;
ALTER TABLE blocks DROP COLUMN IF EXISTS reward_outpoint;
ALTER TABLE blocks DROP COLUMN IF EXISTS reward_daa_score;
UPDATE blocks SET reward = NULL WHERE status = 'confirming';
