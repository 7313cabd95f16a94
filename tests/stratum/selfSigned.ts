// A throwaway self-signed certificate for 127.0.0.1, made with the machine's openssl, for TLS port tests.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface CertFiles {
  dir: string;
  cert: string;
  key: string;
  /** Removes the folder. */
  remove(): void;
}

export function selfSignedCert(): CertFiles {
  const dir = mkdtempSync(join(tmpdir(), "kaspool-tls-"));
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  const proc = Bun.spawnSync([
    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert,
  ]);
  if (proc.exitCode !== 0) throw new Error(`openssl failed: ${proc.stderr.toString()}`);
  return { dir, cert, key, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
