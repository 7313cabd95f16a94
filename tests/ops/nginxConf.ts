// A runnable copy of the repository's nginx.conf: the compose host names swapped for loopback addresses, the
// listen port and the /tmp paths moved into a test directory. Each rewrite must match, so the copy never
// silently drifts from the file it stands for.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface NginxCopy {
  /** Where the file is written; also the nginx prefix (pid, temp files). */
  dir: string;
  listenPort: number;
  /** "host:port" in the compose network → "127.0.0.1:port" here. Entries absent from nginx.conf are fine. */
  upstreams: Record<string, string>;
  /** Upstreams that must appear in nginx.conf. */
  required: string[];
}

export function writeNginxCopy(copy: NginxCopy): string {
  let text = readFileSync("nginx.conf", "utf8");
  const swap = (from: string | RegExp, to: string, what: string) => {
    const next = typeof from === "string" ? text.replaceAll(from, to) : text.replace(from, to);
    if (next === text) throw new Error(`nginx.conf: ${what} not found`);
    text = next;
  };
  for (const host of copy.required) if (!text.includes(host)) throw new Error(`nginx.conf: upstream ${host} not found`);
  for (const [host, to] of Object.entries(copy.upstreams)) text = text.replaceAll(host, to);
  swap(/^(\s*)listen 8080;/gm, `$1listen 127.0.0.1:${copy.listenPort};`, "listen 8080");
  swap("/tmp/", `${copy.dir}/`, "/tmp paths");
  swap("error_log /dev/stderr", `error_log ${copy.dir}/error.log`, "error_log");
  swap("access_log /dev/stdout", `access_log ${copy.dir}/access.log`, "access_log");
  const file = join(copy.dir, "nginx.conf");
  writeFileSync(file, text);
  return file;
}
