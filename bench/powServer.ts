// The share check as the stratum server runs it, without sockets: µs per validateShare call (hex nonce parse,
// job history lookup, PoW, target compare) while jobs change and a server-sized heap of other objects is live.
// Compare with bench/pow.ts, which times PowState.pow alone on one state. Run: bun run bench/powServer.ts
// Figures are process CPU time, best of several rounds.

import { difficultyToTarget } from "../src/kaspa/target.ts";
import { PowState } from "../src/kaspa/pow/index.ts";
import { JobHistory } from "../src/stratum/jobHistory.ts";
import { validateShare, type ShareContext } from "../src/stratum/shareValidator.ts";
import type { Job } from "../src/templates/job.ts";

const ROUNDS = 5;
const SHARES = 100_000;
const JOBS = 16;
const SHARES_PER_JOB = 2_000;
// Share difficulty of the stratum bench: about one nonce in four passes, so most submissions are valid.
const DIFFICULTY = 1e-9;
const target = difficultyToTarget(DIFFICULTY);

function makeJob(id: number): Job {
  const prePowHash = new Uint8Array(32).map((_, i) => (id * 31 + i * 7 + 1) & 0xff);
  return { id: String(id), pow: new PowState(prePowHash, 1_700_000_000_000n + BigInt(id)), target: 0n, submitted: new Set() } as unknown as Job;
}

const jobs = Array.from({ length: JOBS }, (_, i) => makeJob(i + 1));
const byId = new Map(jobs.map((j) => [j.id, j]));
const history = new JobHistory(300);
const ctx: ShareContext = { authorized: true, extranonce: "", searchJobs: false, history, lookup: (id) => byId.get(id) };

// Valid nonces per job, as hex, found before timing: 2^60-aligned like the load generator's.
const nonceHex: string[][] = jobs.map((j, k) => {
  const out: string[] = [];
  for (let n = BigInt(k) << 60n; out.length < SHARES_PER_JOB; n++) if (j.pow.pow(n) < target) out.push(n.toString(16).padStart(16, "0"));
  return out;
});

// A live heap the size of a loaded server's (many small objects), so a GC costs what it costs there.
const ballast = Array.from({ length: 200_000 }, (_, i) => ({ id: i, name: `w${i}`, at: [i, i + 1] }));

function bestPerCall(label: string, calls: number, run: (round: number) => void): void {
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.cpuUsage();
    run(r);
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / calls);
  }
  console.log(`${label.padEnd(52)} ${best.toFixed(2).padStart(8)} µs`);
}

let accepted = 0;
bestPerCall("validateShare, jobs changing, server-sized heap", SHARES, (round) => {
  for (let i = 0; i < SHARES; i++) {
    const k = Math.floor(i / SHARES_PER_JOB) % JOBS;
    const job = jobs[k]!;
    if (i % SHARES_PER_JOB === 0) {
      history.add(job.id, DIFFICULTY, target);
      job.submitted.clear();
    }
    // Each round resubmits the same nonces: clear them above so they are not duplicates.
    const hex = nonceHex[k]![(i + round) % SHARES_PER_JOB]!;
    try {
      validateShare(ctx, ["w", job.id, hex]);
      accepted++;
    } catch {
      // duplicates at the wrap of a round; counted out below
    }
  }
});
bestPerCall("PowState.pow alone on the same nonces", SHARES, () => {
  for (let i = 0; i < SHARES; i++) {
    const k = Math.floor(i / SHARES_PER_JOB) % JOBS;
    if (jobs[k]!.pow.pow(BigInt("0x" + nonceHex[k]![i % SHARES_PER_JOB]!)) < target) accepted++;
  }
});
console.log(`(${accepted} accepted; ballast ${ballast.length} objects)`);
