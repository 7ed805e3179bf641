import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordingRow } from "../../src/adapters/db/repositories/recordings.ts";
import { browserAvailable, ffmpegAvailable, launchChromium } from "../support/browser.ts";
import { openWidget, pcState, recordingLegSent, signInConsole } from "../support/callPages.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { capturedLog, type LogLine } from "../support/logCapture.ts";
import { testRedisUrl } from "../support/redis.ts";
import { addAgent, startTestApp, type TestApp, type TestServer } from "../support/testApp.ts";

const run = promisify(execFile);
const redisUrl = testRedisUrl();
const postgres = testDatabases().find((d) => d.name === "postgres");

/** The duration ffprobe reads from a file (which must decode without complaint). */
async function probedMs(path: string): Promise<number> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "json", path]);
  return Number((JSON.parse(stdout) as { format: { duration: string } }).format.duration) * 1000;
}

// Two nodes on two ports sharing PostgreSQL, Redis and the files directory, as "Scaling out" in the
// README runs them: the visitor's widget talks to node A, the agent's console to node B. Chat,
// typing and receipts cross through the Socket.IO adapter; the call's signaling too; each side's
// recording leg lives on its own node, and the call's end reaches the other node over the event bus.
// `npm test` runs this file with the other recording tests, one at a time.
describe.runIf(redisUrl && postgres && browserAvailable() && ffmpegAvailable())("a recorded call across two nodes", () => {
  let a: TestApp;
  let b: TestApp;
  let urlA: string;
  let urlB: string;
  let browser: Browser;
  let shop: http.Server;
  let shopUrl: string;
  let telegram: FakeTelegram;
  let dispose: () => Promise<void>;
  let dataDir: string;
  const logs: Record<"a" | "b", LogLine[]> = { a: [], b: [] };

  beforeAll(async () => {
    const db = await (postgres as TestDatabase).open();
    dispose = db.dispose;
    telegram = await new FakeTelegram().start();
    // One shared files directory, as the README asks of every node.
    dataDir = mkdtempSync(join(tmpdir(), "destek-cluster-"));
    const env = {
      REDIS_URL: redisUrl!,
      SECRET_KEY: randomUUID() + randomUUID(),
      DATA_DIR: dataDir,
      RECORDING: "audio",
      RECORDING_ICE_ADDRESSES: "127.0.0.1",
      PRECHAT_FIELDS: "name:off,email:off,phone:off",
    };
    const logA = capturedLog("info");
    const logB = capturedLog("info");
    logs.a = logA.lines;
    logs.b = logB.lines;
    a = await startTestApp({ database: db, telegram, env, jobs: true, log: logA.log });
    b = await startTestApp({ database: db, telegram, env, jobs: true, log: logB.log });
    await Promise.all([a.deps.bus.ready(), b.deps.bus.ready()]);
    for (const node of [a, b]) await node.app.listen({ port: 0, host: "127.0.0.1" });
    urlA = `http://127.0.0.1:${(a.app.server.address() as AddressInfo).port}`;
    urlB = `http://127.0.0.1:${(b.app.server.address() as AddressInfo).port}`;
    // The shop embeds the widget from node A.
    shop = http.createServer((_req, res) => {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><main><h1>Shop</h1></main><script src="${urlA}/widget.js" data-language="en" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => shop.listen(0, "127.0.0.1", resolve));
    shopUrl = `http://localhost:${(shop.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    shop?.close();
    await a?.close();
    await b?.close();
    await telegram?.stop();
    await dispose?.();
  });

  const db = () => a.deps.domain.db;
  const recordingsOf = (callId: string) => db().selectFrom("recordings").selectAll().where("call_id", "=", callId).orderBy("role").execute() as Promise<RecordingRow[]>;
  const finishedLegs = (lines: LogLine[], callId: string) => lines.filter((l) => l.msg === "recording finished" && l.callId === callId);

  it("chats with typing and receipts both ways, connects a call, records each side on its node and finalizes both within 5 s of the hang-up; the mix runs once", async () => {
    await addAgent(b.deps, "selin", { telegramChatId: "717171" });
    // The console signs in on node B.
    const agent: Page = await signInConsole(browser, { ...b, url: urlB, telegram, databaseFile: "" } as TestServer, "selin", "717171");
    const { frame }: { frame: Frame } = await openWidget(browser, shopUrl);

    // Chat: the visitor (node A) writes; the agent (node B) sees it live and opens it.
    await frame.getByLabel("Message").fill("Hello from node A");
    await frame.getByRole("button", { name: "Send" }).click();
    await agent.getByText(/^Visitor #/).first().click({ timeout: 20_000 });
    await agent.getByText("Hello from node A").first().waitFor({ timeout: 15_000 });

    // Typing, agent to visitor, then the reply; the visitor's message turns "Read" once the agent has it open.
    const agentBox = agent.getByRole("textbox", { name: "Message", exact: true });
    await agentBox.pressSequentially("Hello from node B", { delay: 30 });
    await frame.getByText(/is typing…/).waitFor({ timeout: 15_000 });
    await agent.getByRole("button", { name: "Send" }).click();
    await frame.getByText("Hello from node B").waitFor({ timeout: 15_000 });
    await expect.poll(() => frame.locator('[aria-label="Read"], :text("Read")').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    // Typing, visitor to agent; the agent's reply shows as read in the console.
    await frame.getByLabel("Message").pressSequentially("One more", { delay: 30 });
    await agent.getByText(/is typing…/).waitFor({ timeout: 15_000 });
    await expect.poll(() => agent.locator(".ticks-read").count(), { timeout: 15_000 }).toBeGreaterThan(0);

    // The call: the visitor on A calls (agreeing to the recording), the agent on B accepts.
    await frame.getByRole("button", { name: "Call" }).click();
    await frame.getByText("This call will be recorded (audio).").waitFor();
    await frame.getByRole("button", { name: "Agree and call" }).click();
    await agent.getByRole("button", { name: "Accept" }).click({ timeout: 20_000 });
    await expect.poll(() => pcState(agent), { timeout: 20_000 }).toBe("connected");
    await expect.poll(() => pcState(frame), { timeout: 20_000 }).toBe("connected");
    const call = await db().selectFrom("calls").selectAll().orderBy("created_at", "desc").executeTakeFirstOrThrow();
    // Each side's recording leg on its own node: until each has sent 3 s of sound (150 packets of 20 ms).
    await expect.poll(async () => (await recordingLegSent(frame)).audioPackets, { timeout: 30_000 }).toBeGreaterThan(150);
    await expect.poll(async () => (await recordingLegSent(agent)).audioPackets, { timeout: 30_000 }).toBeGreaterThan(150);
    const sentMs = { agent: (await recordingLegSent(agent)).audioPackets * 20, caller: (await recordingLegSent(frame)).audioPackets * 20 };

    // The agent hangs up on node B; the caller's leg is on node A.
    const hungUpAt = Date.now();
    await agent.getByRole("button", { name: "Hang up" }).click();
    await expect.poll(async () => (await recordingsOf(call.id)).length, { timeout: 5_000 - (Date.now() - hungUpAt), interval: 100 }).toBe(2);
    const finalizedMs = Date.now() - hungUpAt;
    console.log(`both recording legs finalized ${finalizedMs} ms after the hang-up`);
    expect(finalizedMs).toBeLessThan(5_000);
    // Each node finished its own leg because the call ended: node A heard it from node B.
    expect(finishedLegs(logs.a, call.id)).toEqual([expect.objectContaining({ role: "caller", why: "call ended" })]);
    expect(finishedLegs(logs.b, call.id)).toEqual([expect.objectContaining({ role: "agent", why: "call ended" })]);

    const ended = await db().selectFrom("calls").selectAll().where("id", "=", call.id).executeTakeFirstOrThrow();
    expect(ended).toMatchObject({ status: "ended", end_reason: "agent_hung_up" });
    for (const side of await recordingsOf(call.id)) {
      const ms = await probedMs(join(dataDir, "files", side.storage_key));
      expect(ms).toBeGreaterThan(sentMs[side.role as "agent" | "caller"] - 500);
      expect(ms).toBeLessThan(Number(ended.duration_ms) + 1000);
    }

    // Once the sides have settled, one node's mixing job joins them; the other finds nothing to do.
    a.clock.advance(60_000);
    b.clock.advance(60_000);
    const mixStatus = async () => (await db().selectFrom("calls").select("mix_status").where("id", "=", call.id).executeTakeFirstOrThrow()).mix_status;
    await expect.poll(mixStatus, { timeout: 30_000 }).toBe("done");
    expect((await recordingsOf(call.id)).filter((r) => r.role === "mixed")).toHaveLength(1);
    // Both nodes' jobs ran (every 5 s); the claim in the database let one of them mix it.
    const mixed = (lines: LogLine[]) => lines.filter((l) => l.msg === "call recordings mixed" && l.callId === call.id).length;
    expect(mixed(logs.a) + mixed(logs.b)).toBe(1);
    const mix = (await recordingsOf(call.id)).find((r) => r.role === "mixed")!;
    expect(await probedMs(join(dataDir, "files", mix.storage_key))).toBeGreaterThan(Math.max(sentMs.agent, sentMs.caller) - 500);
  }, 180_000);
});
