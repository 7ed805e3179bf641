import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordingRow } from "../../src/adapters/db/repositories/recordings.ts";
import { browserAvailable, ffmpegAvailable } from "../support/browser.ts";
import { CALL_PC, type CallStage, inboundAudioBytes, openWidget, pcState, recordingLegSent, type Shop, signInConsole, startCallStage } from "../support/callPages.ts";
import { addAgent, type TestServer } from "../support/testApp.ts";
import { durationMs, silencesMs } from "../support/audioFiles.ts";

/** The longest stretch of silence in a file, in ms (0 without any longer than 0.2 s). */
const longestSilenceMs = async (path: string) => Math.max(0, ...(await silencesMs(path, -50)));

// A recorded call in which the agent's console reloads and the call's ICE restarts: the agent's
// side is recorded in two segments (one recorder leg before the reload, one after), joined after
// the call into one track as long as the side was recorded, with no silence longer than the
// reload took; the ICE restart of the call leaves the recording alone. Runs after the other
// browser tests, alone (see `npm test`): it compares a recording with the time things took.
describe.runIf(browserAvailable() && ffmpegAvailable())("a recorded call survives a console reload and an ICE restart", () => {
  let stage: CallStage;
  let t: TestServer;
  let browser: Browser;
  let shop: Shop;
  let agent: Page;

  beforeAll(async () => {
    stage = await startCallStage({ RECORDING: "audio", RECORDING_ICE_ADDRESSES: "127.0.0.1" });
    ({ t, browser, shop } = stage);
    await addAgent(t.deps, "ece", { telegramChatId: "737373" });
    agent = await signInConsole(browser, t, "ece", "737373");
  }, 60_000);
  afterAll(() => stage?.close());

  const recordingsOf = (callId: string) =>
    t.deps.domain.db.selectFrom("recordings").selectAll().where("call_id", "=", callId).where("deleted_at", "is", null).execute() as Promise<RecordingRow[]>;
  const fileOf = (recording: RecordingRow) => join(t.deps.config.dataDir, "files", recording.storage_key);
  const latestCall = () => t.deps.domain.db.selectFrom("calls").selectAll().orderBy("created_at", "desc").executeTakeFirstOrThrow();

  it("records the agent's side as one track across the reload, the gap no longer than the reload took", async () => {
    const { page, frame } = await openWidget(browser, shop.url);
    await frame.getByRole("button", { name: "Call" }).click();
    await frame.getByRole("button", { name: "Agree and call" }).click();
    await agent.getByRole("button", { name: "Accept" }).click({ timeout: 20_000 });
    await expect.poll(() => pcState(agent), { timeout: 20_000 }).toBe("connected");
    const callId = (await latestCall()).id;
    // 3 s of the agent's voice recorded (150 packets of 20 ms) before the reload.
    await expect.poll(async () => (await recordingLegSent(agent)).audioPackets, { timeout: 30_000 }).toBeGreaterThan(150);
    const sentBefore = (await recordingLegSent(agent)).audioPackets * 20;

    const reloadAt = Date.now();
    await agent.reload();
    // Back: the call connected again and the new recorder leg sending.
    await expect.poll(() => pcState(agent), { timeout: 30_000 }).toBe("connected");
    await expect.poll(async () => (await recordingLegSent(agent)).audioPackets, { timeout: 30_000 }).toBeGreaterThan(0);
    const reloadTookMs = Date.now() - reloadAt;

    // A network change's ICE restart on the call itself: the recording carries on regardless.
    await agent.evaluate(`${CALL_PC}.restartIce()`);
    await expect.poll(() => agent.evaluate(`${CALL_PC}.signalingState`), { timeout: 20_000 }).toBe("stable");
    const bytes = await inboundAudioBytes(frame);
    await expect.poll(() => inboundAudioBytes(frame), { timeout: 20_000 }).toBeGreaterThan(bytes + 2000);
    await expect.poll(async () => (await recordingLegSent(agent)).audioPackets, { timeout: 30_000 }).toBeGreaterThan(150);
    const sentAfter = (await recordingLegSent(agent)).audioPackets * 20;
    await agent.getByRole("button", { name: "Hang up" }).click();

    // Two segments of the agent's side, then (once settled) one track.
    await expect.poll(async () => (await recordingsOf(callId)).filter((r) => r.role === "agent").length, { timeout: 30_000 }).toBe(2);
    const [first, second] = (await recordingsOf(callId)).filter((r) => r.role === "agent").sort((a, b) => a.segment - b.segment);
    expect([first!.segment, second!.segment]).toEqual([0, 1]);
    // Nothing was lost but the time the reload took: the second segment starts no later than that after the first ended.
    const gapMs = second!.created_at - (first!.created_at + Number(first!.duration_ms));
    expect(gapMs).toBeGreaterThanOrEqual(0);
    expect(gapMs).toBeLessThanOrEqual(reloadTookMs + 200);
    t.clock.advance(60_000);
    await expect.poll(async () => (await latestCall()).mix_status, { timeout: 30_000 }).toBe("done");
    const kept = await recordingsOf(callId);
    const agentSide = kept.filter((r) => r.role === "agent");
    expect(agentSide).toHaveLength(1);
    expect(agentSide[0]!.segment).toBe(0);
    const call = await latestCall();
    const measured = await durationMs(fileOf(agentSide[0]!));
    // All that was sent, plus the gap of the reload; never longer than the call.
    expect(measured).toBeGreaterThan(sentBefore + sentAfter - 500);
    expect(measured).toBeLessThan(sentBefore + sentAfter + reloadTookMs + 1000);
    expect(measured).toBeLessThan(Number(call.duration_ms) + 1000);
    expect(Math.abs(Number(agentSide[0]!.duration_ms) - measured)).toBeLessThan(1000);
    // The fake microphone beeps, with silence between beeps: the caller's unbroken track shows how
    // long that is. In the agent's joined track the gap may join such a pause on either side of it,
    // and nothing longer.
    const silence = await longestSilenceMs(fileOf(agentSide[0]!));
    const beepPause = await longestSilenceMs(fileOf(kept.find((r) => r.role === "caller")!));
    console.info(
      `reload took ${reloadTookMs} ms, recording gap ${gapMs} ms; longest silence: agent's joined track ${Math.round(silence)} ms, caller's unbroken track ${Math.round(beepPause)} ms; agent's track ${Math.round(measured)} ms`,
    );
    expect(silence).toBeLessThanOrEqual(gapMs + 2 * beepPause + 100);
    // The mix: one track per side, as long as the longer side.
    const mixed = kept.find((r) => r.role === "mixed");
    expect(mixed).toBeTruthy();
    expect(await durationMs(fileOf(mixed!))).toBeLessThan(Number(call.duration_ms) + 1000);
    await page.close();
  }, 180_000);
});
