// Daily routing windows: which upstream the proxy should use at a given instant, read on the wall clock of
// proxy.timeZone. A window [from, to) with to <= from runs past midnight; "24:00" ends a day. Pure functions;
// the proxy core calls upstreamAt on its own clock, which tests replace.

import type { ProxyConfig } from "../config/types.ts";

const DAY = 1440;

export function minutesOf(clock: string): number {
  const [h, m] = clock.split(":").map(Number);
  return h! * 60 + m!;
}

/** A window as pieces of one day, each [start, end) in minutes. */
export function segments(window: { from: string; to: string }): Array<[number, number]> {
  const from = minutesOf(window.from) % DAY;
  const to = minutesOf(window.to);
  if (to > from) return [[from, to]];
  return to === 0 ? [[from, DAY]] : [[from, DAY], [0, to]];
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Minute of the day (0–1439) at `now` in the time zone; throws a RangeError for an unknown zone. */
export function localMinute(now: number, timeZone: string): number {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    formats.set(timeZone, format);
  }
  const parts = format.formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return (get("hour") % 24) * 60 + get("minute");
}

/** The scheduled upstream's name at `now`: the window holding it, else the default, else the first upstream. */
export function upstreamAt(proxy: ProxyConfig, now: number): string | null {
  const minute = localMinute(now, proxy.timeZone);
  for (const u of proxy.upstreams) {
    for (const w of u.schedule) if (segments(w).some(([s, e]) => minute >= s && minute < e)) return u.name;
  }
  return proxy.default ?? proxy.upstreams[0]?.name ?? null;
}

const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

/** The first problem with the proxy keys that the schema cannot see, as "key: reason", or null. */
export function checkProxy(proxy: ProxyConfig): string | null {
  try {
    localMinute(0, proxy.timeZone);
  } catch {
    return `proxy.timeZone: unknown time zone "${proxy.timeZone}"`;
  }
  if (proxy.reconnect.minMs > proxy.reconnect.maxMs) return "proxy.reconnect: minMs is above maxMs";
  const names = new Set<string>();
  const taken: Array<{ start: number; end: number; key: string }> = [];
  for (const [i, u] of proxy.upstreams.entries()) {
    if (names.has(u.name)) return `proxy.upstreams[${i}].name: "${u.name}" is listed twice`;
    names.add(u.name);
    for (const [j, w] of u.schedule.entries()) {
      const key = `proxy.upstreams[${i}].schedule[${j}]`;
      if (minutesOf(w.from) % DAY === minutesOf(w.to) % DAY && !(w.from === "00:00" && w.to === "24:00")) {
        return `${key}: the window ${w.from}-${w.to} is empty (use 00:00-24:00 for all day)`;
      }
      for (const [start, end] of segments(w)) {
        const clash = taken.find((t) => start < t.end && t.start < end);
        if (clash) return `${key}: ${w.from}-${w.to} overlaps ${clash.key}`;
        taken.push({ start, end, key });
      }
    }
  }
  if (proxy.default !== null && !names.has(proxy.default)) return `proxy.default: no upstream is named "${proxy.default}"`;
  if (taken.length > 0 && proxy.default === null) {
    taken.sort((a, b) => a.start - b.start);
    let covered = 0;
    for (const t of taken) {
      if (t.start > covered) break;
      covered = Math.max(covered, t.end);
    }
    if (covered < DAY) {
      const next = taken.find((t) => t.start > covered)?.start ?? DAY;
      return `proxy.default: the schedule leaves ${clock(covered)}-${clock(next)} uncovered; name a default upstream`;
    }
  }
  return null;
}
