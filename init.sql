-- Generated from src/db/migrations/*.sql by `bun run src/db/writeInitSql.ts`; do not edit by hand.

BEGIN;

CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- 001_accounting

-- Accounting schema: durable shares, found blocks, PPLNS windows, a ledger of every balance change, payments.
-- Amounts are sompi in NUMERIC(20,0): exact, and wide enough for any u64.

-- kaspool's original tables, kept so existing dashboards and queries keep working.
-- id is "<miner_id>_<wallet>"; balance is unpaid sompi; both are maintained only from the ledger.
CREATE TABLE miners_balance (
  id VARCHAR(255) PRIMARY KEY,
  miner_id VARCHAR(255),
  wallet VARCHAR(255),
  balance NUMERIC
);

-- Sum of everything ever credited to an address (payouts do not lower it).
CREATE TABLE wallet_total (
  address VARCHAR(255) PRIMARY KEY,
  total NUMERIC
);

-- One row per accepted share. (job_id, nonce) identifies a share, so replaying a spool never duplicates one.
CREATE TABLE shares (
  job_id TEXT NOT NULL,
  nonce NUMERIC(20,0) NOT NULL,
  address TEXT NOT NULL,
  worker TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('pplns', 'solo')),
  -- Share units (difficulty 1 = target 2^224); a work measure, not money.
  difficulty DOUBLE PRECISION NOT NULL CHECK (difficulty > 0),
  accepted_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (job_id, nonce)
);
CREATE INDEX shares_pplns_recent ON shares (accepted_at DESC) WHERE mode = 'pplns';

-- Lifecycle: submitted -> confirming -> matured -> credited, or rejected / red at the node.
CREATE TABLE blocks (
  hash CHAR(64) PRIMARY KEY,
  daa_score NUMERIC(20,0) NOT NULL,
  finder_address TEXT NOT NULL,
  finder_worker TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('pplns', 'solo')),
  network_difficulty DOUBLE PRECISION NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('rejected', 'confirming', 'red', 'matured', 'credited')),
  reject_reason TEXT,
  color TEXT NOT NULL DEFAULT 'unknown' CHECK (color IN ('unknown', 'blue', 'red')),
  confirmations NUMERIC(20,0),
  merging_block_hash CHAR(64),
  reward NUMERIC(20,0) CHECK (reward >= 0),
  found_at TIMESTAMPTZ NOT NULL,
  matured_at TIMESTAMPTZ,
  credited_at TIMESTAMPTZ,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX blocks_open ON blocks (found_at) WHERE status IN ('confirming', 'matured');

-- The PPLNS window of each PPLNS block, taken when the block was recorded: who is paid, and by what weight.
-- weight is the summed share difficulty scaled by 2^64 (an exact integer), capped at the window size.
CREATE TABLE block_windows (
  block_hash CHAR(64) NOT NULL REFERENCES blocks (hash),
  address TEXT NOT NULL,
  worker TEXT NOT NULL,
  weight NUMERIC(40,0) NOT NULL CHECK (weight > 0),
  share_count INTEGER NOT NULL,
  PRIMARY KEY (block_hash, address, worker)
);

-- Payments are recorded as an intent before the transaction is broadcast, then reconciled by txid.
CREATE TABLE payments (
  id BIGSERIAL PRIMARY KEY,
  wallet TEXT NOT NULL,
  amount NUMERIC(20,0) NOT NULL CHECK (amount > 0),
  status TEXT NOT NULL CHECK (status IN ('intent', 'broadcast', 'confirmed', 'failed')),
  txid CHAR(64),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every balance change, with its reason. miners_balance and wallet_total are derived from these rows.
CREATE TABLE ledger (
  id BIGSERIAL PRIMARY KEY,
  wallet TEXT NOT NULL,
  miner_id TEXT NOT NULL,
  amount NUMERIC(20,0) NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('block_credit', 'fee', 'payout', 'adjustment')),
  block_hash CHAR(64) REFERENCES blocks (hash),
  payment_id BIGINT REFERENCES payments (id),
  note TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (reason NOT IN ('block_credit', 'fee') OR block_hash IS NOT NULL),
  CHECK (reason <> 'payout' OR payment_id IS NOT NULL)
);
-- A block credits each (wallet, worker) at most once per reason, whatever the application does.
CREATE UNIQUE INDEX ledger_block_once ON ledger (block_hash, wallet, miner_id, reason) WHERE block_hash IS NOT NULL;
CREATE INDEX ledger_wallet ON ledger (wallet, created_at);

INSERT INTO schema_migrations (version, name) VALUES (1, 'accounting') ON CONFLICT DO NOTHING;

-- 002_block_followup

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

INSERT INTO schema_migrations (version, name) VALUES (2, 'block_followup') ON CONFLICT DO NOTHING;

-- 003_share_runs

-- Job ids start again at 1 whenever the pool restarts, so (job id, nonce) names a share only within one run of
-- the pool: a miner that mines job 1 from the same nonce after a restart must not collide with its old share.
-- Shares stored before this migration keep run ''.
ALTER TABLE shares ADD COLUMN run TEXT NOT NULL DEFAULT '';
ALTER TABLE shares DROP CONSTRAINT shares_pkey;
ALTER TABLE shares ADD PRIMARY KEY (run, job_id, nonce);

INSERT INTO schema_migrations (version, name) VALUES (3, 'share_runs') ON CONFLICT DO NOTHING;

-- 004_unanswered_submissions

-- A found block whose submission no node answered (a timeout, a dropped socket, no node connected) is not rejected:
-- it is followed like an accepted block and resubmitted until a node answers. pending_block keeps the block exactly
-- as first submitted (the template with its nonce, lossless JSON), so a restarted pool resubmits it too; it is
-- cleared once a node answers or the tracker settles the block.
ALTER TABLE blocks ADD COLUMN pending_block TEXT;
CREATE INDEX blocks_pending_submission ON blocks (found_at) WHERE pending_block IS NOT NULL;

INSERT INTO schema_migrations (version, name) VALUES (4, 'unanswered_submissions') ON CONFLICT DO NOTHING;

-- 005_drop_reward_outpoint

-- Blocks are followed only with getBlockRewardInfo (rusty-kaspa 2.x; older nodes are refused at start-up), so the
-- coinbase output a block was matched with by the old fallback is no longer kept. A reward such a match set on a
-- block still confirming is cleared: only getBlockRewardInfo at maturity sets it now.
DROP INDEX IF EXISTS blocks_reward_outpoint;
ALTER TABLE blocks DROP COLUMN IF EXISTS reward_outpoint;
ALTER TABLE blocks DROP COLUMN IF EXISTS reward_daa_score;
UPDATE blocks SET reward = NULL WHERE status = 'confirming';

INSERT INTO schema_migrations (version, name) VALUES (5, 'drop_reward_outpoint') ON CONFLICT DO NOTHING;

-- 006_payouts

-- Payouts. A batch is one payout transaction paying several wallets; its attempts are the signed versions of it
-- (the first, then fee bumps that spend the very same inputs, so at most one attempt can ever be accepted).
-- Everything a broadcast needs is written, with the ledger debits, before anything is broadcast: after a crash the
-- same bytes are sent again, never rebuilt.
CREATE TABLE payment_batches (
  id BIGSERIAL PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'refunded')),
  -- The virtual chain's sink when the batch was written: acceptance is looked up in the chain from there.
  chain_start CHAR(64) NOT NULL,
  accepted_txid CHAR(64),
  -- DAA score at which an input of every attempt was first seen spent while no attempt was accepted.
  conflict_daa_score NUMERIC(20,0),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX payment_batches_pending ON payment_batches (id) WHERE status = 'pending';

CREATE TABLE payment_attempts (
  txid CHAR(64) PRIMARY KEY,
  batch_id BIGINT NOT NULL REFERENCES payment_batches (id),
  attempt INTEGER NOT NULL,
  -- The signed transaction in the node's RPC JSON, exactly as submitted (u64 values as JSON integers).
  transaction TEXT NOT NULL,
  fee NUMERIC(20,0) NOT NULL CHECK (fee > 0),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (batch_id, attempt)
);

-- The pool UTXOs each attempt spends ("<txid>:<index>"). While its batch is pending, no other batch may use them.
CREATE TABLE payment_inputs (
  txid CHAR(64) NOT NULL REFERENCES payment_attempts (txid),
  outpoint TEXT NOT NULL,
  amount NUMERIC(20,0) NOT NULL CHECK (amount > 0),
  PRIMARY KEY (txid, outpoint)
);
CREATE INDEX payment_inputs_outpoint ON payment_inputs (outpoint);

-- A payments row is one wallet's output in a batch.
ALTER TABLE payments ADD COLUMN batch_id BIGINT REFERENCES payment_batches (id);
CREATE INDEX payments_wallet ON payments (wallet, created_at DESC);

-- A payout minimum a miner chose with pl= in the stratum password; never below the pool's own threshold.
CREATE TABLE wallet_settings (
  wallet TEXT PRIMARY KEY,
  payout_threshold NUMERIC(20,0) CHECK (payout_threshold > 0),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

INSERT INTO schema_migrations (version, name) VALUES (6, 'payouts') ON CONFLICT DO NOTHING;

-- 007_share_history

-- Share history: accepted work and share counts per (address, worker, mode) and time slot, written by the same
-- statement that stores the shares (src/db/shares.ts), so the API never scans raw shares. A slot is a minute
-- (span 60) for history.minutesKeptHours, then rolled up into its hour (span 3600), kept history.hoursKeptDays.
-- work is the summed share difficulty (share units): hashrate = work * 2^32 / seconds.
-- Rejected shares are counted by reason (stratum's reasons; stale work is counted as job_not_found).
CREATE TABLE share_history (
  address TEXT NOT NULL,
  worker TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('pplns', 'solo')),
  span INTEGER NOT NULL CHECK (span IN (60, 3600)),
  slot TIMESTAMPTZ NOT NULL,
  work DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (work >= 0),
  accepted INTEGER NOT NULL DEFAULT 0,
  rejected_job_not_found INTEGER NOT NULL DEFAULT 0,
  rejected_duplicate INTEGER NOT NULL DEFAULT 0,
  rejected_low_difficulty INTEGER NOT NULL DEFAULT 0,
  rejected_malformed INTEGER NOT NULL DEFAULT 0,
  rejected_unauthorized INTEGER NOT NULL DEFAULT 0,
  last_share_at TIMESTAMPTZ,
  PRIMARY KEY (address, worker, mode, span, slot)
);
CREATE INDEX share_history_slot ON share_history (slot, span);
-- A miner's pages read its recent rows from this index alone (an index-only scan once vacuumed): the rows of one
-- address are spread over the whole table, one page each, so reading the table itself would cost a page per row.
CREATE INDEX share_history_address_slot ON share_history (address, slot) INCLUDE (worker, mode, span, work, accepted,
  rejected_job_not_found, rejected_duplicate, rejected_low_difficulty, rejected_malformed, rejected_unauthorized, last_share_at);

-- Raw shares are deleted once no PPLNS window can need them; solo shares (never in a window) by age alone.
CREATE INDEX shares_solo_age ON shares (accepted_at) WHERE mode = 'solo';

-- Pool-wide work per minute and mode, summed from share_history for finished minutes by the retention task, so
-- pool-wide series never scan every worker's rows. Kept history.hoursKeptDays (minutes: a few hundred thousand rows).
CREATE TABLE pool_history (
  slot TIMESTAMPTZ NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('pplns', 'solo')),
  work DOUBLE PRECISION NOT NULL,
  accepted INTEGER NOT NULL,
  rejected INTEGER NOT NULL,
  miners INTEGER NOT NULL,
  workers INTEGER NOT NULL,
  PRIMARY KEY (slot, mode)
);

-- A miner's blocks: the windows it had shares in, without scanning every block's window.
CREATE INDEX block_windows_address ON block_windows (address, block_hash);

INSERT INTO schema_migrations (version, name) VALUES (7, 'share_history') ON CONFLICT DO NOTHING;

COMMIT;
