// A child process's output, collected as it runs (read to the end, so the child never blocks on a full pipe), and
// waited on: how tests learn the ports a pool or proxy bound from its log lines.

import type { Subprocess } from "bun";

export interface Output {
  stdout(): string;
  stderr(): string;
  /** stdout, then stderr. */
  output(): string;
  /** The first match of `re` in the output, or null once `ms` passed or the process exited without it. */
  waitFor(re: RegExp, ms: number): Promise<RegExpMatchArray | null>;
  /** Like waitFor, but throws (`failure`, or what was awaited) with the output's end when nothing matched. */
  line(re: RegExp, ms: number, failure?: string): Promise<RegExpMatchArray>;
  /** The port `re`'s first group captures in the output; throws `failure` with the output if none within `ms`. */
  reportedPort(re: RegExp, ms: number, failure: string): Promise<number>;
  /** Both streams read to their end. */
  drained: Promise<void>;
}

export function collectOutput(proc: Subprocess<"ignore" | "pipe", "pipe", "pipe">): Output {
  const out: string[] = [];
  const err: string[] = [];
  const drain = async (stream: ReadableStream<Uint8Array>, into: string[]) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) into.push(decoder.decode(chunk, { stream: true }));
  };
  const output = () => out.join("") + err.join("");
  const waitFor = async (re: RegExp, ms: number) => {
    const deadline = Date.now() + ms;
    while (!re.test(output()) && Date.now() < deadline && proc.exitCode === null) await Bun.sleep(50);
    return output().match(re);
  };
  const line = async (re: RegExp, ms: number, failure = `no ${re} within ${ms} ms`) => {
    const found = await waitFor(re, ms);
    if (!found) throw new Error(`${failure}:\n${output().slice(-3000)}`);
    return found;
  };
  return {
    stdout: () => out.join(""),
    stderr: () => err.join(""),
    output,
    waitFor,
    line,
    reportedPort: async (re, ms, failure) => Number((await line(re, ms, failure))[1]),
    drained: Promise.all([drain(proc.stdout, out), drain(proc.stderr, err)]).then(() => {}),
  };
}
