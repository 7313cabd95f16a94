// The compose stack as files: Debian's docker-compose, nginx and promtool accept them, and every port, URL and
// variable in them agrees with the pool's configuration. The containers themselves never run here.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaults } from "../../src/config/defaults.ts";
import { hasTool, run } from "./tools.ts";
import { writeNginxCopy } from "./nginxConf.ts";

const config = JSON.parse(readFileSync("config/config.json", "utf8"));
const API_PORT: number = config.api.port;
const STRATUM_PORTS: number[] = config.stratum.ports.map((p: { port: number }) => p.port);
const composeText = readFileSync("docker-compose.yml", "utf8");
const nginxText = readFileSync("nginx.conf", "utf8");
const dir = mkdtempSync(join(tmpdir(), "kaspool-ops-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Environment for docker-compose with none of the stack's variables inherited from this shell. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir };
  return env;
}
function envFile(overrides: Record<string, string | null> = {}): string {
  const lines = readFileSync(".env.example", "utf8").split("\n").filter((l) => {
    const name = l.split("=")[0]!;
    return !(name in overrides && overrides[name] === null);
  });
  for (const [k, v] of Object.entries(overrides)) if (v !== null) lines.push(`${k}=${v}`);
  const file = join(dir, `env-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, lines.join("\n"));
  return file;
}
type Service = Record<string, any>;
function composeConfig(profile: string | null, file = envFile()) {
  const argv = ["docker-compose", "--project-directory", ".", "-f", "docker-compose.yml", "--env-file", file];
  if (profile) argv.push("--profile", profile);
  const r = run([...argv, "config"], cleanEnv());
  return { ...r, doc: r.status === 0 ? (Bun.YAML.parse(r.stdout) as { services: Record<string, Service>; volumes: Record<string, unknown> }) : null };
}
const healthcheckText = (s: Service) => (s.healthcheck?.test ?? []).join(" ");
/** docker-compose 1.29 prints ports with a host address as "ip:published:target/proto", the others as objects. */
const publishedPorts = (s: Service) =>
  (s.ports ?? []).map((p: any) => {
    if (typeof p !== "string") return { hostIp: p.host_ip ?? null, published: Number(p.published), target: Number(p.target) };
    const [ip, published, target] = p.replace(/\/tcp$/, "").split(":");
    return { hostIp: ip, published: Number(published), target: Number(target) };
  });

const SERVICES = ["kaspool-app", "kaspool-payer", "kaspool-db", "kaspool-backup", "prometheus", "pushgateway", "grafana", "nginx", "kaspad", "kaspool-devnet"];
const haveCompose = hasTool("docker-compose");

describe.skipIf(!haveCompose)("docker-compose config", () => {
  const base = haveCompose ? composeConfig(null) : null;
  const svc = (name: string): Service => base!.doc!.services[name]!;

  test("accepts the file alone and with each profile, and the profiles hold the node and the devnet", () => {
    for (const profile of [null, "node", "devnet"]) {
      const r = composeConfig(profile);
      expect(r.stderr).not.toContain("ERROR");
      expect(r.status).toBe(0);
      expect(Object.keys(r.doc!.services).sort()).toEqual([...SERVICES].sort());
    }
    expect(svc("kaspad").profiles).toEqual(["node"]);
    expect(svc("kaspool-devnet").profiles).toEqual(["devnet"]);
    for (const name of SERVICES.filter((n) => n !== "kaspad" && n !== "kaspool-devnet")) expect(svc(name).profiles).toBeUndefined();
  }, 60_000);

  test("refuses to start without the required secrets", () => {
    for (const name of ["POSTGRES_PASSWORD", "POSTGRES_USER", "GRAFANA_ADMIN_PASSWORD"]) {
      const r = composeConfig(null, envFile({ [name]: null }));
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(`set ${name} in .env`);
    }
  }, 60_000);

  test("every service has a healthcheck, a restart policy and a non-root user", () => {
    for (const name of SERVICES) {
      const s = svc(name);
      expect({ name, test: s.healthcheck?.test?.length > 1 }).toEqual({ name, test: true });
      expect({ name, restart: s.restart }).toEqual({ name, restart: "unless-stopped" });
      expect({ name, rootUser: /^(root|0)(:|$)/.test(String(s.user ?? "root")) }).toEqual({ name, rootUser: false });
    }
    const dockerfile = readFileSync("Dockerfile", "utf8");
    expect(dockerfile).toMatch(/^USER bun$/m);
    expect(dockerfile).toMatch(/^FROM oven\/bun:1\.4\.5/m);
    expect(readFileSync(".ci/run", "utf8")).toContain("BUN_VERSION=1.4.5");
    expect(dockerfile).toContain("bun install --frozen-lockfile");
    expect(readFileSync("backup/Dockerfile", "utf8")).toMatch(/^USER postgres$/m);
  });

  test("kaspool-db keeps its data in the postgres_data volume and creates the schema from init.sql", () => {
    const volumes: string[] = svc("kaspool-db").volumes;
    expect(volumes).toContain("postgres_data:/var/lib/postgresql/data:rw");
    expect(volumes).toContain(`${process.cwd()}/init.sql:/docker-entrypoint-initdb.d/init.sql:ro`);
    expect(Object.keys(base!.doc!.volumes)).toContain("postgres_data");
  });

  test("only kaspool-payer holds the treasury key", () => {
    const holders = SERVICES.filter((n) => "TREASURY_PRIVATE_KEY" in (svc(n).environment ?? {}));
    expect(holders).toEqual(["kaspool-payer"]);
  });

  test("the app publishes its stratum ports and keeps the API, metrics, Postgres and Grafana off the public interfaces", () => {
    const app = svc("kaspool-app");
    expect(STRATUM_PORTS).toEqual(defaults.stratum!.ports!.map((p) => p.port));
    expect(publishedPorts(app)).toEqual(STRATUM_PORTS.map((p) => ({ hostIp: null, published: p, target: p })));
    expect(app.expose.map(Number)).toEqual([API_PORT]);
    for (const name of ["kaspool-payer", "kaspool-db", "kaspool-backup", "prometheus", "pushgateway", "kaspool-devnet"]) {
      expect({ name, ports: svc(name).ports }).toEqual({ name, ports: undefined });
    }
    expect(publishedPorts(svc("grafana")).map((p: { hostIp: string | null }) => p.hostIp)).toEqual(["127.0.0.1"]);
    expect(publishedPorts(svc("nginx"))).toEqual([{ hostIp: null, published: 80, target: 8080 }]);
  });

  test("ports and URLs agree with the pool's config: API, /ready, /metrics, Pushgateway, node, nginx", () => {
    const app = svc("kaspool-app");
    const ready = `http://127.0.0.1:${API_PORT}/ready`;
    expect(healthcheckText(app)).toContain(ready);
    expect(readFileSync("Dockerfile", "utf8")).toContain(ready);
    const exposed = readFileSync("Dockerfile", "utf8").match(/^EXPOSE (.+)$/m)![1]!.split(" ").map(Number);
    expect(exposed.sort()).toEqual([...STRATUM_PORTS, API_PORT].sort());
    expect(app.environment.API_HOST).toBe("0.0.0.0");

    // Prometheus scrapes the API port's /metrics and the Pushgateway the pool pushes to.
    const prom = Bun.YAML.parse(readFileSync("prometheus.yml", "utf8")) as any;
    const job = (name: string) => prom.scrape_configs.find((j: any) => j.job_name === name);
    expect(job("kaspool").static_configs[0].targets).toEqual([`kaspool-app:${API_PORT}`]);
    expect(job("kaspool").metrics_path).toBe("/metrics");
    const push = new URL(app.environment.PUSHGATEWAY);
    expect(svc("kaspool-payer").environment.PUSHGATEWAY).toBe(app.environment.PUSHGATEWAY);
    expect(job("pushgateway").static_configs[0].targets).toEqual([push.host]);
    expect(job("pushgateway").honor_labels).toBe(true);
    expect(svc(push.hostname).expose.map(Number)).toEqual([Number(push.port)]);
    expect(healthcheckText(svc("pushgateway"))).toContain(`127.0.0.1:${push.port}/`);
    const prometheusPort = Number(svc("prometheus").expose[0]);
    expect(healthcheckText(svc("prometheus"))).toContain(`127.0.0.1:${prometheusPort}/`);
    const datasource = Bun.YAML.parse(readFileSync("grafana/provisioning/datasources/prometheus.yml", "utf8")) as any;
    expect(datasource.datasources[0].url).toBe(`http://prometheus:${prometheusPort}`);

    // Both node profiles answer where NODE_URL points.
    const node = new URL(app.environment.NODE_URL);
    expect(svc("kaspool-payer").environment.NODE_URL).toBe(app.environment.NODE_URL);
    const kaspad = svc("kaspad");
    expect(kaspad.networks.default.aliases).toContain(node.hostname);
    expect(kaspad.command).toContain(`--rpclisten-json=0.0.0.0:${node.port}`);
    expect(kaspad.command).toContain("--utxoindex");
    expect(healthcheckText(kaspad)).toContain(`:${Number(node.port).toString(16).toUpperCase()} 00000000:0000 0A`);
    const devnet = svc("kaspool-devnet");
    expect(devnet.networks.default.aliases).toContain(node.hostname);
    expect(devnet.command.join(" ")).toContain(`--port ${node.port}`);
    expect(devnet.command.join(" ")).toContain("--host 0.0.0.0");
    expect(healthcheckText(devnet)).toContain(`127.0.0.1:${node.port}/`);
    expect(config.network).toBe("devnet"); // the shipped config mines on the devnet profile as it is

    // nginx proxies to the API port and listens where compose maps it.
    expect(nginxText).toContain(`set $kaspool_api kaspool-app:${API_PORT};`);
    const nginxPort = publishedPorts(svc("nginx"))[0].target;
    expect(nginxText).toMatch(new RegExp(`^\\s*listen ${nginxPort};`, "m"));
    expect(healthcheckText(svc("nginx"))).toContain(`127.0.0.1:${nginxPort}/nginx-health`);

    // The database URL the services get names the database kaspool-db creates.
    const db = svc("kaspool-db").environment;
    for (const name of ["kaspool-app", "kaspool-payer", "kaspool-backup"]) {
      const url = new URL(svc(name).environment.DATABASE_URL);
      expect([url.hostname, url.username, url.password, url.pathname]).toEqual(["kaspool-db", db.POSTGRES_USER, db.POSTGRES_PASSWORD, `/${db.POSTGRES_DB}`]);
    }
  });

  test("every variable is in .env.example with a comment, and every one the pool reads is passed to it", () => {
    const example = readFileSync(".env.example", "utf8").split("\n");
    const listed = new Map<string, boolean>();
    example.forEach((line, i) => {
      // "#NAME=value" lists an optional variable whose compose default is the value shown.
      const m = line.match(/^#?([A-Z_][A-Z0-9_]*)=/);
      if (m) listed.set(m[1]!, example.slice(0, i).reverse().find((l) => !/^#?[A-Z_][A-Z0-9_]*=/.test(l))?.startsWith("#") ?? false);
    });
    const used = new Set([...composeText.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!));
    expect([...used].sort()).toEqual([...listed.keys()].sort());
    for (const [name, commented] of listed) expect({ name, commented }).toEqual({ name, commented: true });
    for (const [, name, value] of readFileSync(".env.example", "utf8").matchAll(/^#([A-Z_][A-Z0-9_]*)=(.*)$/gm)) {
      expect(composeText).toContain(`\${${name}:-${value}}`);
    }

    // Every variable the code reads (process.env.X, env.X, envBoolean(env, "X"), $X in backup/) is described:
    // as an entry above, or in the closing list of what compose sets itself ("# - NAME: …").
    const sources = [...new Bun.Glob("src/**/*.ts").scanSync("."), "index.ts"].map((f) => readFileSync(f, "utf8")).join("\n");
    const read = new Set([...sources.matchAll(/\benv(?:\.([A-Z_][A-Z0-9_]*)|, "([A-Z_][A-Z0-9_]*)")/g)].map((m) => (m[1] ?? m[2])!));
    expect(read.size).toBeGreaterThan(8);
    const backupRead = [...new Bun.Glob("backup/*.sh").scanSync(".")].flatMap((f) => [...readFileSync(f, "utf8").matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!));
    const described = new Set(example.flatMap((line) => line.match(/^# - ([A-Z_][A-Z0-9_]*): \S/)?.[1] ?? []));
    for (const name of [...read, ...backupRead]) {
      expect({ name, inExample: listed.has(name) || described.has(name) }).toEqual({ name, inExample: true });
    }
    for (const name of described.keys()) expect({ name, alsoAnEntry: listed.has(name) }).toEqual({ name, alsoAnEntry: false });

    // What the pool and the payer read reaches them, but the tests' crash hook.
    const passed = new Set([...Object.keys(svc("kaspool-app").environment), ...Object.keys(svc("kaspool-payer").environment)]);
    for (const name of read) if (name !== "KASPOOL_PAYER_CRASH_AFTER") expect({ name, passed: passed.has(name) }).toEqual({ name, passed: true });
    for (const name of new Set(backupRead)) expect({ name, passed: name in svc("kaspool-backup").environment }).toEqual({ name, passed: true });
  });

  test("containers log one JSON object per line unless .env says otherwise", () => {
    for (const name of ["kaspool-app", "kaspool-payer"]) expect({ name, format: svc(name).environment.LOG_FORMAT }).toEqual({ name, format: "json" });
    expect(composeText).toContain("LOG_FORMAT: ${LOG_FORMAT:-json}");
  });

  test("the API trusts X-Forwarded-For only where nginx is its only way in, and nginx sets it, never appends", () => {
    expect(svc("kaspool-app").environment.API_TRUST_PROXY).toBe("1");
    expect(svc("kaspool-app").ports.map(String).join(" ")).not.toContain(String(API_PORT));
    expect(nginxText).toMatch(/^\s*proxy_set_header X-Forwarded-For \$remote_addr;$/m);
    expect(nginxText).not.toContain("$proxy_add_x_forwarded_for");
  });
});

describe("nginx and Prometheus check their own files", () => {
  test.skipIf(!hasTool("nginx"))("nginx -t accepts nginx.conf (upstreams on loopback)", () => {
    const file = writeNginxCopy({ dir, listenPort: 18080, upstreams: { [`kaspool-app:${API_PORT}`]: "127.0.0.1:1" }, required: [`kaspool-app:${API_PORT}`] });
    const r = run(["nginx", "-t", "-p", dir, "-c", file, "-e", join(dir, "startup.log")]);
    expect(r.stderr).toContain("test is successful");
    expect(r.status).toBe(0);
  });

  test.skipIf(!hasTool("promtool"))("promtool check config accepts prometheus.yml", () => {
    const r = run(["promtool", "check", "config", "prometheus.yml"]);
    expect(r.stdout + r.stderr).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });
});

test("the README's Running with Docker walks through .env, profiles, ports, TLS, backups and upgrades, and says what never ran", () => {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.slice(readme.indexOf("## Running with Docker"), readme.indexOf("\n## ", readme.indexOf("## Running with Docker") + 1));
  const steps = [...section.matchAll(/^\*\*\d+\. ([^*]+)\*\*/gm)].map((m) => m[1]!.replace(/\.$/, ""));
  expect(steps).toEqual(["`.env`", "`config/config.json`", "Profiles", "Ports", "TLS", "Backups", "Upgrades"]);
  expect(section).toContain("cp .env.example .env");
  for (const profile of ["--profile devnet", "--profile node"]) expect(section).toContain(`docker compose ${profile} up -d`);
  expect(section).toContain("**no image was built and no container ever ran**");
  expect(section).toContain("Not verified:");
  // Every service of the compose file is introduced.
  const rows = section.split("\n").filter((l) => l.startsWith("| `"));
  for (const name of SERVICES) expect({ name, introduced: rows.some((r) => r.split("|")[1]!.includes(`\`${name}\``)) }).toEqual({ name, introduced: true });
});
