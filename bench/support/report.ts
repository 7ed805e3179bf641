// BENCHMARKS.md is made from the latest result of each benchmark, kept in bench/results/<name>.json:
// running one benchmark replaces its own section and leaves the others' as they were, each with the
// machine, command and date it was measured with. Hand-written notes in bench/notes/<name>.md (profiles,
// what was tried) follow their benchmark's figures.
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { resolve } from "node:path";

export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  /** One-minute load average when the run started: other work on the machine skews every figure. */
  loadAverage: number;
}

export interface BenchResult {
  name: string;
  title: string;
  command: string;
  date: string;
  machine: Machine;
  /** Markdown: tables and notes, figures beside their targets or baselines. */
  body: string;
}

/** Where the benchmarks are listed in BENCHMARKS.md. */
const ORDER = ["chat", "memory", "widget", "calls", "recording", "telegram", "console", "search", "reports"];

const resultsDir = resolve(import.meta.dirname, "..", "results");
/** Hand-written findings kept beside a benchmark's figures (bench/notes/<name>.md): profiles, what was tried. */
const notesDir = resolve(import.meta.dirname, "..", "notes");
const reportFile = resolve(import.meta.dirname, "..", "..", "BENCHMARKS.md");

export function machine(): Machine {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: Number(loadavg()[0]?.toFixed(1)),
  };
}

export function saveResult(result: BenchResult): void {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(resolve(resultsDir, `${result.name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(reportFile, renderReport());
  console.log(`\n${result.title}\n\n${result.body}\nBENCHMARKS.md rewritten.`);
}

function renderReport(): string {
  const results = readdirSync(resultsDir)
    .filter((file) => file.endsWith(".json"))
    .map((file) => JSON.parse(readFileSync(resolve(resultsDir, file), "utf8")) as BenchResult)
    .sort((a, b) => rank(a.name) - rank(b.name));
  const sections = results.map((r) => {
    const m = r.machine;
    return [
      `## ${r.title}`,
      "",
      `Measured ${r.date} with \`${r.command}\` on ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, load average ${m.loadAverage} at the start.`,
      "",
      r.body.trim(),
      "",
      ...notesOf(r.name),
    ].join("\n");
  });
  return [
    "# Benchmarks",
    "",
    "Made by `npm run bench` (every benchmark) or `npm run bench -- <name>` (one of them), which rewrite this",
    "file from `bench/results/`. Figures depend on the machine and on what else it was doing: compare runs",
    "made on the same machine, and read the load average noted with each.",
    "",
    ...sections,
  ].join("\n");
}

function notesOf(name: string): string[] {
  const file = resolve(notesDir, `${name}.md`);
  return existsSync(file) ? [readFileSync(file, "utf8").trim(), ""] : [];
}

const rank = (name: string) => {
  const i = ORDER.indexOf(name);
  return i === -1 ? ORDER.length : i;
};

/** The p-th percentile of sorted numbers. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export function markdownTable(header: string[], rows: (string | number)[][]): string {
  return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");
}

/** Milliseconds for a table: 1.5 ms, 47 ms, 1.2 s. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return "–";
  if (value >= 1000) return `${(value / 1000).toFixed(1)} s`;
  return value >= 10 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}
