import { expect, test } from "bun:test";
import { parseStratumUrl } from "../../src/miner/lineSocket.ts";

test("stratum+ssl asks for TLS; stratum+tcp, tcp and a bare HOST:PORT do not", () => {
  expect(parseStratumUrl("stratum+ssl://pool.example:5443")).toEqual({ host: "pool.example", port: 5443, tls: true });
  expect(parseStratumUrl("stratum+ssl://[::1]:5443")).toEqual({ host: "::1", port: 5443, tls: true });
  expect(parseStratumUrl("stratum+tcp://127.0.0.1:5555")).toEqual({ host: "127.0.0.1", port: 5555, tls: false });
  expect(parseStratumUrl("tcp://127.0.0.1:5555")).toMatchObject({ tls: false });
  expect(parseStratumUrl("127.0.0.1:5555")).toMatchObject({ tls: false });
  for (const bad of ["stratum+tls://h:1", "ssl://h:1", "https://h:443", "stratum+ssl://h:0", "stratum+ssl://h"]) {
    expect(() => parseStratumUrl(bad)).toThrow("expected stratum+tcp://HOST:PORT or stratum+ssl://HOST:PORT");
  }
});
