// The PROXY protocol header a load balancer (HAProxy, AWS NLB, GCP, ...) sends before the client's first byte, so
// the pool sees the miner's address instead of the balancer's. Versions 1 (text) and 2 (binary), as specified in
// HAProxy's doc/proxy-protocol.txt. Pure: bytes in, a verdict out; sockets stay in server.ts.

import { isIPv4, isIPv6 } from "node:net";

export type ProxyVerdict =
  | { status: "incomplete" }
  | { status: "invalid"; reason: string }
  /** `source` is null when the header says to keep the socket's own address (v2 LOCAL, v1 UNKNOWN, AF_UNSPEC). */
  | { status: "done"; source: string | null; consumed: number };

/** A v1 header, "PROXY" to CRLF included, is at most 107 bytes (spec 2.1). */
export const V1_MAX_BYTES = 107;
/** Address block plus TLVs we are willing to buffer; balancers send tens of bytes of TLVs, not kilobytes. */
export const V2_MAX_PAYLOAD = 2048;

const V1_PREFIX = Buffer.from("PROXY ");
const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V2_FIXED = 16;
const CR = 0x0d;
const LF = 0x0a;

const INCOMPLETE: ProxyVerdict = { status: "incomplete" };
const invalid = (reason: string): ProxyVerdict => ({ status: "invalid", reason });

/** Judges the bytes received so far; "incomplete" means read more and call again with all of them. */
export function parseProxyHeader(bytes: Uint8Array): ProxyVerdict {
  if (startsWith(bytes, V2_SIGNATURE)) return parseV2(bytes);
  if (startsWith(bytes, V1_PREFIX)) return parseV1(bytes);
  // Still a prefix of one of the two signatures: wait for more.
  if (startsWith(V2_SIGNATURE, bytes) || startsWith(V1_PREFIX, bytes)) return INCOMPLETE;
  return invalid("no PROXY protocol header");
}

function parseV1(bytes: Uint8Array): ProxyVerdict {
  const lf = bytes.indexOf(LF);
  if (lf < 0) return bytes.length >= V1_MAX_BYTES ? invalid("PROXY v1 header too long") : INCOMPLETE;
  if (lf + 1 > V1_MAX_BYTES) return invalid("PROXY v1 header too long");
  if (lf === 0 || bytes[lf - 1] !== CR) return invalid("PROXY v1 header must end with CRLF");
  const consumed = lf + 1;
  const fields = Buffer.from(bytes.subarray(0, lf - 1)).toString("latin1").split(" ");
  // "PROXY UNKNOWN" may carry anything up to the CRLF; the receiver keeps the real endpoints (spec 2.1).
  if (fields[1] === "UNKNOWN") return { status: "done", source: null, consumed };
  if (fields.length !== 6) return invalid("PROXY v1 header needs protocol, two addresses and two ports");
  const [, proto, src, dst, srcPort, dstPort] = fields as [string, string, string, string, string, string];
  const isIp = proto === "TCP4" ? isIPv4 : proto === "TCP6" ? isIPv6 : null;
  if (!isIp) return invalid(`PROXY v1 protocol "${proto.slice(0, 16)}" is not TCP4, TCP6 or UNKNOWN`);
  if (!isIp(src) || !isIp(dst)) return invalid(`PROXY v1 addresses are not ${proto} addresses`);
  if (!isPort(srcPort) || !isPort(dstPort)) return invalid("PROXY v1 ports must be 0 to 65535");
  return { status: "done", source: proto === "TCP6" ? canonicalIpv6(src) : src, consumed };
}

const isPort = (text: string) => /^(0|[1-9]\d{0,4})$/.test(text) && Number(text) <= 65535;

function parseV2(bytes: Uint8Array): ProxyVerdict {
  if (bytes.length < V2_FIXED) return INCOMPLETE;
  const versionCommand = bytes[12]!;
  if (versionCommand >> 4 !== 2) return invalid("PROXY v2 header has an unknown version");
  const command = versionCommand & 0x0f;
  if (command > 1) return invalid("PROXY v2 command is neither LOCAL nor PROXY");
  const family = bytes[13]! >> 4;
  const transport = bytes[13]! & 0x0f;
  const length = (bytes[14]! << 8) | bytes[15]!;
  if (length > V2_MAX_PAYLOAD) return invalid("PROXY v2 header too long");
  const consumed = V2_FIXED + length;
  if (bytes.length < consumed) return INCOMPLETE;
  // LOCAL: the balancer's own health check; its address block, if any, is ignored (spec 2.2).
  if (command === 0) return { status: "done", source: null, consumed };
  if (family === 0) return { status: "done", source: null, consumed };
  if (transport !== 1) return invalid("PROXY v2 transport is not STREAM");
  const body = bytes.subarray(V2_FIXED, consumed);
  if (family === 1) {
    if (length < 12) return invalid("PROXY v2 IPv4 address block is short");
    return { status: "done", source: Array.from(body.subarray(0, 4)).join("."), consumed };
  }
  if (family === 2) {
    if (length < 36) return invalid("PROXY v2 IPv6 address block is short");
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((body[i]! << 8) | body[i + 1]!).toString(16));
    return { status: "done", source: canonicalIpv6(groups.join(":")), consumed };
  }
  // AF_UNIX carries paths, not an address a ban could name; other values are invalid by the spec.
  return invalid(family === 3 ? "PROXY v2 UNIX addresses are not supported" : "PROXY v2 address family is unknown");
}

/**
 * One spelling per IPv6 address (RFC 5952, as URL hosts are written), so bans and per-IP counts match. An
 * IPv4-mapped address (a dual-stack balancer's view of an IPv4 miner) becomes the IPv4 address it maps.
 */
function canonicalIpv6(address: string): string {
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return canonical;
  const [high, low] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** Gathers a connection's first reads until its header is complete; what follows the header is handed back. */
export class ProxyHeaderReader {
  private buffered: Uint8Array = new Uint8Array(0);

  push(chunk: Uint8Array): { status: "incomplete" } | { status: "invalid"; reason: string } | { status: "done"; source: string | null; rest: Uint8Array } {
    const joined = new Uint8Array(this.buffered.length + chunk.length);
    joined.set(this.buffered);
    joined.set(chunk, this.buffered.length);
    const verdict = parseProxyHeader(joined);
    if (verdict.status !== "done") {
      // A copy: the runtime reuses its read buffer.
      this.buffered = joined;
      return verdict;
    }
    this.buffered = new Uint8Array(0);
    return { status: "done", source: verdict.source, rest: joined.subarray(verdict.consumed) };
  }
}
