// One job per block template: everything share validation needs, computed once when the template arrives.

import { parseHeader, prePowHash as computePrePowHash, type Header } from "../kaspa/header.ts";
import { bigHeaderJob, jobWords } from "../kaspa/jobEncoding.ts";
import { PowState } from "../kaspa/pow/index.ts";
import { bitsToTarget, networkDifficulty } from "../kaspa/target.ts";
import type { BlockTemplate } from "../node/types.ts";
import { bytesToHex } from "../common/hex.ts";

export interface Job {
  id: string;
  /** The node's template, untouched: submitted as is with only the nonce replaced. */
  template: BlockTemplate;
  header: Header;
  prePowHash: Uint8Array;
  /** Built when the job is made, so no share pays for the matrix and its rank computation. */
  pow: PowState;
  timestamp: bigint;
  /** Network target from the header bits: pow <= target is a block. */
  target: bigint;
  /** Network difficulty in share units (2^224 / target). */
  networkDifficulty: number;
  encodings: {
    words: readonly [bigint, bigint, bigint, bigint];
    bigHeader: string;
  };
  createdAt: number;
  /**
   * Nonces accepted on this job, by anyone: a job is shared by every connection it was sent to, so this catches a
   * share replayed under another worker name or from another connection. Only accepted nonces, bounded by
   * MAX_ACCEPTED_PER_JOB (src/stratum/shareValidator.ts). Freed with the job.
   */
  submitted: Set<bigint>;
}

/** The cheap first step: enough to tell whether a template is new work before paying for its PowState. */
export interface PreparedTemplate {
  template: BlockTemplate;
  header: Header;
  prePowHash: Uint8Array;
  /** Equal for two templates that are the same work (the node re-serves its cached template when polled). */
  workKey: string;
}

export function prepareTemplate(template: BlockTemplate): PreparedTemplate {
  const header = parseHeader(template.header);
  const prePowHash = computePrePowHash(header);
  return { template, header, prePowHash, workKey: `${bytesToHex(prePowHash)}:${header.timestamp}` };
}

export function buildJob(id: string, prepared: PreparedTemplate, now = Date.now()): Job {
  const { template, header, prePowHash } = prepared;
  return {
    id,
    template,
    header,
    prePowHash,
    pow: new PowState(prePowHash, header.timestamp),
    timestamp: header.timestamp,
    target: bitsToTarget(header.bits),
    networkDifficulty: networkDifficulty(header.bits),
    encodings: { words: jobWords(prePowHash), bigHeader: bigHeaderJob(prePowHash, header.timestamp) },
    createdAt: now,
    submitted: new Set(),
  };
}
