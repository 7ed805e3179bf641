import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentRow, findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { type CallRow, insertCall } from "../../src/adapters/db/repositories/calls.ts";
import { insertVisitor } from "../../src/adapters/db/repositories/chat.ts";
import { insertRecording } from "../../src/adapters/db/repositories/recordings.ts";
import { seriousViolations } from "../support/axe.ts";
import { browserAvailable, ffmpegAvailable, launchChromium } from "../support/browser.ts";
import { addAgent, codeFrom, PASSWORD, startTestServer, type TestServer } from "../support/testApp.ts";

const MINUTE = 60_000;

// The console's Calls page in real Chromium: pending, live and past calls, filters, paging, and a
// real WebM recording played with seeking over HTTP range requests.
describe.runIf(browserAvailable() && ffmpegAvailable())("call history and recording playback in the console", () => {
  let t: TestServer;
  let browser: Browser;
  let dir: string;
  let selin: AgentRow;
  let okan: AgentRow;
  const ids = { recorded: randomUUID(), queued: randomUUID() };
  /** When the recorded call's caller agreed to the recording. */
  let consentAt = 0;

  async function visitor(name: string): Promise<string> {
    const id = randomUUID();
    await insertVisitor(t.deps.domain.db, {
      id, token_hash: randomBytes(16).toString("hex"), name, email: null, phone: null, language: "en", user_agent: null,
      page_url: null, page_title: null, first_seen_at: Date.now(), last_seen_at: Date.now(), metadata: null,
    });
    return id;
  }
  async function call(name: string, fields: Partial<CallRow> & Pick<CallRow, "status" | "created_at">): Promise<CallRow> {
    const row: CallRow = {
      consent_mode: null, consent_at: null, consent_version: null, inbox_id: "default",
      id: randomUUID(), visitor_id: await visitor(name), conversation_id: null, agent_id: null, media: "audio", recording_mode: "audio",
      answered_at: null, ended_at: null, duration_ms: null, end_reason: null, mix_status: null, ...fields,
    };
    await insertCall(t.deps.domain.db, row);
    return row;
  }

  beforeAll(async () => {
    t = await startTestServer({ env: { CALL_RING_TIMEOUT_S: "600" } });
    await addAgent(t.deps, "selin", { telegramChatId: "717171" });
    await addAgent(t.deps, "okan");
    selin = (await findAgentByUsername(t.deps.domain.db, "selin"))!;
    okan = (await findAgentByUsername(t.deps.domain.db, "okan"))!;

    // A real 3-second Opus WebM, made here so the test needs no binary fixture.
    dir = mkdtempSync(join(tmpdir(), "destek-recording-"));
    const file = join(dir, "tone.webm");
    execFileSync("ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "libopus", file]);
    const webm = readFileSync(file);

    const now = Date.now();
    // Old calls first, so the newest page holds the interesting ones and "Load more" has work to do.
    for (let i = 0; i < 26; i++) {
      const at = now - (3 * 24 * 60 + i) * MINUTE;
      await call(`Caller ${i + 1}`, { status: "ended", agent_id: selin.id, created_at: at, answered_at: at + 5_000, ended_at: at + 65_000, duration_ms: 60_000, end_reason: "agent_hung_up" });
    }
    const at = now - 60 * MINUTE;
    consentAt = at - 2_000;
    await call("Zeynep Kaya", {
      id: ids.recorded, status: "ended", agent_id: selin.id, created_at: at, answered_at: at + 4_000, ended_at: at + 7_000, duration_ms: 3_000, end_reason: "caller_hung_up",
      consent_mode: "audio", consent_at: consentAt, consent_version: "2026-12-02",
    });
    const key = `recordings/${randomBytes(18).toString("base64url")}.webm`;
    await t.deps.domain.storage.put(key, webm);
    await insertRecording(t.deps.domain.db, {
      id: randomUUID(), call_id: ids.recorded, role: "caller", storage_key: key, mime: "audio/webm", size: webm.length, duration_ms: 3_000, created_at: at + 4_000, deleted_at: null,
    });
    await call("Murat Demir", { status: "missed", created_at: now - 50 * MINUTE, ended_at: now - 49 * MINUTE, duration_ms: 0, end_reason: "ring_timeout" });
    await call("Elif Şahin", { status: "ended", agent_id: okan.id, created_at: now - 40 * MINUTE, answered_at: now - 40 * MINUTE, ended_at: now - 30 * MINUTE, duration_ms: 10 * MINUTE, end_reason: "caller_left" });
    await call("Can Yıldız", { status: "active", agent_id: okan.id, created_at: now - 2 * MINUTE, answered_at: now - 2 * MINUTE + 5_000, recording_mode: "audio" });
    await call("Deniz Aksoy", { id: ids.queued, status: "queued", created_at: now - 10_000 });

    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function signIn(): Promise<Page> {
    const page = await (await browser.newContext({ locale: "en-US" })).newPage();
    await page.goto(`${t.url}/console/`);
    await page.getByLabel("Username").fill("selin");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByLabel("Code").fill(codeFrom((await t.telegram.waitForSent((m) => String(m.chat_id) === "717171")).text));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByText("Conversations").first().waitFor();
    return page;
  }

  const rowsOf = (page: Page, table: string) => page.getByRole("region", { name: table }).locator("tbody tr");
  const callerNames = async (page: Page, table: string) => (await rowsOf(page, table).locator("td:first-child").allTextContents()).map((s) => s.trim());

  it("lists pending, live and past calls, filters and pages them, and plays a recording with seeking", async () => {
    const page = await signIn();
    const recordingResponses: Array<{ status: number; range: string | undefined }> = [];
    page.on("response", (res) => {
      if (res.url().includes("/recordings/")) recordingResponses.push({ status: res.status(), range: res.request().headers().range });
    });

    // The Calls link counts the waiting call and the call missed today (never opened here before).
    const callsLink = page.getByRole("navigation").getByRole("link", { name: /^Calls/ });
    await expect.poll(() => callsLink.textContent(), { timeout: 10_000 }).toContain("1 waiting, 1 missed");
    expect(await callsLink.locator(".sidenav-badge [aria-hidden]").textContent()).toBe("2");
    await callsLink.click();
    await page.getByRole("heading", { level: 1, name: "Calls" }).waitFor();
    expect(page.url()).toMatch(/\/console\/calls$/);

    // Pending: the waiting call, live from the socket's queue state, with Reject working from here.
    await expect.poll(() => callerNames(page, "Waiting calls"), { timeout: 10_000 }).toEqual(["Deniz Aksoy"]);
    await page.getByRole("button", { name: "Reject call from Deniz Aksoy" }).click();
    await page.getByText("Nobody is waiting.").waitFor();
    // Seen here, and nobody waits: the Calls link has no badge left.
    await expect.poll(() => callsLink.locator(".sidenav-badge").count(), { timeout: 10_000 }).toBe(0);

    // Live: calls in progress from the history API.
    await page.getByRole("button", { name: "Live" }).click();
    await expect.poll(() => callerNames(page, "Live calls")).toEqual(["Can Yıldız"]);
    expect(await rowsOf(page, "Live calls").first().textContent()).toContain("Agent okan");
    // Recorded and still going: its files come at the end, so it says so rather than "None".
    expect(await rowsOf(page, "Live calls").first().locator("td").last().textContent()).toBe("Recording…");
    expect(await seriousViolations(page)).toEqual([]);

    // History: newest first, 25 a page, then "Load more".
    await page.getByRole("button", { name: "History" }).click();
    await expect.poll(() => rowsOf(page, "Past calls").count(), { timeout: 10_000 }).toBe(25);
    const firstPage = await callerNames(page, "Past calls");
    expect(firstPage.slice(0, 5)).toEqual(["Deniz Aksoy", "Can Yıldız", "Elif Şahin", "Murat Demir", "Zeynep Kaya"]);
    const rejected = rowsOf(page, "Past calls").filter({ hasText: "Deniz Aksoy" });
    expect(await rejected.textContent()).toContain("Rejected by Agent selin");
    expect(await rowsOf(page, "Past calls").filter({ hasText: "Murat Demir" }).textContent()).toContain("Nobody answered in time");
    const zeynep = rowsOf(page, "Past calls").filter({ hasText: "Zeynep Kaya" });
    expect(await zeynep.textContent()).toContain("1 recording");
    expect(await zeynep.textContent()).toContain("0:03");
    const shownStart = (await zeynep.locator("time").textContent())?.trim();
    const expectedStart = await page.evaluate(`new Date(${JSON.stringify(await zeynep.locator("time").getAttribute("datetime"))}).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })`);
    expect(shownStart).toBe(expectedStart);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => rowsOf(page, "Past calls").count()).toBe(31);
    const all = await callerNames(page, "Past calls");
    expect(new Set(all).size).toBe(31);
    expect(all.at(-1)).toBe("Caller 26");
    expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);

    // Filters: by status, then by agent (the keyboard can drive both selects).
    await page.getByLabel("Status").selectOption("missed");
    await expect.poll(() => callerNames(page, "Past calls")).toEqual(["Murat Demir"]);
    await page.getByLabel("Status").selectOption("");
    await page.getByLabel("Agent", { exact: true }).focus();
    await page.getByLabel("Agent", { exact: true }).selectOption({ label: "Agent okan" });
    await expect.poll(() => callerNames(page, "Past calls")).toEqual(["Can Yıldız", "Elif Şahin"]);
    await page.getByLabel("Status").selectOption("ended");
    await expect.poll(() => callerNames(page, "Past calls")).toEqual(["Elif Şahin"]);
    await page.getByLabel("Status").selectOption("");
    await page.getByLabel("Agent", { exact: true }).selectOption("");
    await expect.poll(() => rowsOf(page, "Past calls").count()).toBe(25);

    // The call's page, opened from the keyboard.
    await page.getByRole("link", { name: "Zeynep Kaya" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "Call with Zeynep Kaya" }).waitFor();
    expect(page.url()).toContain(`/console/calls/history/${ids.recorded}`);
    expect(await page.getByRole("region", { name: "Caller" }).textContent()).toMatch(/KB|kB|bytes/);
    // The caller's recording consent, as stored with the call: mode, wording version and when.
    const consent = page.locator("dl.details > div").filter({ has: page.locator("dt", { hasText: "Recording consent" }) }).locator("dd");
    expect((await consent.textContent())?.trim()).toMatch(/^Audio, wording version 2026-12-02, agreed /);
    expect(await consent.locator("time").getAttribute("datetime")).toBe(new Date(consentAt).toISOString());

    const audio = page.locator("audio");
    expect(await audio.count()).toBe(1);
    expect(await audio.getAttribute("aria-labelledby")).toBeTruthy();
    // Nothing loads before play (each play goes to the access log): the agent presses the player's play button.
    expect(recordingResponses).toEqual([]);
    const box = (await audio.boundingBox())!;
    await audio.click({ position: { x: 20, y: box.height / 2 } });
    // Strings, not functions: the tests compile without the DOM's types.
    const duration = () => page.evaluate("document.querySelector('audio').duration") as Promise<number>;
    await expect.poll(duration, { timeout: 10_000 }).toBeGreaterThan(2.8);
    expect(await duration()).toBeLessThan(3.3);
    const seeked = (await page.evaluate(`new Promise((resolve, reject) => {
      const audio = document.querySelector("audio");
      const timer = setTimeout(() => reject(new Error("no seeked event")), 10000);
      audio.addEventListener("seeked", () => { clearTimeout(timer); resolve(audio.currentTime); }, { once: true });
      audio.currentTime = 2;
    })`)) as number;
    expect(seeked).toBeCloseTo(2, 1);
    expect(await page.evaluate("(() => { const s = document.querySelector('audio').seekable; return s.length > 0 && s.end(0) > 2.8; })()")).toBe(true);
    expect(recordingResponses.some((r) => r.status === 206 && r.range?.startsWith("bytes="))).toBe(true);
    expect(recordingResponses.every((r) => r.status === 200 || r.status === 206)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);

    // Back keeps the history as it was, and focus returns to the call's row.
    await page.getByRole("link", { name: "All calls" }).click();
    await page.getByRole("heading", { level: 1, name: "Calls" }).waitFor();
    await expect.poll(() => page.evaluate("document.activeElement?.textContent")).toBe("Zeynep Kaya");
    await page.close();
  }, 150_000);
});
