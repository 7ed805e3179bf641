// One destek node for a benchmark, in a process of its own so the load generator does not share its
// event loop. Started by bench/support/nodes.ts with `fork`; it builds the app as `main` does
// (migrate, listen, background jobs), makes a signed-in agent, and reports over IPC:
//   → { type: "ready", port, agentToken, refreshToken }   once listening (the refresh token signs a browser in)
//   ← { type: "memory" }  → { type: "memory", rss, heapUsed }   after a full GC
//   ← { type: "agent" }   → { type: "agent", token }  another signed-in agent
//   ← { type: "session" } → { type: "session", refreshToken }  a new session of the first agent
//   ← { type: "recordings" } → { type: "recordings", rows }  the calls' recorded sides and their files
//   ← { type: "cpu" }     → { type: "cpu", user, system }       process.cpuUsage(), microseconds
//   ← { type: "profile:start" } → { type: "profile:started" }   CPU profile of this process (inspector)
//   ← { type: "profile:stop", file, messages } → { type: "profile:stopped" }  written to `file` (.cpuprofile),
//     and the SQL statements' times per message to `file` with .statements.md
//   ← { type: "stop" }    → exits when closed
// Settings come from the environment (DATA_DIR, DATABASE_URL, REDIS_URL, …), as for `npm start`.
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { buildApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { migrateToLatest } from "../../src/adapters/db/database.ts";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { closeDeps, createDeps } from "../../src/deps.ts";
import { createAgent } from "../../src/domain/agents.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import { startBackgroundJobs } from "../../src/jobs.ts";

const send = (message: unknown) => process.send?.(message);

const config = loadConfig();
const deps = createDeps(config);
await migrateToLatest(deps.database);
const app = await buildApp(deps);
await app.listen({ port: 0, host: "127.0.0.1" });
const jobs = startBackgroundJobs(deps, app.io);
// As main does: with a bot token set, the Telegram worker (polling and the outbox) runs too.
await deps.telegram?.start(deps);

// Two nodes of one deployment share the database: the first makes the agent, the second finds it.
const username = "bench";
if (!(await findAgentByUsername(deps.domain.db, username))) {
  // Both nodes may try at once; the loser's "username_taken" is fine.
  await createAgent(deps.domain, { type: "system" }, {
    username,
    name: "Bench agent",
    password: "bench-password-1234",
    role: "admin",
    // The Telegram benchmark answers as this agent from its Telegram account.
    telegramChatId: process.env.BENCH_AGENT_TELEGRAM_ID,
  }).catch(() => undefined);
}
const agent = await findAgentByUsername(deps.domain.db, username);
if (!agent) throw new Error("could not make the bench agent");
const { accessToken, refreshToken } = await startSession(deps.domain, agent, { ip: null, userAgent: null });
const address = app.server.address();
send({ type: "ready", port: typeof address === "object" && address ? address.port : 0, agentToken: accessToken, refreshToken });

// Profiles only the window the benchmark asks for (one offered rate), not start-up, connects and warm-up.
let profiler: Session | undefined;
// With it, the wall time of each SQL statement (support/statementTimes.ts, loaded only when asked:
// its wrapper costs a little on every statement).
async function startProfile(): Promise<void> {
  (await import("./statementTimes.ts")).startStatementTimes();
  profiler = new Session();
  profiler.connect();
  await profiler.post("Profiler.enable");
  await profiler.post("Profiler.setSamplingInterval", { interval: 500 });
  await profiler.post("Profiler.start");
}
async function stopProfile(file: string, messages: number): Promise<void> {
  if (!profiler) return;
  const { profile } = await profiler.post("Profiler.stop");
  writeFileSync(file, JSON.stringify(profile));
  writeFileSync(file.replace(/\.cpuprofile$/, ".statements.md"), (await import("./statementTimes.ts")).stopStatementTimes(messages));
  profiler.disconnect();
  profiler = undefined;
}

process.on("message", (message: { type?: string; file?: string; messages?: number }) => {
  if (message.type === "profile:start") {
    startProfile().then(() => send({ type: "profile:started" }), (err: unknown) => console.error(err));
  } else if (message.type === "profile:stop") {
    stopProfile(String(message.file), Number(message.messages ?? 1)).then(() => send({ type: "profile:stopped" }), (err: unknown) => console.error(err));
  } else if (message.type === "cpu") {
    process.send?.({ type: "cpu", ...process.cpuUsage() });
  } else if (message.type === "memory") {
    globalThis.gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    send({ type: "memory", rss, heapUsed });
  } else if (message.type === "session") {
    // A session of its own per browser run: a refresh token used twice signs its session out (reuse detection).
    startSession(deps.domain, agent, { ip: null, userAgent: null }).then(
      (session) => send({ type: "session", refreshToken: session.refreshToken }),
      () => send({ type: "session", refreshToken: "" }),
    );
  } else if (message.type === "agent") {
    // Another signed-in agent (an agent takes one call at a time: call benchmarks need many).
    const name = `bench-${Math.random().toString(36).slice(2, 10)}`;
    createAgent(deps.domain, { type: "system" }, { username: name, name, password: "bench-password-1234", role: "agent" })
      .then(async () => {
        const made = await findAgentByUsername(deps.domain.db, name);
        if (!made) throw new Error("agent not made");
        send({ type: "agent", token: (await startSession(deps.domain, made, { ip: null, userAgent: null })).accessToken });
      })
      .catch(() => send({ type: "agent", token: "" }));
  } else if (message.type === "recordings") {
    // The files of the calls' sides (not the mixes), for a benchmark that checks what was written.
    deps.domain.db
      .selectFrom("recordings")
      .select(["call_id", "role", "storage_key"])
      .where("role", "in", ["caller", "agent"])
      .where("deleted_at", "is", null)
      .execute()
      .then(
        (rows) => send({ type: "recordings", rows: rows.map((r) => ({ callId: r.call_id, role: r.role, path: join(config.dataDir, "files", r.storage_key) })) }),
        () => send({ type: "recordings", rows: [] }),
      );
  } else if (message.type === "stop") {
    const close = async () => {
      await jobs.stop();
      await app.close();
      await closeDeps(deps);
    };
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  }
});
process.on("disconnect", () => process.exit(0));
