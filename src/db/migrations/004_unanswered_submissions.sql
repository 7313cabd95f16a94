-- A found block whose submission no node answered (a timeout, a dropped socket, no node connected) is not rejected:
-- it is followed like an accepted block and resubmitted until a node answers. pending_block keeps the block exactly
-- as first submitted (the template with its nonce, lossless JSON), so a restarted pool resubmits it too; it is
-- cleared once a node answers or the tracker settles the block.
ALTER TABLE blocks ADD COLUMN pending_block TEXT;
CREATE INDEX blocks_pending_submission ON blocks (found_at) WHERE pending_block IS NOT NULL;
