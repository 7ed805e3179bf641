// Chat throughput: visitors send messages over real sockets to one destek process; we measure
// acknowledged messages per second and the ack latency (persisted before acknowledged).
// Usage: npx tsx bench/chatThroughput.ts [visitors=40] [messagesEach=25]
// Each visitor may send 30 messages a minute (the abuse guard), so keep messagesEach at most 30.
// Runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set. Appends to bench/REPORT.md.
import { appendFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { cpus } from "node:os";
import { resolve } from "node:path";
import { io } from "socket.io-client";
import { testDatabases } from "../test/support/databases.ts";
import { newClientId, newVisitorToken } from "../test/support/chatClients.ts";
import { startTestApp } from "../test/support/testApp.ts";
import type { Ack } from "../src/protocol/chat.ts";

const visitors = Number(process.argv[2] ?? 40);
const messagesEach = Number(process.argv[3] ?? 25);

async function run(name: string, open: () => Promise<Awaited<ReturnType<ReturnType<typeof testDatabases>[number]["open"]>>>) {
  const db = await open();
  const t = await startTestApp({ database: db });
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/visitor`;
  const latencies: number[] = [];
  const sockets = await Promise.all(
    Array.from({ length: visitors }, () => {
      const socket = io(url, { auth: { visitorToken: newVisitorToken() }, transports: ["websocket"], forceNew: true });
      return new Promise<typeof socket>((ok) => socket.once("connect", () => ok(socket)));
    }),
  );
  const started = performance.now();
  await Promise.all(
    sockets.map(async (socket) => {
      for (let i = 0; i < messagesEach; i++) {
        const sent = performance.now();
        const ack = (await socket.emitWithAck("message:send", { clientId: newClientId(), body: `bench ${i}` })) as Ack<unknown>;
        if (!ack.ok) throw new Error(ack.error.id);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const socket of sockets) socket.close();
  await t.close();
  await db.dispose();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
  return { name, total: latencies.length, perSecond: (latencies.length / seconds).toFixed(0), p50: pct(50), p95: pct(95), p99: pct(99) };
}

const rows = [];
for (const database of testDatabases()) rows.push(await run(database.name, database.open));
const lines = [
  `\n## Chat throughput, ${new Date().toISOString().slice(0, 10)} (${visitors} visitors × ${messagesEach} messages, ${cpus().length} cores, Node ${process.version})\n`,
  "| database | messages | acked/s | p50 ms | p95 ms | p99 ms |",
  "| --- | --- | --- | --- | --- | --- |",
  ...rows.map((r) => `| ${r.name} | ${r.total} | ${r.perSecond} | ${r.p50} | ${r.p95} | ${r.p99} |`),
];
console.log(lines.join("\n"));
appendFileSync(resolve(import.meta.dirname, "REPORT.md"), `${lines.join("\n")}\n`);
process.exit(0);
