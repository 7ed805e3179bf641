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
import { mixEndedCalls, type RecordingMixer, removeExpiredRecordings, storeRecording } from "../../src/domain/calls/recordings.ts";
import { ffmpegAvailable } from "../support/browser.ts";
import { testDatabases } from "../support/databases.ts";
import { depsWithoutApp, ManualClock } from "../support/testApp.ts";
import { durationMs, toneFile } from "../support/audioFiles.ts";

const DAY = 24 * 60 * 60 * 1000;

describe.each(testDatabases())("recordings: mixing and retention on $name", (database) => {
  // The deps alone, without the app: no background job may take the work this test drives itself.
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

  /** An ended, recorded call with one stored side per given length, the second starting 1 s later. */
  async function recordedCall(sides: number[], endedAgoMs: number) {
    const visitorId = randomUUID();
    await insertVisitor(deps.domain.db, {
      id: visitorId, token_hash: randomUUID(), name: "Ayşe", email: null, phone: null, language: null, user_agent: null,
      page_url: null, page_title: null, first_seen_at: 0, last_seen_at: 0, metadata: null,
    });
    const now = clock.now();
    const call = {
      id: randomUUID(), visitor_id: visitorId, conversation_id: null, agent_id: null, status: "ended" as const, media: "audio" as const,
      recording_mode: "audio" as const, created_at: now - endedAgoMs - 10_000, answered_at: now - endedAgoMs - 5_000, ended_at: now - endedAgoMs,
      duration_ms: 5_000, end_reason: "caller_hung_up", mix_status: null,
    };
    await insertCall(deps.domain.db, call);
    const roles = ["caller", "agent"] as const;
    for (const [index, seconds] of sides.entries()) {
      await storeRecording(deps.domain, {
        callId: call.id, role: roles[index]!, path: await toneFile(seconds), mime: "audio/webm", size: 1, startedAt: call.answered_at + index * 1000, durationMs: seconds * 1000,
      });
    }
    return call;
  }

  const rowsOf = (callId: string) => deps.domain.db.selectFrom("recordings").selectAll().where("call_id", "=", callId).execute();
  const mixStatus = async (callId: string) =>
    (await deps.domain.db.selectFrom("calls").select("mix_status").where("id", "=", callId).executeTakeFirstOrThrow()).mix_status;

  it.runIf(ffmpegAvailable())("mixes both sides of a settled call once, aligned by when each started", async () => {
    const call = await recordedCall([3, 3], 60_000);
    const recent = await recordedCall([2, 2], 1_000); // still settling: not yet

    const outcomes = await mixEndedCalls(deps.domain, mixer, workDir);
    expect(outcomes.map((o) => [o.callId, o.status])).toEqual([[call.id, "done"]]);
    const mixed = (await rowsOf(call.id)).find((r) => r.role === "mixed")!;
    expect(mixed).toMatchObject({ mime: "audio/webm", duration_ms: 4000 });
    // The agent's side began 1 s after the caller's: the mix lasts 1 s + 3 s.
    const path = join(deps.config.dataDir, "files", mixed.storage_key);
    expect(Math.abs((await durationMs(path)) - 4000)).toBeLessThan(150);
    expect(await mixStatus(call.id)).toBe("done");
    expect(await mixStatus(recent.id)).toBeNull();

    // A second run (or another node) finds nothing left to do for that call.
    expect((await mixEndedCalls(deps.domain, mixer, workDir)).map((o) => o.callId)).not.toContain(call.id);
    expect((await rowsOf(call.id)).filter((r) => r.role === "mixed")).toHaveLength(1);
  });

  it.runIf(ffmpegAvailable())("leaves the sides as they are without ffmpeg, or with one side", async () => {
    const noMixer = await recordedCall([1, 1], 60_000);
    const outcomes = await mixEndedCalls(deps.domain, undefined, workDir);
    expect(outcomes.find((o) => o.callId === noMixer.id)).toMatchObject({ status: "skipped", why: "ffmpeg is not installed" });
    expect(await mixStatus(noMixer.id)).toBe("skipped");
    expect((await rowsOf(noMixer.id)).map((r) => r.role).sort()).toEqual(["agent", "caller"]);

    const oneSide = await recordedCall([1], 60_000);
    const again = await mixEndedCalls(deps.domain, mixer, workDir);
    expect(again.find((o) => o.callId === oneSide.id)).toMatchObject({ status: "skipped", why: "1 side(s) recorded" });
  });

  it.runIf(ffmpegAvailable())("removes recordings past the retention period, files and all, and audits each removal", async () => {
    const old = await recordedCall([1, 1], 0);
    clock.advance(31 * DAY);
    const fresh = await recordedCall([1], 0);
    const oldFiles = (await rowsOf(old.id)).map((r) => join(deps.config.dataDir, "files", r.storage_key));
    expect(oldFiles.every((f) => existsSync(f))).toBe(true);

    const removed = await removeExpiredRecordings(deps.domain, 30);
    expect(removed.map((r) => r.call_id)).toContain(old.id);
    expect(removed.map((r) => r.call_id)).not.toContain(fresh.id);
    expect(oldFiles.some((f) => existsSync(f))).toBe(false);
    expect((await rowsOf(old.id)).every((r) => r.deleted_at !== null)).toBe(true);
    expect((await rowsOf(fresh.id)).every((r) => r.deleted_at === null)).toBe(true);
    const audits = await deps.domain.db.selectFrom("audit_log").selectAll().where("action", "=", "recording.removed").execute();
    expect(audits.map((a) => a.target_id)).toEqual(expect.arrayContaining((await rowsOf(old.id)).map((r) => r.id)));
    // Nothing is removed twice.
    expect(await removeExpiredRecordings(deps.domain, 30)).toEqual([]);
  });
});
