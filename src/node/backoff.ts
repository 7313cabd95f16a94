// Reconnect delays: exponential growth capped at maxMs, with "equal jitter" (half fixed, half random) so a fleet of
// pools restarting with one node does not reconnect in lockstep, while no delay drops below half the step.

export function reconnectDelayMs(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const step = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + random() * (step / 2));
}
