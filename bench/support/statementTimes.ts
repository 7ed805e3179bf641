// Wall time spent in each SQLite statement of this process, by SQL text: what a CPU profile shows
// only as better-sqlite3's `run` and `all`. It found what the profiles could not name: a worker
// polling the outbox once per chat message, and the checkpoints hidden in one commit in fifty.
// Patches better-sqlite3's Statement methods once; they time only between start() and stop().
import SQLite from "better-sqlite3";
import { markdownTable, percentile } from "./report.ts";

type Method = (this: { source: string }, ...args: unknown[]) => unknown;
const stats = new Map<string, { count: number; ms: number }>();
const commits: number[] = [];
let timing = false;

const probe = new SQLite(":memory:");
const statementPrototype = Object.getPrototypeOf(probe.prepare("select 1")) as Record<string, Method>;
probe.close();
for (const name of ["run", "all", "get", "iterate"]) {
  const original = statementPrototype[name] as Method;
  statementPrototype[name] = function (this: { source: string }, ...args: unknown[]) {
    if (!timing) return original.apply(this, args);
    const start = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      const took = performance.now() - start;
      const entry = stats.get(this.source) ?? { count: 0, ms: 0 };
      entry.count++;
      entry.ms += took;
      stats.set(this.source, entry);
      if (this.source === "commit") commits.push(took);
    }
  };
}

export function startStatementTimes(): void {
  stats.clear();
  commits.length = 0;
  timing = true;
}

/** Stops timing; a Markdown table of the statements that took longest, per message sent. */
export function stopStatementTimes(messages: number): string {
  timing = false;
  const sorted = [...commits].sort((a, b) => a - b);
  const slow = sorted.filter((ms) => ms > 5);
  const rows = [...stats]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 20)
    .map(([text, s]) => [(s.ms / messages * 1000).toFixed(1), (s.count / messages).toFixed(2), `\`${text.replace(/\s+/g, " ").slice(0, 110)}\``]);
  return [
    `Commits: ${sorted.length}, p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms; ${slow.length} over 5 ms, ${slow.reduce((a, b) => a + b, 0).toFixed(0)} ms in all.`,
    "",
    markdownTable(["µs / message", "runs / message", "statement"], rows),
  ].join("\n");
}
