// Reads each TLS port's certificate and key once at load time, so a missing file, a wrong format or a key of
// another certificate is a config error naming the key, not a TLS library error when the port opens.

import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Config } from "./types.ts";

/** Returns the first problem as "key: reason", or null. Relative paths are read from the working directory. */
export function checkTlsFiles(config: Config): string | null {
  for (const [i, p] of config.stratum.ports.entries()) {
    if (!p.tls) continue;
    const key = `stratum.ports[${i}].tls`;
    const certPem = read(p.tls.cert);
    if (typeof certPem !== "string") return `${key}.cert: cannot read ${p.tls.cert} (${certPem.error})`;
    const keyPem = read(p.tls.key);
    if (typeof keyPem !== "string") return `${key}.key: cannot read ${p.tls.key} (${keyPem.error})`;
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(certPem);
    } catch {
      return `${key}.cert: ${p.tls.cert} is not a PEM certificate`;
    }
    let privateKey: ReturnType<typeof createPrivateKey>;
    try {
      privateKey = createPrivateKey(keyPem);
    } catch {
      return `${key}.key: ${p.tls.key} is not an unencrypted PEM private key`;
    }
    if (!cert.checkPrivateKey(privateKey)) return `${key}.key: ${p.tls.key} is not the key of the certificate in ${p.tls.cert}`;
  }
  return null;
}

function read(path: string): string | { error: string } {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? "unreadable" };
  }
}
