import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createWriteStream, mkdtempSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/db/database.ts";
import { insertCall } from "../../src/adapters/db/repositories/calls.ts";
import { insertVisitor } from "../../src/adapters/db/repositories/chat.ts";
import { findFfmpegMixer } from "../../src/adapters/recording/ffmpegMixer.ts";
import { loadConfig } from "../../src/config.ts";
import { type AppDeps, createDeps } from "../../src/deps.ts";
import { mixEndedCalls, storeRecording } from "../../src/domain/calls/recordings.ts";
import { ffmpegAvailable } from "../support/browser.ts";
import { openSqlite } from "../support/databases.ts";
import { ManualClock } from "../support/testApp.ts";

const run = promisify(execFile);

// With ENCRYPT_FILES on, recordings are encrypted as they are stored, and the mixing job (ffmpeg
// works on plain files) still joins both sides: it reads them through the storage, decrypted, and
// stores the mix encrypted too.
describe.runIf(ffmpegAvailable())("recordings encrypted at rest", () => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let deps: AppDeps;
  const clock = new ManualClock();

  beforeAll(async () => {
    handle = await openSqlite();
    deps = createDeps(loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), "destek-encrypted-rec-")), ENCRYPT_FILES: "true" }), { database: handle, clock, log: pino({ level: "silent" }) });
  });
  afterAll(() => handle?.dispose());

  it("stores each side encrypted, and mixes them into an encrypted file that plays for the whole call", async () => {
    const visitorId = randomUUID();
    await insertVisitor(deps.domain.db, {
      id: visitorId, token_hash: randomUUID(), name: "Ayşe", email: null, phone: null, language: null, user_agent: null,
      page_url: null, page_title: null, first_seen_at: 0, last_seen_at: 0, metadata: null,
    });
    const now = clock.now();
    const call = {
      id: randomUUID(), visitor_id: visitorId, conversation_id: null, agent_id: null, status: "ended" as const, media: "audio" as const,
      recording_mode: "audio" as const, created_at: now - 70_000, answered_at: now - 65_000, ended_at: now - 60_000,
      duration_ms: 5_000, end_reason: "caller_hung_up", mix_status: null,
    };
    await insertCall(deps.domain.db, call);
    for (const [index, role] of (["caller", "agent"] as const).entries()) {
      const path = join(mkdtempSync(join(tmpdir(), "destek-tone-")), "side.webm");
      await run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "libopus", path]);
      await storeRecording(deps.domain, { callId: call.id, role, path, mime: "audio/webm", size: 1, startedAt: call.answered_at + index * 1000, durationMs: 3000 });
    }

    const outcomes = await mixEndedCalls(deps.domain, await findFfmpegMixer(), mkdtempSync(join(tmpdir(), "destek-mix-")));
    expect(outcomes.map((o) => [o.callId, o.status])).toEqual([[call.id, "done"]]);

    const rows = await deps.domain.db.selectFrom("recordings").selectAll().where("call_id", "=", call.id).execute();
    expect(rows.map((r) => r.role).sort()).toEqual(["agent", "caller", "mixed"]);
    for (const row of rows) {
      const stored = await readFile(join(deps.config.dataDir, "files", row.storage_key));
      expect(stored.subarray(0, 8).toString(), `${row.role} is encrypted on disk`).toBe("DSTKENC1");
    }
    const mixed = rows.find((r) => r.role === "mixed")!;
    const plain = join(mkdtempSync(join(tmpdir(), "destek-plain-")), "mixed.webm");
    await pipeline(await deps.domain.storage.read(mixed.storage_key), createWriteStream(plain));
    const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", plain]);
    expect(Math.abs(Number(stdout) * 1000 - 4000)).toBeLessThan(150);
  });
});
