import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordingRow } from "../../src/adapters/db/repositories/recordings.ts";
import { browserAvailable, ffmpegAvailable } from "../support/browser.ts";
import { type CallStage, openWidget, pcState, recordingLegSent, type Shop, signInConsole, startCallStage } from "../support/callPages.ts";
import { addAgent, type TestServer } from "../support/testApp.ts";

const run = promisify(execFile);

/** What ffprobe makes of a file: its duration and streams; throws if it does not decode. */
async function probe(path: string): Promise<{ durationMs: number; codecs: string[] }> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "format=duration:stream=codec_name", "-of", "json", path]);
  const info = JSON.parse(stdout) as { format: { duration: string }; streams: Array<{ codec_name: string }> };
  // Decoding every frame is the real test of a valid file: demuxer and decoder errors land on
  // stderr. Clusters of unknown size are legal Matroska (live recording writes them so); ffmpeg
  // only remarks on them. Lines from "[null @" are about the discarding output, not the file.
  const { stderr } = await run("ffmpeg", ["-v", "error", "-i", path, "-f", "null", "-"]);
  const complaints = stderr.split("\n").filter((line) => line.trim() && !line.includes("Unknown-sized element") && !line.startsWith("[null @"));
  expect(complaints).toEqual([]);
  return { durationMs: Number(info.format.duration) * 1000, codecs: info.streams.map((s) => s.codec_name) };
}

// Recorded calls end to end: real Chromium on both sides (fake camera and microphone), each side
// also sending its media to the server's werift recorder, files checked with ffprobe. `npm test`
// runs this file on its own after the rest: it measures a recording against the call's length,
// and two browser tests at once on a small machine slow the recorder's connection down.
describe.runIf(browserAvailable() && ffmpegAvailable())("server-side call recording", () => {
  let stage: CallStage;
  let t: TestServer;
  let browser: Browser;
  let shop: Shop;
  let agent: Page;

  beforeAll(async () => {
    stage = await startCallStage({ RECORDING: "audio+video", RECORDING_ICE_ADDRESSES: "127.0.0.1", CALL_VISITOR_DAILY_LIMIT: "5" });
    ({ t, browser, shop } = stage);
    await addAgent(t.deps, "selin", { telegramChatId: "717171" });
    agent = await signInConsole(browser, t, "selin", "717171");
  }, 60_000);
  afterAll(() => stage?.close());

  const recordingsOf = (callId: string) =>
    t.deps.domain.db.selectFrom("recordings").selectAll().where("call_id", "=", callId).orderBy("role").execute() as Promise<RecordingRow[]>;
  const fileOf = (recording: RecordingRow) => join(t.deps.config.dataDir, "files", recording.storage_key);
  const latestCall = () => t.deps.domain.db.selectFrom("calls").selectAll().orderBy("created_at", "desc").executeTakeFirstOrThrow();

  /** A visitor on the shop page calls (agreeing to the recording) and the agent accepts. */
  async function connectedCall(): Promise<{ context: BrowserContext; frame: Frame; callId: string }> {
    const { page, frame } = await openWidget(browser, shop.url);
    await frame.getByRole("button", { name: "Call" }).click();
    await frame.getByText("This call will be recorded (audio and video).").waitFor();
    await frame.getByRole("button", { name: "Agree and call" }).click();
    await agent.getByRole("button", { name: "Accept" }).click({ timeout: 20_000 });
    await expect.poll(() => pcState(agent), { timeout: 20_000 }).toBe("connected");
    await expect.poll(() => pcState(frame), { timeout: 20_000 }).toBe("connected");
    return { context: page.context(), frame, callId: (await latestCall()).id };
  }

  it("records each side from the first packet to the hang-up: valid WebM holding all that was sent, then mixed", async () => {
    const { context, frame, callId } = await connectedCall();
    // The caller turns the camera on: their file carries VP8 as well as Opus.
    await frame.getByRole("button", { name: "Camera on" }).click();
    // Until both recording legs have sent 5 s of sound (250 packets of 20 ms), the caller's 2 s of camera frames.
    await expect.poll(async () => (await recordingLegSent(frame)).videoFrames, { timeout: 30_000 }).toBeGreaterThan(60);
    await expect.poll(async () => (await recordingLegSent(frame)).audioPackets, { timeout: 30_000 }).toBeGreaterThan(250);
    await expect.poll(async () => (await recordingLegSent(agent)).audioPackets, { timeout: 30_000 }).toBeGreaterThan(250);
    // Each file must hold at least the sound its leg had sent by the hang-up (20 ms a packet). How
    // soon after the answer a leg connects depends on the machine's load, so that is not compared.
    const sentMs = { agent: (await recordingLegSent(agent)).audioPackets * 20, caller: (await recordingLegSent(frame)).audioPackets * 20 };
    await agent.getByRole("button", { name: "Hang up" }).click();

    await expect.poll(async () => (await recordingsOf(callId)).length, { timeout: 20_000 }).toBe(2);
    const call = await latestCall();
    expect(call).toMatchObject({ status: "ended", end_reason: "agent_hung_up" });
    const [agentSide, callerSide] = await recordingsOf(callId);
    expect(agentSide).toMatchObject({ role: "agent", mime: "audio/webm" });
    expect(callerSide).toMatchObject({ role: "caller", mime: "video/webm" });
    for (const side of [agentSide!, callerSide!]) {
      expect(side.storage_key).toMatch(/^recordings\/[A-Za-z0-9_-]{24}\.webm$/);
      const probed = await probe(fileOf(side));
      expect(probed.codecs).toContain("opus");
      expect(probed.durationMs).toBeGreaterThan(sentMs[side.role as "agent" | "caller"] - 500);
      expect(probed.durationMs).toBeLessThan(Number(call.duration_ms) + 1000);
      // The stored duration is the file's own timeline, so only rounding and the last frame separate them.
      expect(Math.abs(Number(side.duration_ms) - probed.durationMs)).toBeLessThan(250);
      expect(side.size).toBeGreaterThan(10_000);
    }
    expect((await probe(fileOf(callerSide!))).codecs).toContain("vp8");

    // Once the sides have settled, the mixing job joins them into one file.
    t.clock.advance(60_000);
    await expect.poll(async () => (await recordingsOf(callId)).find((r) => r.role === "mixed"), { timeout: 30_000 }).toBeTruthy();
    const mixed = (await recordingsOf(callId)).find((r) => r.role === "mixed")!;
    const probedMix = await probe(fileOf(mixed));
    expect(probedMix.codecs).toEqual(["opus"]);
    expect(probedMix.durationMs).toBeGreaterThan(Math.max(sentMs.agent, sentMs.caller) - 500);
    expect(probedMix.durationMs).toBeLessThan(Number(call.duration_ms) + 1000);
    expect((await t.deps.domain.db.selectFrom("calls").select("mix_status").where("id", "=", callId).executeTakeFirstOrThrow()).mix_status).toBe("done");
    await context.close();
  }, 120_000);

  it("keeps a valid recording when the caller closes the tab mid-call, and ends the call", async () => {
    const { context, frame, callId } = await connectedCall();
    // Until the caller's recording leg has sent 3 s of sound (150 packets of 20 ms).
    await expect.poll(async () => (await recordingLegSent(frame)).audioPackets, { timeout: 30_000 }).toBeGreaterThan(150);
    await context.close(); // the tab (and its sockets and peer connections) just vanish

    await expect.poll(async () => (await recordingsOf(callId)).some((r) => r.role === "caller"), { timeout: 40_000 }).toBe(true);
    const caller = (await recordingsOf(callId)).find((r) => r.role === "caller")!;
    const probed = await probe(fileOf(caller));
    expect(probed.codecs).toContain("opus");
    expect(probed.durationMs).toBeGreaterThan(2000);
    // Nobody comes back within the grace period: the call ends by itself, and so does the agent's side.
    await expect.poll(async () => (await latestCall()).status, { timeout: 40_000 }).toBe("ended");
    expect((await latestCall()).end_reason).toBe("caller_left");
    await expect.poll(async () => (await recordingsOf(callId)).some((r) => r.role === "agent"), { timeout: 20_000 }).toBe(true);
    await probe(fileOf((await recordingsOf(callId)).find((r) => r.role === "agent")!));
  }, 150_000);
});
