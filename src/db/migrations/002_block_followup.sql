-- Blocks the node never merges end as 'orphaned' and pay nothing.
ALTER TABLE blocks DROP CONSTRAINT blocks_status_check;
ALTER TABLE blocks ADD CONSTRAINT blocks_status_check
  CHECK (status IN ('rejected', 'confirming', 'red', 'orphaned', 'matured', 'credited'));

-- Without getBlockRewardInfo, a blue block's reward is the coinbase UTXO that pays it. The outpoint it was
-- matched with is kept so no other block can claim the same output, and its DAA score counts confirmations.
ALTER TABLE blocks ADD COLUMN reward_outpoint TEXT;
ALTER TABLE blocks ADD COLUMN reward_daa_score NUMERIC(20,0);
CREATE UNIQUE INDEX blocks_reward_outpoint ON blocks (reward_outpoint) WHERE reward_outpoint IS NOT NULL;

-- A PPLNS window is cut a grace period after the block was recorded, once every share accepted before the block
-- (some wait on a node round trip of their own) is in; window_cut_at says it was. Older blocks were cut at once.
ALTER TABLE blocks ADD COLUMN recorded_at TIMESTAMPTZ NOT NULL DEFAULT now();
ALTER TABLE blocks ADD COLUMN window_cut_at TIMESTAMPTZ;
UPDATE blocks SET window_cut_at = recorded_at WHERE mode = 'pplns' AND status <> 'rejected';
