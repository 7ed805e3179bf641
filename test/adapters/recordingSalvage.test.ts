import { execFile, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, statSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertCall } from "../../src/adapters/db/repositories/calls.ts";
import { insertVisitor } from "../../src/adapters/db/repositories/chat.ts";
import { ABANDONED_AFTER_MS, salvageRecordings } from "../../src/adapters/recording/recordingSalvage.ts";
import { ffmpegAvailable } from "../support/browser.ts";
import { testDatabases } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/testApp.ts";

const run = promisify(execFile);

/** The pid of a process that has exited: a recorder killed with its node. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid;

// The salvage of recording legs a killed node left in DATA_DIR/tmp/recordings, on both engines.
// The end-to-end case (a real node killed mid-call) is test/e2e/recordingFailover.test.ts.
describe.runIf(ffmpegAvailable()).each(testDatabases())("salvaging killed recording legs ($name)", (database) => {
  let t: TestApp;
  let dispose: () => Promise<void>;
  let dir: string;
  let callId: string;

  beforeAll(async () => {
    const db = await database.open();
    dispose = db.dispose;
    t = await startTestApp({ database: db });
    dir = join(t.deps.config.dataDir, "tmp", "recordings");
    mkdirSync(dir, { recursive: true });
    const visitorId = randomUUID();
    const now = Date.now();
    await insertVisitor(t.deps.domain.db, {
      id: visitorId, token_hash: randomUUID(), name: null, email: null, phone: null, language: "en", user_agent: null,
      page_url: null, page_title: null, first_seen_at: now, last_seen_at: now, metadata: null,
    });
    callId = randomUUID();
    await insertCall(t.deps.domain.db, {
      id: callId, visitor_id: visitorId, conversation_id: null, agent_id: null, status: "ended", media: "audio",
      recording_mode: "audio", created_at: now - 60_000, answered_at: now - 55_000, ended_at: now - 5_000,
      duration_ms: 50_000, end_reason: "caller_left", mix_status: null,
    });
  });
  afterAll(async () => {
    await t.close();
    await dispose();
  });

  const leg = async (name: string, note: Record<string, unknown>, content: "opus" | "garbage" | "empty") => {
    const path = join(dir, `${name}.webm`);
    if (content === "opus") {
      // Four seconds of Opus in WebM, cut short as a killed writer leaves it (no cues, no final sizes).
      await run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=4", "-c:a", "libopus", path]);
      truncateSync(path, Math.floor(statSync(path).size * 0.8));
    } else writeFileSync(path, content === "garbage" ? "not a webm file" : "");
    writeFileSync(join(dir, `${name}.json`), JSON.stringify({ callId, role: "caller", openedAt: Date.now() - 10_000, host: hostname(), ...note }));
    return path;
  };

  it("stores what a dead recorder wrote, removes what holds nothing, and leaves live legs alone", async () => {
    const killed = await leg("killed", { pid: deadPid() }, "opus");
    const garbage = await leg("garbage", { pid: deadPid() }, "garbage");
    const empty = await leg("empty", { pid: deadPid(), role: "agent" }, "empty");
    // Recording now, in this process; and one on another machine sharing the directory, written to just now.
    const live = await leg("live", { pid: process.pid }, "opus");
    const elsewhere = await leg("elsewhere", { pid: 1, host: "another-machine" }, "opus");

    const outcomes = await salvageRecordings(t.deps.domain, dir, pino({ level: "silent" }));
    expect(outcomes.map((o) => o.status).sort()).toEqual(["removed", "removed", "stored"]);
    const rows = await t.deps.domain.db.selectFrom("recordings").selectAll().where("call_id", "=", callId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ role: "caller", mime: "audio/webm", segment: 0 });
    expect(rows[0]!.duration_ms).toBeGreaterThan(2000);
    expect(existsSync(join(t.deps.config.dataDir, "files", rows[0]!.storage_key))).toBe(true);
    for (const gone of [killed, garbage, empty]) expect(existsSync(gone)).toBe(false);
    expect(existsSync(live) && existsSync(elsewhere)).toBe(true);

    // The other machine's leg, untouched for longer than a recorder ever pauses, is abandoned too.
    const old = new Date(Date.now() - ABANDONED_AFTER_MS - 60_000);
    for (const file of [elsewhere, elsewhere.replace(/\.webm$/, ".json")]) utimesSync(file, old, old);
    const later = await salvageRecordings(t.deps.domain, dir, pino({ level: "silent" }));
    expect(later.map((o) => o.status)).toEqual(["stored"]);
    expect(readdirSync(dir).sort()).toEqual(["live.json", "live.webm"]);
  }, 60_000);
});
