import { describe, expect, test } from "bun:test";
import { parseProxyHeader, ProxyHeaderReader, V2_MAX_PAYLOAD } from "../../src/stratum/proxyProtocol.ts";
import { SIG } from "./proxyHeader.ts";

const text = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

/** A v2 header: version 2, the command, family and transport, then the body (addresses and TLVs). */
function v2(command: number, familyTransport: number, body: number[]): Uint8Array {
  return new Uint8Array([...SIG, 0x20 | command, familyTransport, body.length >> 8, body.length & 0xff, ...body]);
}
const ipv4Body = [203, 0, 113, 7, 10, 0, 0, 1, 0xc3, 0x50, 0x15, 0xb3];
const ipv6Body = [
  0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x01, // 2001:db8::1
  0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
  0x12, 0x34, 0x15, 0xb3,
];

describe("PROXY protocol v1", () => {
  test("TCP4 and TCP6 give the source address and the header length", () => {
    const line = "PROXY TCP4 198.51.100.22 10.0.0.1 56324 5555\r\n";
    expect(parseProxyHeader(text(line))).toEqual({ status: "done", source: "198.51.100.22", consumed: line.length });
    const six = "PROXY TCP6 2001:DB8:0:0::1 ::1 56324 5555\r\n";
    expect(parseProxyHeader(text(six))).toEqual({ status: "done", source: "2001:db8::1", consumed: six.length });
  });

  test("an IPv4-mapped TCP6 source is named by its IPv4 address, as a direct IPv4 miner would be", () => {
    expect(parseProxyHeader(text("PROXY TCP6 ::ffff:198.51.100.22 ::ffff:10.0.0.1 1 2\r\n"))).toMatchObject({ source: "198.51.100.22" });
    expect(parseProxyHeader(text("PROXY TCP6 ::FFFF:C633:6416 ::1 1 2\r\n"))).toMatchObject({ source: "198.51.100.22" });
  });

  test("UNKNOWN keeps the socket's address", () => {
    expect(parseProxyHeader(text("PROXY UNKNOWN\r\n"))).toEqual({ status: "done", source: null, consumed: 15 });
    expect(parseProxyHeader(text("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n"))).toMatchObject({ status: "done", source: null });
  });

  test("a partial header asks for more; a prefix of neither signature is refused at once", () => {
    expect(parseProxyHeader(text(""))).toEqual({ status: "incomplete" });
    expect(parseProxyHeader(text("PRO"))).toEqual({ status: "incomplete" });
    expect(parseProxyHeader(text("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r"))).toEqual({ status: "incomplete" });
    expect(parseProxyHeader(text('{"id":1,"method":"mining.subscribe"}\n'))).toMatchObject({ status: "invalid" });
    expect(parseProxyHeader(text("PROXX"))).toMatchObject({ status: "invalid" });
  });

  test("malformed headers are invalid", () => {
    const bad = [
      "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n", // LF without CR
      "PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n",
      "PROXY TCP4 ::1 ::1 1 2\r\n",
      "PROXY TCP6 1.2.3.4 5.6.7.8 1 2\r\n",
      "PROXY TCP4 1.2.3.4 5.6.7.8 1 65536\r\n",
      "PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n",
      "PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n",
      "PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n",
      "PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n",
    ];
    for (const line of bad) expect(parseProxyHeader(text(line))).toMatchObject({ status: "invalid" });
  });

  test("more than 107 bytes without a line end is too long, whether or not the end has arrived", () => {
    const long = `PROXY UNKNOWN ${"x".repeat(100)}`;
    expect(parseProxyHeader(text(long))).toEqual({ status: "invalid", reason: "PROXY v1 header too long" });
    expect(parseProxyHeader(text(`${long}\r\n`))).toEqual({ status: "invalid", reason: "PROXY v1 header too long" });
    const longest = `PROXY UNKNOWN ${"x".repeat(107 - 14 - 2)}\r\n`;
    expect(longest.length).toBe(107);
    expect(parseProxyHeader(text(longest))).toMatchObject({ status: "done", consumed: 107 });
  });
});

describe("PROXY protocol v2", () => {
  test("PROXY over TCP/IPv4 and TCP/IPv6 gives the source address; TLVs are skipped", () => {
    expect(parseProxyHeader(v2(1, 0x11, ipv4Body))).toEqual({ status: "done", source: "203.0.113.7", consumed: 28 });
    expect(parseProxyHeader(v2(1, 0x21, ipv6Body))).toEqual({ status: "done", source: "2001:db8::1", consumed: 52 });
    const withTlv = v2(1, 0x11, [...ipv4Body, 0x05, 0x00, 0x03, 1, 2, 3]);
    expect(parseProxyHeader(withTlv)).toEqual({ status: "done", source: "203.0.113.7", consumed: 34 });
  });

  test("an IPv4-mapped IPv6 source is named by its IPv4 address", () => {
    const mapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 203, 0, 113, 7, ...ipv6Body.slice(16)];
    expect(parseProxyHeader(v2(1, 0x21, mapped))).toMatchObject({ status: "done", source: "203.0.113.7" });
  });

  test("LOCAL and AF_UNSPEC keep the socket's address", () => {
    expect(parseProxyHeader(v2(0, 0x00, []))).toEqual({ status: "done", source: null, consumed: 16 });
    expect(parseProxyHeader(v2(0, 0x11, ipv4Body))).toEqual({ status: "done", source: null, consumed: 28 });
    expect(parseProxyHeader(v2(1, 0x00, []))).toEqual({ status: "done", source: null, consumed: 16 });
  });

  test("every strict prefix is incomplete", () => {
    const header = v2(1, 0x21, ipv6Body);
    for (let n = 0; n < header.length; n++) expect(parseProxyHeader(header.subarray(0, n))).toEqual({ status: "incomplete" });
  });

  test("malformed headers are invalid", () => {
    const wrongVersion = v2(1, 0x11, ipv4Body);
    wrongVersion[12] = 0x11;
    expect(parseProxyHeader(wrongVersion)).toMatchObject({ status: "invalid", reason: "PROXY v2 header has an unknown version" });
    expect(parseProxyHeader(v2(2, 0x11, ipv4Body))).toMatchObject({ status: "invalid" });
    expect(parseProxyHeader(v2(1, 0x11, ipv4Body.slice(0, 8)))).toMatchObject({ status: "invalid" });
    expect(parseProxyHeader(v2(1, 0x21, ipv4Body))).toMatchObject({ status: "invalid" });
    expect(parseProxyHeader(v2(1, 0x12, ipv4Body))).toMatchObject({ status: "invalid" }); // DGRAM
    expect(parseProxyHeader(v2(1, 0x31, new Array(216).fill(0)))).toMatchObject({ status: "invalid" }); // UNIX
    expect(parseProxyHeader(v2(1, 0x41, ipv4Body))).toMatchObject({ status: "invalid" });
  });

  test("a declared length above the limit is refused before its bytes arrive", () => {
    const fixed = new Uint8Array([...SIG, 0x21, 0x11, (V2_MAX_PAYLOAD + 1) >> 8, (V2_MAX_PAYLOAD + 1) & 0xff]);
    expect(parseProxyHeader(fixed)).toEqual({ status: "invalid", reason: "PROXY v2 header too long" });
  });
});

describe("ProxyHeaderReader", () => {
  test("a header split across reads, byte by byte, completes on its last byte", () => {
    for (const header of [text("PROXY TCP4 198.51.100.22 10.0.0.1 56324 5555\r\n"), v2(1, 0x11, ipv4Body)]) {
      const reader = new ProxyHeaderReader();
      for (let i = 0; i < header.length - 1; i++) expect(reader.push(header.subarray(i, i + 1)).status).toBe("incomplete");
      const last = reader.push(header.subarray(header.length - 1));
      expect(last).toMatchObject({ status: "done" });
      if (last.status === "done") expect(last.rest.length).toBe(0);
    }
  });

  test("a stratum line in the same read as the header is handed back whole", () => {
    const line = '{"id":1,"method":"mining.subscribe","params":[]}\n';
    for (const header of [text("PROXY TCP6 2001:db8::7 ::1 1 2\r\n"), v2(1, 0x21, ipv6Body)]) {
      const reader = new ProxyHeaderReader();
      const bytes = new Uint8Array([...header, ...text(line)]);
      expect(reader.push(bytes.subarray(0, 5)).status).toBe("incomplete");
      const done = reader.push(bytes.subarray(5));
      expect(done.status).toBe("done");
      if (done.status !== "done") return;
      expect(done.source).toMatch(/^2001:db8::(7|1)$/);
      expect(Buffer.from(done.rest).toString()).toBe(line);
    }
  });

  test("a stratum line where a header belongs is invalid", () => {
    const reader = new ProxyHeaderReader();
    expect(reader.push(text('{"id":1,"method":"mining.subscribe","params":[]}\n'))).toMatchObject({ status: "invalid" });
  });
});
