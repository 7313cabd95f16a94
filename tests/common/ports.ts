// For the one case port 0 cannot serve: a port another process must be told before it binds (a Prometheus or
// Pushgateway listen address). The probe is released before that process binds, so another test can take it in
// between: wherever the code under test can bind port 0 and report the port, use that instead.

/** A port the OS just handed out on 127.0.0.1, released again. */
export function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}
