// Summarizes a V8 .cpuprofile (from `npm run bench -- chat --profile dir`, or node --cpu-prof) as
// tables: where the busy time went by area (our code, each package, Node internals, GC), and the
// functions with the most self and inclusive time. Idle time is left out of every share.
//
//   npx tsx bench/support/profileSummary.ts <file.cpuprofile> [--top 25] [--markdown]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { markdownTable } from "./report.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  /** Sampled time the process was not idle, ms. */
  busyMs: number;
  totalMs: number;
  areas: [string, number][];
  self: [string, number][];
  inclusive: [string, number][];
}

const IDLE = new Set(["(idle)", "(program)"]);

/** The package (or "destek src/…", "node:…") a frame belongs to. */
function areaOf(url: string, name: string): string {
  if (name === "(garbage collector)") return "garbage collector";
  if (!url) return "V8 / native";
  if (url.startsWith("node:")) return "Node internals";
  const modules = url.lastIndexOf("/node_modules/");
  if (modules !== -1) {
    const rest = url.slice(modules + "/node_modules/".length).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? "?");
  }
  const src = url.indexOf("/src/");
  if (src !== -1) return `destek ${url.slice(src + 1).split("/").slice(0, 2).join("/")}`;
  return url.replace(/^file:\/\//, "");
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url ? url.replace(/^.*\/node_modules\//, "").replace(/^file:\/\/.*?\/(src|bench)\//, "$1/") : "";
  return `${functionName || "(anonymous)"}${file ? ` ${file}:${lineNumber + 1}` : ""}`;
}

export function summarize(profile: Profile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  let busy = 0;
  let total = 0;
  profile.samples.forEach((id, i) => {
    // A sample's weight is the time until the next one (V8 stores the delta before it).
    const us = profile.timeDeltas[i + 1] ?? 0;
    total += us;
    const leaf = byId.get(id);
    if (!leaf || IDLE.has(leaf.callFrame.functionName)) return;
    busy += us;
    const leafLabel = label(leaf);
    self.set(leafLabel, (self.get(leafLabel) ?? 0) + us);
    const area = areaOf(leaf.callFrame.url, leaf.callFrame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    // Each function once per sample, however deep it recurses.
    const seen = new Set<string>();
    for (let n: ProfileNode | undefined = leaf; n; n = byId.get(parent.get(n.id) ?? -1)) {
      const l = label(n);
      if (seen.has(l) || n.callFrame.functionName === "(root)") continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + us);
    }
  });
  const ranked = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => [k, v / 1000] as [string, number]);
  return { busyMs: busy / 1000, totalMs: total / 1000, areas: ranked(areas, 20), self: ranked(self, top), inclusive: ranked(inclusive, top) };
}

/** The summary as markdown tables; `perMessage` divides times by that many messages. */
export function summaryTables(s: ProfileSummary, messages?: number): string {
  const pct = (v: number) => `${((100 * v) / s.busyMs).toFixed(1)} %`;
  const per = (v: number) => (messages ? (v / messages).toFixed(3) : v.toFixed(0));
  const unit = messages ? "ms / message" : "ms";
  return [
    `Busy ${s.busyMs.toFixed(0)} ms of ${s.totalMs.toFixed(0)} ms sampled${messages ? ` (${(s.busyMs / messages).toFixed(3)} ms per message over ${messages})` : ""}.`,
    "",
    markdownTable(["area (self time)", unit, "share of busy"], s.areas.map(([k, v]) => [k, per(v), pct(v)])),
    "",
    markdownTable(["function (self time)", unit, "share"], s.self.map(([k, v]) => [`\`${k}\``, per(v), pct(v)])),
    "",
    markdownTable(["function (inclusive time)", unit, "share"], s.inclusive.map(([k, v]) => [`\`${k}\``, per(v), pct(v)])),
  ].join("\n");
}

if (process.argv[1]?.endsWith("profileSummary.ts")) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "25" }, messages: { type: "string" } } });
  const file = positionals[0];
  if (!file) {
    console.error("usage: profileSummary.ts <file.cpuprofile> [--top 25] [--messages N]");
    process.exit(1);
  }
  const summary = summarize(JSON.parse(readFileSync(file, "utf8")) as Profile, Number(values.top));
  console.log(summaryTables(summary, values.messages ? Number(values.messages) : undefined));
}
