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
