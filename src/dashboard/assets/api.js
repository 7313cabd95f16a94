// Reads the pool's HTTP API. A refused request becomes an ApiError carrying the API's own message, so a page can
// show it as the API said it (e.g. why an address is not valid).

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function get(path) {
  let res;
  try {
    res = await fetch(path, { headers: { accept: "application/json" } });
  } catch {
    throw new ApiError(0, "unreachable", "the pool's API does not answer");
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? "http", body?.error?.message ?? `HTTP ${res.status}`);
  return body;
}

/** An address as a path segment; its colon is kept readable. */
const addressSegment = (address) => encodeURIComponent(address).replace(/%3A/gi, ":");

/** A miner's API path. */
export const minerPath = (address, rest = "") => `/api/v1/miners/${addressSegment(address)}${rest}`;

/** The dashboard page of a miner. */
export const minerPage = (address) => `/miners/${addressSegment(address)}`;
