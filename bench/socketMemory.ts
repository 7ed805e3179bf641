// Memory per idle visitor socket: the server's resident and heap growth, after a full GC, when 1k,
// 5k and 10k widgets are connected and doing nothing, for destek and for the bare relay.
//   npm run bench -- memory [--counts 1000,5000,10000] [--targets relay,sqlite]
import { parseArgs } from "node:util";
import { type BenchServer, startBareRelay, startDestekNode } from "./support/nodes.ts";
import { machine, markdownTable, saveResult } from "./support/report.ts";
import { ask, spawnWorker } from "./support/threads.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { counts: { type: "string", default: "1000,5000,10000" }, targets: { type: "string", default: "relay,sqlite" }, threads: { type: "string", default: "2" } },
});
const counts = values.counts.split(",").map(Number);
const threads = Number(values.threads);
const TARGET_KB = 20;

interface Row {
  target: string;
  sockets: number;
  rssPerSocket: number;
  heapPerSocket: number;
}

async function measure(target: string, count: number): Promise<Row> {
  const server: BenchServer = target === "relay" ? await startBareRelay() : await startDestekNode("destek, SQLite");
  const workers = Array.from({ length: threads }, () => spawnWorker("chatLoadWorker.ts"));
  try {
    const before = await server.memory();
    const url = `http://127.0.0.1:${server.port}/visitor`;
    await Promise.all(workers.map((w, i) => ask(w, { type: "connect", urls: [url], count: Math.ceil(count / threads), prefix: `m${i}` }, "connected")));
    // Settle: handshakes leave short-lived garbage and buffers that the GC in memory() then frees.
    await new Promise((ok) => setTimeout(ok, 2_000));
    const after = await server.memory();
    const connected = Math.ceil(count / threads) * threads;
    return { target, sockets: connected, rssPerSocket: (after.rss - before.rss) / connected, heapPerSocket: (after.heapUsed - before.heapUsed) / connected };
  } finally {
    await Promise.all(workers.map((w) => ask(w, { type: "close" }, "closed").finally(() => w.terminate())));
    await server.stop();
  }
}

const atStart = machine();
const rows: Row[] = [];
for (const target of values.targets.split(",")) {
  for (const count of counts) {
    const row = await measure(target, count);
    console.log(`${target}, ${row.sockets} sockets: ${(row.rssPerSocket / 1024).toFixed(1)} KB resident, ${(row.heapPerSocket / 1024).toFixed(1)} KB heap per socket`);
    rows.push(row);
  }
}
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const label = (t: string) => (t === "relay" ? "bare relay" : "destek, SQLite");
const body = [
  `Idle visitor sockets (WebSocket transport), connected 50 at a time and then left alone; growth of the server process after a full GC, divided by the sockets; the target is checked against the larger of the two figures. Target: ≤ ${TARGET_KB} KB per socket for destek (Centrifugo reports 30–50 KB).`,
  "",
  markdownTable(
    ["server", "sockets", "resident per socket", "heap per socket", `target ≤ ${TARGET_KB} KB`],
    rows.map((r) => [label(r.target), r.sockets, kb(r.rssPerSocket), kb(r.heapPerSocket), r.target === "relay" ? "baseline" : Math.max(r.rssPerSocket, r.heapPerSocket) <= TARGET_KB * 1024 ? "met" : "**missed**"]),
  ),
].join("\n");
saveResult({ name: "memory", title: "Memory per idle visitor socket", command: `npm run bench -- memory ${process.argv.slice(2).join(" ")}`.trim(), date: new Date().toISOString().slice(0, 10), machine: atStart, body });
process.exit(0);
