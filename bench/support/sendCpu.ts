// CPU time per visitor message through the domain send path (sendVisitorMessage: transaction,
// outbox, search index, the view, the domain event and the gateway's fan-out to empty rooms), with
// no sockets, on a fresh SQLite file (or DATABASE_URL). A steadier figure than the open-loop
// benchmark's on a machine that other work keeps busy: compare two versions run one after another.
//
//   npx tsx bench/support/sendCpu.ts [--messages 3000] [--concurrency 16] [--visitors 200] [--profile file.cpuprofile]
// --profile writes a CPU profile of the measured messages only (summarize it with profileSummary.ts).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { migrateToLatest } from "../../src/adapters/db/database.ts";
import { buildApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { closeDeps, createDeps } from "../../src/deps.ts";
import { sendVisitorMessage } from "../../src/domain/chat/messages.ts";
import { identifyVisitor } from "../../src/domain/chat/visitors.ts";
import { LIFTED_LIMITS } from "./nodes.ts";

const { values } = parseArgs({ options: { messages: { type: "string", default: "3000" }, concurrency: { type: "string", default: "16" }, visitors: { type: "string", default: "200" }, profile: { type: "string" } } });
const messages = Number(values.messages);
const concurrency = Number(values.concurrency);
const dataDir = mkdtempSync(join(tmpdir(), "destek-sendcpu-"));
Object.assign(process.env, { LOG_LEVEL: "warn", DATA_DIR: dataDir, ...LIFTED_LIMITS });
const deps = createDeps(loadConfig());
await migrateToLatest(deps.database);
const app = await buildApp(deps);
await app.listen({ port: 0, host: "127.0.0.1" });
const origin = { address: "127.0.0.1" };
const visitors = await Promise.all(
  Array.from({ length: Number(values.visitors) }, (_, i) => identifyVisitor(deps.domain, { token: `bench-visitor-token-${i}-${"x".repeat(20)}`, userAgent: "bench", language: null, origin })),
);
let counter = 0;
const sendOne = async () => {
  const n = counter++;
  const visitor = visitors[n % visitors.length];
  if (!visitor) throw new Error("no visitor");
  await sendVisitorMessage(deps.domain, visitor, { clientId: `c-${n}`, body: `bench message ${n}`, attachmentIds: [], origin });
};
const run = async (count: number) => {
  let left = count;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) await sendOne();
    }),
  );
};
// Warm-up: every visitor's first message opens a conversation, and the JIT settles.
await run(visitors.length * 2);
const profiler = values.profile ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post("Profiler.enable");
  await profiler.post("Profiler.setSamplingInterval", { interval: 500 });
  await profiler.post("Profiler.start");
}
const before = process.cpuUsage();
const start = performance.now();
await run(messages);
const cpu = process.cpuUsage(before);
const wall = performance.now() - start;
if (profiler && values.profile) {
  const { profile } = await profiler.post("Profiler.stop");
  writeFileSync(values.profile, JSON.stringify(profile));
}
console.log(`${messages} messages, concurrency ${concurrency}: ${((cpu.user + cpu.system) / 1000 / messages).toFixed(3)} ms CPU per message (user ${(cpu.user / 1000 / messages).toFixed(3)}, system ${(cpu.system / 1000 / messages).toFixed(3)}), ${(messages / (wall / 1000)).toFixed(0)} msg/s wall`);
await app.close();
await closeDeps(deps);
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
