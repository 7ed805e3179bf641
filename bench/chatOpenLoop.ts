// Open-loop chat benchmark (issue 12): visitors each send one message every 2 s, on a fixed schedule,
// and one agent socket receives. Latency runs from a message's scheduled send to the agent's
// `message:new`. The same load goes, in the same run, to a bare Socket.IO relay (same events, no
// auth, validation or storage), so destek's figures stand beside what the transport alone does.
//
//   npm run bench -- chat [--rates 400,600,800,1000,1200,1600] [--seconds 10]
//                         [--targets relay,sqlite,postgres,postgres-2] [--threads 2] [--profile dir]
//   --profile writes a CPU profile of each destek node per rate (dir/<target>-<node>-<rate>.cpuprofile),
//   covering that rate only; summarize one with `npx tsx bench/support/profileSummary.ts <file>`. Beside
//   each, <…>.statements.md: the wall time of each SQL statement per message sent (SQLite targets).
//
// PostgreSQL + Redis targets use TEST_DATABASE_URL / TEST_REDIS_URL (or BENCH_DATABASE_URL /
// BENCH_REDIS_URL) and are left out, with a note, when those are not set. The generator runs in
// worker threads and the servers in processes of their own; the report says when the generator
// itself fell behind its schedule.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Worker } from "node:worker_threads";
import pg from "pg";
import { type BenchServer, startBareRelay, startDestekNode } from "./support/nodes.ts";
import { machine, markdownTable, ms, percentile, saveResult } from "./support/report.ts";
import { ask, spawnWorker } from "./support/threads.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    rates: { type: "string", default: "400,600,800,1000,1200,1600" },
    seconds: { type: "string", default: "10" },
    targets: { type: "string", default: "relay,sqlite,postgres,postgres-2" },
    threads: { type: "string", default: "2" },
    profile: { type: "string" },
  },
});
const rates = values.rates.split(",").map(Number);
const seconds = Number(values.seconds);
const threads = Number(values.threads);
const SEND_INTERVAL_S = 2;
/** A message not at the agent this long after its scheduled send counts as not delivered. */
const DELIVERY_DEADLINE_MS = 3_000;
/** The generator is called the bottleneck when its own p99 lag behind the schedule passes this. */
const GENERATOR_LAG_LIMIT_MS = 5;
const databaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const redisUrl = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL;

interface RateRow {
  rate: number;
  sent: number;
  delivered: number;
  p50: number;
  p99: number;
  failedAcks: number;
  generatorLagP99: number;
  /** Server CPU time (user + system, all nodes of the target) per message sent, in milliseconds. */
  cpuPerMessageMs: number;
}

const now = () => performance.timeOrigin + performance.now();

async function freshDatabase(name: string): Promise<string> {
  if (!databaseUrl) throw new Error("no database URL");
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function startTarget(target: string): Promise<BenchServer[]> {
  if (target === "relay") return [await startBareRelay()];
  if (target === "sqlite") return [await startDestekNode("destek, SQLite")];
  const shared = { DATABASE_URL: await freshDatabase("destek_bench_chat"), REDIS_URL: redisUrl ?? "", SECRET_KEY: randomBytes(32).toString("base64url") };
  if (target === "postgres") return [await startDestekNode("destek, PostgreSQL + Redis", shared)];
  if (target === "postgres-2") return Promise.all([startDestekNode("node A", shared), startDestekNode("node B", shared)]);
  throw new Error(`unknown target ${target}`);
}

async function measureTarget(target: string): Promise<RateRow[]> {
  const servers = await startTarget(target);
  const receiver = spawnWorker("agentReceiverWorker.ts");
  const senders = Array.from({ length: threads }, () => spawnWorker("chatLoadWorker.ts"));
  try {
    const first = servers[0] as BenchServer;
    await ask(receiver, { type: "connect", url: `http://127.0.0.1:${first.port}/agent`, token: first.agentToken }, "connected");
    const urls = servers.map((s) => `http://127.0.0.1:${s.port}/visitor`);
    const visitorsEach = Math.ceil((Math.max(...rates) * SEND_INTERVAL_S) / threads);
    await Promise.all(senders.map((w, i) => ask(w, { type: "connect", urls, count: visitorsEach, prefix: `v${i}` }, "connected")));
    await Promise.all(senders.map((w) => ask(w, { type: "warmup" }, "warm")));
    await drain(receiver, () => false, 2_000);
    const rows: RateRow[] = [];
    for (const rate of rates) {
      // A profile covers one rate's window only (not start-up, connects and warm-up); it costs CPU too.
      const profiled = values.profile && target !== "relay" ? servers : [];
      await Promise.all(profiled.map((s) => s.startProfile()));
      const cpuBefore = await serversCpu(servers);
      const startAt = now() + 500;
      const perThread = rate / threads;
      const visitors = Math.ceil((rate * SEND_INTERVAL_S) / threads);
      const sentAll = await Promise.all(
        senders.map((w) =>
          ask<{ sends: [string, number][]; lags: number[]; failedAcks: number }>(w, { type: "run", rate: perThread, visitors, startAt, durationMs: seconds * 1000, tag: String(rate) }, "sent"),
        ),
      );
      const scheduled = new Map<string, number>();
      for (const part of sentAll) for (const [id, at] of part.sends) scheduled.set(id, at);
      const arrived = new Map<string, number>();
      const lastSend = startAt + seconds * 1000;
      // Wait for every message, or until the deadline of the last one has passed; what comes later is late.
      await drain(receiver, (batch) => {
        for (const [id, at] of batch) if (scheduled.has(id)) arrived.set(id, at);
        return arrived.size >= scheduled.size;
      }, Math.max(0, lastSend + DELIVERY_DEADLINE_MS - now()));
      // Up to the last arrival (or the deadline): the CPU the servers spent on this rate's messages.
      const cpuUsed = (await serversCpu(servers)) - cpuBefore;
      if (values.profile) mkdirSync(values.profile, { recursive: true });
      await Promise.all(profiled.map((s, i) => s.stopProfile(resolve(values.profile as string, `${target}-${i}-${rate}.cpuprofile`), scheduled.size)));
      const latencies = [...arrived].map(([id, at]) => at - (scheduled.get(id) as number)).sort((a, b) => a - b);
      const inTime = latencies.filter((l) => l <= DELIVERY_DEADLINE_MS).length;
      const lags = sentAll.flatMap((p) => p.lags).sort((a, b) => a - b);
      const row = {
        rate,
        sent: scheduled.size,
        delivered: inTime,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        failedAcks: sentAll.reduce((n, p) => n + p.failedAcks, 0),
        generatorLagP99: percentile(lags, 99),
        cpuPerMessageMs: cpuUsed / 1000 / Math.max(1, scheduled.size),
      };
      rows.push(row);
      console.log(`${target} ${rate} msg/s: p50 ${ms(row.p50)}, p99 ${ms(row.p99)}, ${row.delivered}/${row.sent} in time, generator lag p99 ${ms(row.generatorLagP99)}, server CPU ${row.cpuPerMessageMs.toFixed(3)} ms/message`);
      // Let a queue built up by an overload empty before the next rate, so it does not count twice.
      await drain(receiver, (batch) => {
        for (const [id, at] of batch) if (scheduled.has(id)) arrived.set(id, at);
        return arrived.size >= scheduled.size;
      }, 30_000);
    }
    return rows;
  } finally {
    await Promise.all(senders.map((w) => ask(w, { type: "close" }, "closed").finally(() => w.terminate())));
    await ask(receiver, { type: "close" }, "closed").finally(() => receiver.terminate());
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/** CPU time used so far by every server process of a target, in microseconds. */
async function serversCpu(servers: BenchServer[]): Promise<number> {
  const each = await Promise.all(servers.map((s) => s.cpu()));
  return each.reduce((a, b) => a + b, 0);
}

/** Collects what the agent received until `enough` says so or the time is up. */
async function drain(receiver: Worker, enough: (batch: [string, number][]) => boolean, withinMs: number): Promise<void> {
  const deadline = now() + withinMs;
  for (;;) {
    const { received } = await ask<{ received: [string, number][] }>(receiver, { type: "collect" }, "received");
    if (enough(received) || now() >= deadline) return;
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

const targets = values.targets.split(",").filter((t) => {
  if (t.startsWith("postgres") && !(databaseUrl && redisUrl)) {
    console.log(`${t}: left out (set TEST_DATABASE_URL and TEST_REDIS_URL)`);
    return false;
  }
  return true;
});
const atStart = machine();
const results = new Map<string, RateRow[]>();
for (const target of targets) results.set(target, await measureTarget(target));

const LABELS: Record<string, string> = { relay: "bare relay", sqlite: "destek, SQLite", postgres: "destek, PostgreSQL + Redis, 1 node", "postgres-2": "destek, PostgreSQL + Redis, 2 nodes" };
const cell = (row: RateRow | undefined) => (row ? `${ms(row.p50)} / ${ms(row.p99)}${row.delivered < row.sent ? ` (${row.sent - row.delivered} late)` : ""}` : "–");
const table = markdownTable(
  ["offered rate", ...[...results.keys()].map((t) => `${LABELS[t]} p50 / p99`)],
  rates.map((rate) => [`${rate} msg/s`, ...[...results.values()].map((rows) => cell(rows.find((r) => r.rate === rate)))]),
);
// CPU time per message is the figure least swayed by other work on the machine (a busy machine
// stretches latency, not the work done per message).
const cpuTable = markdownTable(
  ["offered rate", ...[...results.keys()].map((t) => `${LABELS[t]}: server CPU ms / message`)],
  rates.map((rate) => [`${rate} msg/s`, ...[...results.values()].map((rows) => {
    const row = rows.find((r) => r.rate === rate);
    return row ? row.cpuPerMessageMs.toFixed(3) : "–";
  })]),
);
/** The highest offered rate whose p99 stayed under the limit with nothing late. */
const highest = (rows: RateRow[] | undefined, limitMs: number) => Math.max(0, ...(rows ?? []).filter((r) => r.p99 < limitMs && r.delivered === r.sent && r.failedAcks === 0).map((r) => r.rate));
const at1000 = results.get("sqlite")?.find((r) => r.rate === 1000);
const relayBest = highest(results.get("relay"), 100);
const sqliteBest = highest(results.get("sqlite"), 100);
const twoNodes = highest(results.get("postgres-2"), 100);
const verdict = (ok: boolean) => (ok ? "met" : "**missed**");
const goals = markdownTable(
  ["figure", "target", "measured", ""],
  [
    ["visitor→agent p99 at 1,000 msg/s, one process, SQLite", "< 50 ms, none lost", at1000 ? `${ms(at1000.p99)}, ${at1000.sent - at1000.delivered} late, ${at1000.failedAcks} refused` : "not run", at1000 ? verdict(at1000.p99 < 50 && at1000.delivered === at1000.sent && at1000.failedAcks === 0) : ""],
    [
      "highest rate with p99 < 100 ms, SQLite, against the bare relay",
      "≥ 0.6 of the relay",
      !results.has("relay")
        ? "relay not run"
        : relayBest
          ? `${sqliteBest} of ${relayBest}${relayBest === Math.max(...rates) ? "+ (the relay's highest offered rate)" : ""} = ${(sqliteBest / relayBest).toFixed(2)}`
          : `${sqliteBest} msg/s; the relay itself stayed under 100 ms at none of the offered rates (a busy machine?)`,
      relayBest ? verdict(sqliteBest / relayBest >= 0.6) : "",
    ],
    ["PostgreSQL + Redis, two nodes: highest rate with p99 < 100 ms", "≥ 1,000 msg/s", results.has("postgres-2") ? `${twoNodes} msg/s` : "not run", results.has("postgres-2") ? verdict(twoNodes >= 1000) : ""],
  ],
);
const lagging = [...results].flatMap(([t, rows]) => rows.filter((r) => r.generatorLagP99 > GENERATOR_LAG_LIMIT_MS).map((r) => `${LABELS[t]} at ${r.rate} msg/s (p99 lag ${ms(r.generatorLagP99)})`));
const refused = [...results].flatMap(([t, rows]) => rows.filter((r) => r.failedAcks > 0).map((r) => `${LABELS[t]} at ${r.rate} msg/s: ${r.failedAcks}`));
const body = [
  `Open loop: ${Math.max(...rates) * SEND_INTERVAL_S} visitor sockets, each sending one message every ${SEND_INTERVAL_S} s for ${seconds} s per rate (the first ${SEND_INTERVAL_S} × rate of them take part), one agent socket receiving; latency from the scheduled send to the agent's \`message:new\`; "late" means not at the agent within ${DELIVERY_DEADLINE_MS / 1000} s. The generator runs in ${threads} worker threads plus one for the agent, the servers in processes of their own, all on this machine.`,
  "",
  table,
  "",
  "Server CPU time (user + system, summed over the target's processes, from the start of a rate until its last message arrived) per message sent:",
  "",
  cpuTable,
  "",
  goals,
  "",
  lagging.length ? `The generator fell behind its schedule (p99 over ${GENERATOR_LAG_LIMIT_MS} ms) at: ${lagging.join("; ")}. Those rows measure the machine's limit as much as the server's.` : `The generator kept to its schedule at every rate (p99 lag under ${GENERATOR_LAG_LIMIT_MS} ms).`,
  refused.length ? `\nMessages refused or unacknowledged: ${refused.join("; ")}.` : "",
].join("\n");
saveResult({ name: "chat", title: "Chat, open loop: destek beside a bare Socket.IO relay", command: `npm run bench -- chat ${process.argv.slice(2).join(" ")}`.trim(), date: new Date().toISOString().slice(0, 10), machine: atStart, body });
process.exit(0);
