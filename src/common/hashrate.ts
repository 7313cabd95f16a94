// Hashrates for people: one formatter for the pool's stats log and the CPU miner.

const UNITS = ["H/s", "kH/s", "MH/s", "GH/s", "TH/s", "PH/s", "EH/s"];

export function formatHashrate(hashesPerSecond: number): string {
  let value = hashesPerSecond;
  let i = 0;
  while (value >= 1000 && i < UNITS.length - 1) {
    value /= 1000;
    i++;
  }
  return `${value.toFixed(2)} ${UNITS[i]}`;
}
