// One-line, leveled logs. Debug lines appear only with DEBUG set. Callers never pass secrets.

type Level = "debug" | "info" | "warn" | "error";

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

const debugEnabled = () => !!process.env.DEBUG && process.env.DEBUG !== "0";

function format(fields?: Record<string, unknown>): string {
  if (!fields) return "";
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === "string" ? v : String(v)}`);
  return parts.length ? " " + parts.join(" ") : "";
}

export function createLogger(scope: string): Logger {
  const write = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (level === "debug" && !debugEnabled()) return;
    const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${scope}] ${msg}${format(fields)}`;
    (level === "error" || level === "warn" ? console.error : console.log)(line);
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (s) => createLogger(`${scope}:${s}`),
  };
}

/** A logger that drops everything, for tests and benchmarks that would otherwise flood the output. */
export const silentLogger: Logger = {
  debug() {}, info() {}, warn() {}, error() {},
  child() { return silentLogger; },
};
