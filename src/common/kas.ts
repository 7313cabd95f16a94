// Amounts for people: sompi as KAS with every sompi shown, so a logged figure adds up exactly.

export function formatKas(sompi: bigint): string {
  const sign = sompi < 0n ? "-" : "";
  const abs = sompi < 0n ? -sompi : sompi;
  return `${sign}${abs / 100_000_000n}.${(abs % 100_000_000n).toString().padStart(8, "0")} KAS`;
}
