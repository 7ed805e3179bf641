import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/db/database.ts";
import { insertCall } from "../../src/adapters/db/repositories/calls.ts";
import { insertVisitor } from "../../src/adapters/db/repositories/chat.ts";
import { findFfmpegMixer } from "../../src/adapters/recording/ffmpegMixer.ts";
import type { AppDeps } from "../../src/deps.ts";
import { mixEndedCalls, type RecordingMixer, storeRecording } from "../../src/domain/calls/recordings.ts";
import { ffmpegAvailable } from "../support/browser.ts";
import { testDatabases } from "../support/databases.ts";
import { depsWithoutApp, ManualClock } from "../support/testApp.ts";
import { durationMs, silencesMs, toneFile } from "../support/audioFiles.ts";

// A participant who rejoined a call (a reload) recorded their side in two segments. After the call
// that side is one file, each segment at its time and silence only where they were away; the
// segment files are gone, the joining audited; the mix hears one track per side.
describe.runIf(ffmpegAvailable()).each(testDatabases())("a side recorded in segments becomes one track, on $name", (database) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let deps: AppDeps;
  const clock = new ManualClock();
  let mixer: RecordingMixer | undefined;
  const workDir = mkdtempSync(join(tmpdir(), "destek-mix-"));

  beforeAll(async () => {
    handle = await database.open();
    deps = depsWithoutApp(handle, clock);
    mixer = await findFfmpegMixer();
  });
  afterAll(() => handle?.dispose());

  it("joins the caller's two segments with the gap of the rejoin between them, removes the segments, and mixes one track per side", async () => {
    const visitorId = randomUUID();
    await insertVisitor(deps.domain.db, {
      id: visitorId, token_hash: randomUUID(), name: "Ayşe", email: null, phone: null, language: null, user_agent: null,
      page_url: null, page_title: null, first_seen_at: 0, last_seen_at: 0, metadata: null,
    });
    const now = clock.now();
    const answeredAt = now - 60_000;
    const call = {
      id: randomUUID(), visitor_id: visitorId, conversation_id: null, agent_id: null, status: "ended" as const, media: "audio" as const,
      recording_mode: "audio" as const, created_at: answeredAt - 5_000, answered_at: answeredAt, ended_at: answeredAt + 6_000,
      duration_ms: 6_000, end_reason: "caller_hung_up", mix_status: null,
    };
    await insertCall(deps.domain.db, call);
    // The caller talks 2 s, reloads (1.5 s away), talks 2.5 s more; the agent talks throughout.
    const file = async (role: "caller" | "agent", startMs: number, seconds: number) =>
      storeRecording(deps.domain, { callId: call.id, role, path: await toneFile(seconds), mime: "audio/webm", size: 1, startedAt: answeredAt + startMs, durationMs: seconds * 1000 });
    const first = await file("caller", 0, 2);
    const second = await file("caller", 3_500, 2.5);
    const agent = await file("agent", 0, 6);
    expect([first.segment, second.segment, agent.segment]).toEqual([0, 1, 0]);

    const outcomes = await mixEndedCalls(deps.domain, mixer, workDir);
    expect(outcomes.find((o) => o.callId === call.id)).toMatchObject({ status: "done" });

    const rows = await deps.domain.db.selectFrom("recordings").selectAll().where("call_id", "=", call.id).execute();
    const kept = rows.filter((r) => r.deleted_at === null);
    expect(kept.map((r) => r.role).sort()).toEqual(["agent", "caller", "mixed"]);
    const caller = kept.find((r) => r.role === "caller")!;
    expect(caller).toMatchObject({ segment: 0, created_at: answeredAt, duration_ms: 6_000, mime: "audio/webm" });
    const path = (key: string) => join(deps.config.dataDir, "files", key);
    // One track of the whole side: 2 s + 1.5 s away + 2.5 s, and no silence longer than the rejoin took.
    expect(Math.abs((await durationMs(path(caller.storage_key))) - 6_000)).toBeLessThan(150);
    const gaps = await silencesMs(path(caller.storage_key), -40);
    expect(gaps).toHaveLength(1);
    expect(Math.abs(gaps[0]! - 1_500)).toBeLessThan(150);

    // The segments are gone, files and all, and the joining is on record.
    for (const segment of [first, second]) {
      expect(rows.find((r) => r.id === segment.id)?.deleted_at).not.toBeNull();
      expect(existsSync(path(segment.storage_key))).toBe(false);
    }
    const audits = await deps.domain.db.selectFrom("audit_log").selectAll().where("action", "=", "recording.joined").execute();
    expect(audits.map((a) => a.target_id).sort()).toEqual([first.id, second.id].sort());

    // The mix hears the caller as one track: as long as the call, silent nowhere (the agent talks throughout).
    const mixed = kept.find((r) => r.role === "mixed")!;
    expect(Math.abs((await durationMs(path(mixed.storage_key))) - 6_000)).toBeLessThan(150);
    expect(await silencesMs(path(mixed.storage_key), -40)).toEqual([]);
  });
});
