// One line per event: readable text on a terminal, one JSON object per line for log collectors (log.format).
// Debug lines appear only with debug on. Callers never pass secrets; URLs go through redactUrl.

type Level = "debug" | "info" | "warn" | "error";
export type LogFormat = "text" | "json" | "auto";

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

// Until the configuration is loaded: text, and debug from the environment (DEBUG=1), so start-up errors show.
const settings = { json: false, debug: null as boolean | null };

/** Applies the configuration's log settings to every logger in the process. `auto` is JSON when stdout is not a terminal. */
export function configureLogs(o: { format: LogFormat; debug: boolean }): void {
  settings.json = o.format === "json" || (o.format === "auto" && !process.stdout.isTTY);
  settings.debug = o.debug;
}

const debugEnabled = () => settings.debug ?? (!!process.env.DEBUG && process.env.DEBUG !== "0");

const show = (v: unknown) => (typeof v === "string" ? v : typeof v === "bigint" ? v.toString() : String(v));

function textLine(level: Level, scope: string, msg: string, fields?: Record<string, unknown>): string {
  const parts = Object.entries(fields ?? {}).map(([k, v]) => ` ${k}=${show(v)}`).join("");
  return `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${scope}] ${msg}${parts}`;
}

function jsonLine(level: Level, scope: string, msg: string, fields?: Record<string, unknown>): string {
  const out: Record<string, string | number | boolean | null> = { time: new Date().toISOString(), level, scope, msg };
  for (const [k, v] of Object.entries(fields ?? {})) {
    if (k in out) continue;
    out[k] = typeof v === "number" || typeof v === "boolean" || v === null ? v : show(v);
  }
  return JSON.stringify(out);
}

export function createLogger(scope: string): Logger {
  const write = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (level === "debug" && !debugEnabled()) return;
    const line = (settings.json ? jsonLine : textLine)(level, scope, msg, fields);
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

/** The same logger with its info lines demoted to debug: for a part whose routine chatter would bury the pool's. */
export function quietInfo(log: Logger): Logger {
  return { ...log, info: log.debug, child: (s) => quietInfo(log.child(s)) };
}

/** A URL as it may be logged: user and password (ws://user:pass@host) are replaced, never shown. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/i, "$1***@");
}

/** A logger that drops everything, for tests and benchmarks that would otherwise flood the output. */
export const silentLogger: Logger = {
  debug() {}, info() {}, warn() {}, error() {},
  child() { return silentLogger; },
};
