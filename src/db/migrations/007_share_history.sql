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
