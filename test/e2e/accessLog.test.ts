import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertCall } from "../../src/adapters/db/repositories/calls.ts";
import { insertVisitor } from "../../src/adapters/db/repositories/chat.ts";
import { insertRecording } from "../../src/adapters/db/repositories/recordings.ts";
import { seriousViolations } from "../support/axe.ts";
import { browserAvailable, ffmpegAvailable, launchChromium } from "../support/browser.ts";
import { addAgent, codeFrom, PASSWORD, startTestServer, type TestServer } from "../support/testApp.ts";

const PHONE = { width: 390, height: 844 };

// The access log in real Chromium: an admin plays a call's recording in the console, then finds
// that play in the Access log (opened from the call), exports it as CSV, and the page fits a phone.
// The recording link the console used does not open in another browser (no session cookie).
describe.runIf(browserAvailable() && ffmpegAvailable())("the access log in the console", () => {
  let t: TestServer;
  let browser: Browser;
  let dir: string;
  const callId = randomUUID();

  beforeAll(async () => {
    t = await startTestServer();
    await addAgent(t.deps, "derya", { telegramChatId: "757575", admin: true });
    dir = mkdtempSync(join(tmpdir(), "destek-access-"));
    const file = join(dir, "tone.webm");
    execFileSync("ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "libopus", file]);
    const webm = readFileSync(file);
    const db = t.deps.domain.db;
    const at = Date.now() - 30 * 60_000;
    const visitorId = randomUUID();
    await insertVisitor(db, {
      id: visitorId, token_hash: randomBytes(16).toString("hex"), name: "Zeynep Kaya", email: null, phone: null, language: "en", user_agent: null,
      page_url: null, page_title: null, first_seen_at: at, last_seen_at: at, metadata: null,
    });
    await insertCall(db, {
      id: callId, visitor_id: visitorId, conversation_id: null, agent_id: null, status: "ended", media: "audio", recording_mode: "audio",
      created_at: at, answered_at: at + 4_000, ended_at: at + 6_000, duration_ms: 2_000, end_reason: "caller_hung_up", mix_status: null,
      consent_mode: "audio", consent_at: at - 1_000, consent_version: "2026-12-02", inbox_id: "default",
    });
    const key = `recordings/${randomBytes(18).toString("base64url")}.webm`;
    await t.deps.domain.storage.put(key, webm);
    await insertRecording(db, {
      id: randomUUID(), call_id: callId, role: "caller", storage_key: key, mime: "audio/webm", size: webm.length, duration_ms: 2_000, created_at: at + 4_000, deleted_at: null,
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function signIn(): Promise<Page> {
    const page = await (await browser.newContext({ locale: "en-US", acceptDownloads: true })).newPage();
    await page.goto(`${t.url}/console/`);
    await page.getByLabel("Username").fill("derya");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByLabel("Code").fill(codeFrom((await t.telegram.waitForSent((m) => String(m.chat_id) === "757575")).text));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByText("Conversations").first().waitFor();
    return page;
  }

  it("shows an admin's play of a recording in the Access log, exports it, and refuses the link elsewhere", async () => {
    const page = await signIn();
    const plays: string[] = [];
    page.on("response", (res) => {
      if (res.url().includes("/recordings/")) plays.push(`${res.status()} ${res.request().headers().range ?? ""}`);
    });

    // From the History tab to the call, then play its recording.
    await page.getByRole("navigation").getByRole("link", { name: /^Calls/ }).click();
    await page.getByRole("button", { name: "History" }).click();
    await page.getByRole("link", { name: "Access log of the call with Zeynep Kaya" }).waitFor();
    await page.getByRole("link", { name: "Zeynep Kaya", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Call with Zeynep Kaya" }).waitFor();
    const audio = page.locator("audio");
    const link = (await audio.getAttribute("src"))!;
    expect(link).toMatch(/^\/recordings\/[\w-]+\?exp=\d+&ses=[\w-]+&sig=[\w-]+$/);
    const box = (await audio.boundingBox())!;
    await audio.click({ position: { x: 20, y: box.height / 2 } });
    await expect.poll(() => page.evaluate("document.querySelector('audio').duration") as Promise<number>, { timeout: 10_000 }).toBeGreaterThan(1.8);
    expect(plays.length).toBeGreaterThan(0);
    expect(plays.every((p) => p.startsWith("200") || p.startsWith("206"))).toBe(true);

    // The same link in another browser (no session of this agent) is refused.
    const stranger = await browser.newContext();
    const replay = await stranger.request.get(`${t.url}${link}`);
    expect(replay.status()).toBe(403);
    expect(((await replay.json()) as { error: { id: string } }).error.id).toBe("link_not_yours");
    await stranger.close();

    // The call's Access log link opens the page filtered by that call: one play, by derya.
    await page.getByRole("link", { name: "Access log of the call with Zeynep Kaya" }).click();
    await page.getByRole("heading", { level: 1, name: "Access log" }).waitFor();
    expect(page.url()).toContain(`/console/access-log?callId=${callId}`);
    expect(await page.getByLabel("Call id").inputValue()).toBe(callId);
    const rows = page.getByRole("region", { name: "Access log entries" }).locator("tbody tr");
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    const cells = (await rows.first().locator("td").allTextContents()).map((s) => s.trim());
    expect(cells.slice(1, 4)).toEqual(["Agent derya", "Played", "Call recording"]);
    expect(cells[4]).toMatch(/^127\.0\.0\.1/);
    expect(await page.getByRole("navigation").getByRole("link", { name: "Access log" }).getAttribute("aria-current")).toBe("page");
    expect(await seriousViolations(page)).toEqual([]);

    // Filter by agent, then Export CSV: the file holds the play.
    await page.getByLabel("Filter by agent").selectOption({ label: "Agent derya" });
    await page.getByRole("button", { name: "Filter", exact: true }).click();
    await expect.poll(() => rows.count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^access-log-\d{4}-\d\d-\d\d\.csv$/);
    const csv = readFileSync((await download.path())!, "utf8").split("\r\n");
    expect(csv[0]).toBe('"time","agent_id","agent_name","action","kind","item_id","call_id","conversation_id","ip","user_agent"');
    expect(csv).toHaveLength(3);
    expect(csv[1]).toContain(`"Agent derya","play","recording"`);
    expect(csv[1]).toContain(`"${callId}"`);

    if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-access-log.png` });

    // On a phone the page fits the screen's width.
    await page.setViewportSize(PHONE);
    await page.getByRole("heading", { level: 1, name: "Access log" }).waitFor();
    const width = (await page.evaluate("document.scrollingElement.scrollWidth")) as number;
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await page.close();
  }, 120_000);
});
