import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, ffmpegAvailable, launchChromium } from "../support/browser.ts";
import { openWidget, pcState, recordingLegSent, signInConsole, startShop, type Shop } from "../support/callPages.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { Cluster, clusterUrls, type Node } from "../support/twoNodes.ts";

const run = promisify(execFile);
const urls = clusterUrls();

async function probedMs(path: string): Promise<number> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "json", path]);
  return Number((JSON.parse(stdout) as { format: { duration: string } }).format.duration) * 1000;
}

// A recorded call across two real `destek serve` processes (the visitor's widget on node A, the
// agent's console on node B), and node A is killed with SIGKILL mid-call. Node B sees the caller
// gone from every node and ends the call with a reason, so the agent's console is not left
// "connected"; the agent's recording leg (on B) is kept as usual; the widget, once it can reach a
// node again, shows the call as ended. The caller's leg died with node A,
// its WebM unfinalized in DATA_DIR/tmp/recordings: node A's next start (or node B's salvage round)
// turns it into a valid recording of the call, and removes a leg file that holds nothing readable.
describe.runIf(urls && browserAvailable() && ffmpegAvailable())("a recorded call when a node is killed", () => {
  const telegram = new FakeTelegram();
  let cluster: Cluster;
  let browser: Browser;
  let shop: Shop;
  let a: Node;
  let b: Node;

  beforeAll(async () => {
    await telegram.start();
    cluster = await new Cluster(urls!, {
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      RECORDING: "audio",
      RECORDING_ICE_ADDRESSES: "127.0.0.1",
      PRECHAT_FIELDS: "name:off,email:off,phone:off",
    }).open();
    [a, b] = await Promise.all([cluster.start("a"), cluster.start("b")]);
    shop = await startShop({ url: a.url });
    browser = await launchChromium();
  }, 400_000);
  afterAll(async () => {
    await browser?.close();
    shop?.close();
    await cluster?.close();
    await telegram.stop();
  });

  const recordingsOf = (callId: string) => cluster.db.selectFrom("recordings").selectAll().where("call_id", "=", callId).orderBy("role").execute();

  it("ends the call on the surviving node with a reason, keeps the agent's leg, and salvages the caller's leg the dead node left", async () => {
    await cluster.agentToken("deniz", { telegramChatId: "515151" });
    const agent: Page = await signInConsole(browser, { url: b.url, telegram }, "deniz", "515151");
    const { frame } = await openWidget(browser, shop.url);
    await frame.getByLabel("Message").fill("Can we talk?");
    await frame.getByRole("button", { name: "Send" }).click();
    await frame.getByRole("button", { name: "Call" }).click();
    await frame.getByRole("button", { name: "Agree and call" }).click();
    await agent.getByRole("button", { name: "Accept" }).click({ timeout: 30_000 });
    await expect.poll(() => pcState(agent), { timeout: 30_000 }).toBe("connected");
    await expect.poll(() => pcState(frame), { timeout: 30_000 }).toBe("connected");
    const call = await cluster.db.selectFrom("calls").selectAll().orderBy("created_at", "desc").executeTakeFirstOrThrow();
    // Both legs record, each on its node, for 3 s or more.
    await expect.poll(async () => (await recordingLegSent(frame)).audioPackets, { timeout: 30_000 }).toBeGreaterThan(150);
    await expect.poll(async () => (await recordingLegSent(agent)).audioPackets, { timeout: 30_000 }).toBeGreaterThan(150);
    const legsDir = join(cluster.dataDir, "tmp", "recordings");
    const legFiles = () => readdirSync(legsDir).filter((n) => n.endsWith(".webm"));
    expect(legFiles()).toHaveLength(2);

    const killedAt = Date.now();
    a.process.kill("SIGKILL");
    await a.process.closed;
    // The caller's leg is left in the work directory, unfinalized, with its note.
    const notes = readdirSync(legsDir).filter((n) => n.endsWith(".json")).map((n) => ({ name: n, ...(JSON.parse(readFileSync(join(legsDir, n), "utf8")) as { callId: string; role: string; pid: number }) }));
    const note = notes.find((n) => n.role === "caller");
    expect(note).toMatchObject({ callId: call.id, role: "caller", pid: a.process.child.pid });
    const callerLeg = note!.name.replace(/\.json$/, ".webm");
    expect(existsSync(join(legsDir, callerLeg))).toBe(true);

    // Node B notices the caller is gone from every node; the call ends and the console says so.
    await expect
      .poll(async () => (await cluster.db.selectFrom("calls").select(["status", "end_reason"]).where("id", "=", call.id).executeTakeFirstOrThrow()), { timeout: 90_000, interval: 500 })
      .toEqual({ status: "ended", end_reason: "caller_left" });
    console.log(`call ended ${Date.now() - killedAt} ms after node A was killed`);
    await expect.poll(() => agent.getByRole("button", { name: "Hang up" }).count(), { timeout: 15_000 }).toBe(0);
    expect(await pcState(agent)).not.toBe("connected");
    // The agent's leg lived on B: finished when the call ended, as always.
    await expect.poll(async () => (await recordingsOf(call.id)).map((r) => r.role), { timeout: 15_000 }).toContain("agent");
    await agent.goto(`${b.url}/console/calls/history/${call.id}`);
    await agent.getByText("Caller left (page closed or connection lost)").first().waitFor({ timeout: 15_000 });

    // And a leg that holds nothing readable.
    writeFileSync(join(legsDir, "garbage.webm"), "not a webm file at all");
    writeFileSync(join(legsDir, "garbage.json"), JSON.stringify({ ...note, name: undefined, role: "agent" }));

    // Node A starts again on the same files (node B, sharing them, may get there first on its
    // minute round): what the caller's leg recorded becomes the call's caller recording.
    a = await cluster.start("a", a.port);
    await expect.poll(async () => (await recordingsOf(call.id)).map((r) => r.role), { timeout: 60_000 }).toEqual(["agent", "caller"]);
    const caller = (await recordingsOf(call.id)).find((r) => r.role === "caller")!;
    const ms = await probedMs(join(cluster.dataDir, "files", caller.storage_key));
    expect(ms).toBeGreaterThan(2_500);
    expect(caller.duration_ms).toBeGreaterThan(2_500);
    // Node A at its start, or node B on its next round (every minute): one of them, once.
    const logs = () => [...a.log(), ...b.log()];
    expect(logs().filter((l) => l.msg === "recording of a killed node salvaged" && l.callId === call.id)).toHaveLength(1);
    await expect.poll(() => logs().filter((l) => l.msg === "a killed recording could not be read; removing it").length, { timeout: 70_000 }).toBe(1);
    await expect.poll(() => readdirSync(legsDir), { timeout: 15_000 }).toEqual([]);
    expect(existsSync(join(legsDir, callerLeg))).toBe(false);

    // The caller's widget, cut off with node A, reconnects once A is back and learns the call is over.
    await frame
      .getByText(/^Call ended · /)
      .waitFor({ timeout: 120_000 })
      .catch(async (error: unknown) => {
        throw new Error(`the widget shows: ${await frame.locator("body").innerText()}`, { cause: error });
      });
    expect(await pcState(frame)).not.toBe("connected");
  }, 600_000);
});
