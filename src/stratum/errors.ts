// Stratum error replies. Bridges and miners use the array form `[code, message, null]` with codes 20–25
// (spec §3.8; Miningcore StratumError.cs names the same codes). Messages are fixed strings: nothing from an
// exception or a stack ever reaches a miner.

export const StratumErrorCode = {
  Other: 20,
  JobNotFound: 21,
  Duplicate: 22,
  LowDifficulty: 23,
  Unauthorized: 24,
  NotSubscribed: 25,
} as const;

export type StratumErrorCode = (typeof StratumErrorCode)[keyof typeof StratumErrorCode];

/** A reason a request was refused, with the text the miner sees. */
export class StratumError extends Error {
  constructor(readonly code: StratumErrorCode, message: string) {
    super(message);
  }
}

export const errors = {
  jobNotFound: () => new StratumError(StratumErrorCode.JobNotFound, "Job not found"),
  jobFull: () => new StratumError(StratumErrorCode.JobNotFound, "Job takes no more shares, wait for the next job"),
  staleJob: () => new StratumError(StratumErrorCode.JobNotFound, "Stale job: node unavailable, waiting for new work"),
  duplicate: () => new StratumError(StratumErrorCode.Duplicate, "Duplicate share submitted"),
  lowDifficulty: () => new StratumError(StratumErrorCode.LowDifficulty, "Invalid difficulty"),
  unauthorized: () => new StratumError(StratumErrorCode.Unauthorized, "Unauthorized worker"),
  notSubscribed: () => new StratumError(StratumErrorCode.NotSubscribed, "Not subscribed"),
  other: (message: string) => new StratumError(StratumErrorCode.Other, message),
};

/** Reject reasons as counted in stats. */
export type RejectReason = "unauthorized" | "job-not-found" | "malformed" | "duplicate" | "low-difficulty";

export function rejectReason(code: StratumErrorCode): RejectReason {
  switch (code) {
    case StratumErrorCode.JobNotFound: return "job-not-found";
    case StratumErrorCode.Duplicate: return "duplicate";
    case StratumErrorCode.LowDifficulty: return "low-difficulty";
    case StratumErrorCode.Unauthorized:
    case StratumErrorCode.NotSubscribed: return "unauthorized";
    default: return "malformed";
  }
}
