// PROXY protocol headers as a balancer sends them, for tests of proxyProtocol ports (the pool's and the proxy's).

/** The v2 signature (HAProxy's doc/proxy-protocol.txt, 2.2). */
export const SIG = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];

export type ProxyVersion = "v1" | "v2";

/** A TCP over IPv4 header claiming `ip` as the source, followed by `after` in the same write. */
export function proxyHeader(version: ProxyVersion, ip: string, after = ""): Uint8Array {
  if (version === "v1") return new Uint8Array(Buffer.from(`PROXY TCP4 ${ip} 10.0.0.1 40000 5555\r\n${after}`));
  const octets = ip.split(".").map(Number);
  const body = [...octets, 10, 0, 0, 1, 0x9c, 0x40, 0x15, 0xb3];
  return new Uint8Array([...SIG, 0x21, 0x11, 0, body.length, ...body, ...Buffer.from(after)]);
}
