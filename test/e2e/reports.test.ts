import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { insertCall } from "../../src/adapters/db/repositories/calls.ts";
import { insertMessage, insertVisitor } from "../../src/adapters/db/repositories/chat.ts";
import { seriousViolations } from "../support/axe.ts";
import { browserAvailable, launchChromium } from "../support/browser.ts";
import { addAgent, codeFrom, PASSWORD, startTestServer, type TestServer } from "../support/testApp.ts";

const PHONE = { width: 390, height: 844 };
const HOUR = 3_600_000;

// The Reports page in real Chromium: an admin opens Reports from the navigation, the charts draw
// (uPlot, loaded as a chunk of its own when the page opens), each table's Export CSV downloads the
// figures shown, a wider range reloads them; and on a phone in dark mode everything fits 390 px.
describe.runIf(browserAvailable())("the Reports page in the console", () => {
  let t: TestServer;
  let browser: Browser;
  /** Conversations seeded on each of the last 7 local days, oldest first. */
  const perDay = [2, 0, 3, 1, 4, 2, 1];

  beforeAll(async () => {
    t = await startTestServer({ env: { TIMEZONE: "Europe/Istanbul" } });
    await addAgent(t.deps, "derya", { telegramChatId: "818181", admin: true });
    await addAgent(t.deps, "emre");
    const db = t.deps.domain.db;
    const emre = (await findAgentByUsername(db, "emre"))!;
    const visitorId = randomUUID();
    await insertVisitor(db, {
      id: visitorId, token_hash: randomUUID(), name: "Zeynep Kaya", email: null, phone: null, language: "en", user_agent: null, page_url: null, page_title: null,
      first_seen_at: 0, last_seen_at: 0, metadata: null,
    });
    // Noon in Istanbul (09:00 UTC) of each of the last 7 days, today last: safely inside its local day.
    const todayNoon = Date.parse(`${new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Istanbul" }).format(new Date())}T09:00:00Z`);
    let n = 0;
    for (const [i, count] of perDay.entries()) {
      for (let k = 0; k < count; k++) {
        // Today's may lie ahead of now: the report counts the whole local day.
        const created = todayNoon - (6 - i) * 24 * HOUR - k * 60_000;
        const id = randomUUID();
        const resolved = n % 2 === 0 ? created + (10 + n) * 60_000 : null;
        await db.insertInto("conversations").values({
          id, visitor_id: visitorId, status: resolved ? "resolved" : "open", assignee_id: emre.id, page_url: null, last_seq: 2, last_message_at: created,
          last_message_preview: null, last_message_author: null, visitor_delivered_seq: 0, visitor_read_seq: 0, agent_delivered_seq: 0, agent_read_seq: 0,
          unread_for_agents: 0, created_at: created, updated_at: created, resolved_at: resolved,
        }).execute();
        await insertMessage(db, { id: randomUUID(), conversation_id: id, seq: 1, client_id: randomUUID(), author_type: "visitor", author_id: null, body: "Merhaba", via: "widget", created_at: created });
        await insertMessage(db, { id: randomUUID(), conversation_id: id, seq: 2, client_id: randomUUID(), author_type: "agent", author_id: emre.id, body: "Buyrun", via: "console", created_at: created + (30 + n * 10) * 1000 });
        if (resolved && resolved < Date.now()) {
          await db.insertInto("conversation_ratings").values({ conversation_id: id, visitor_id: visitorId, score: 3 + (n % 3), comment: null, created_at: resolved, updated_at: resolved }).execute();
        }
        n++;
      }
    }
    for (const [i, status] of (["ended", "ended", "missed", "rejected"] as const).entries()) {
      const created = Date.now() - (i + 1) * HOUR;
      await insertCall(db, {
        id: randomUUID(), visitor_id: visitorId, conversation_id: null, agent_id: status === "ended" ? emre.id : null, status, media: "audio", recording_mode: "off",
        created_at: created, answered_at: status === "ended" ? created + 8_000 : null, ended_at: created + 200_000, duration_ms: status === "ended" ? 180_000 : null,
        end_reason: null, mix_status: null, consent_mode: null, consent_at: null, consent_version: null, inbox_id: "default",
      });
    }
    await db.insertInto("agent_availability").values({ id: randomUUID(), agent_id: emre.id, available: 1, at: Date.now() - 2 * HOUR }).execute();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function signIn(options: BrowserContextOptions): Promise<Page> {
    const page = await (await browser.newContext({ locale: "en-US", acceptDownloads: true, ...options })).newPage();
    await page.goto(`${t.url}/console/`);
    const lastSent = t.telegram.sent.at(-1)?.message_id ?? 0;
    await page.getByLabel("Username").fill("derya");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByLabel("Code").fill(codeFrom((await t.telegram.waitForSent((m) => String(m.chat_id) === "818181" && m.message_id > lastSent)).text));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByText("Conversations").first().waitFor();
    return page;
  }

  /** Painted pixels of each chart's canvas: uPlot drew bars and axes. */
  const paintedPixels = (page: Page) =>
    page.evaluate(`[...document.querySelectorAll(".report-chart canvas")].map((canvas) => {
      const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return painted;
    })`) as Promise<number[]>;

  const section = (page: Page, name: string) => page.getByRole("region", { name, exact: true });

  async function downloadCsv(page: Page, sectionName: string): Promise<{ name: string; lines: string[] }> {
    const [download] = await Promise.all([page.waitForEvent("download"), section(page, sectionName).getByRole("button", { name: "Export CSV" }).click()]);
    return { name: download.suggestedFilename(), lines: readFileSync((await download.path())!, "utf8").split("\r\n") };
  }

  it("draws the charts, exports the tables and follows the range, on a desktop", async () => {
    const page = await signIn({ viewport: { width: 1280, height: 900 } });
    const scripts: string[] = [];
    page.on("request", (req) => {
      if (req.resourceType() === "script") scripts.push(req.url());
    });
    expect(scripts.some((url) => url.includes("ReportsPage"))).toBe(false);
    await page.getByRole("navigation").getByRole("link", { name: "Reports" }).click();
    await page.getByRole("heading", { level: 1, name: "Reports" }).waitFor();
    await section(page, "Conversations per day").waitFor();
    // The chart code came with the page, not with the console.
    expect(scripts.some((url) => url.includes("ReportsPage"))).toBe(true);

    const from = await page.getByLabel("From").inputValue();
    const to = await page.getByLabel("To").inputValue();
    expect(to).toBe(new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Istanbul" }).format(new Date()));
    expect((Date.parse(to) - Date.parse(from)) / 86_400_000).toBe(6);

    await expect.poll(() => paintedPixels(page), { timeout: 10_000 }).toHaveLength(2);
    for (const pixels of await paintedPixels(page)) expect(pixels).toBeGreaterThan(500);

    const perDayCsv = await downloadCsv(page, "Conversations per day");
    expect(perDayCsv.name).toBe(`reports-conversations-${from}-${to}.csv`);
    expect(perDayCsv.lines[0]).toBe("date,conversations");
    expect(perDayCsv.lines.slice(1, 8).map((line) => Number(line.split(",")[1]))).toEqual(perDay);
    expect(perDayCsv.lines).toHaveLength(9); // 7 days, the header, and the final line break

    const calls = await downloadCsv(page, "Calls");
    expect(calls.lines.slice(0, 2)).toEqual(["total,answered,missed,rejected,average_duration_seconds,average_wait_seconds", "4,2,1,1,180,8"]);
    const agents = await downloadCsv(page, "Agent activity");
    expect(agents.lines[0]).toBe("agent,online_minutes,conversations,resolved");
    expect(agents.lines).toContain(`Agent emre,${120},${perDay.reduce((a, b) => a + b, 0)},7`);
    const hours = await downloadCsv(page, "Busiest hours");
    expect(hours.lines[0]?.startsWith("weekday,00:00,01:00")).toBe(true);
    expect(hours.lines).toHaveLength(9);
    for (const name of ["Response and resolution times", "Ratings"]) expect((await downloadCsv(page, name)).lines.length).toBeGreaterThan(2);

    // The heatmap is a table: Monday to Sunday, 24 hours each.
    const heatmap = section(page, "Busiest hours").locator("table");
    expect(await heatmap.locator("tbody tr").count()).toBe(7);
    expect(await heatmap.locator("tbody tr").first().locator("td").count()).toBe(24);
    expect(await seriousViolations(page)).toEqual([]);
    if (process.env.E2E_SCREENSHOTS) {
      // The page scrolls inside the console's frame: a tall window shows it whole.
      await page.setViewportSize({ width: 1280, height: 1500 });
      await expect.poll(() => paintedPixels(page)).toHaveLength(2);
      await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/reports.png` });
      await page.setViewportSize({ width: 1280, height: 900 });
    }

    // A wider range: two weeks, the earlier week empty.
    const earlier = new Date(Date.parse(from) - 7 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel("From").fill(earlier);
    await page.getByRole("button", { name: "Show as a table" }).or(page.getByText("Show as a table")).first().click();
    await expect.poll(() => section(page, "Conversations per day").locator("tbody tr").count(), { timeout: 10_000 }).toBe(14);
    await page.close();
  }, 120_000);

  it("fits a phone in dark mode, charts drawn", async () => {
    const page = await signIn({ viewport: PHONE, colorScheme: "dark" });
    await page.goto(`${t.url}/console/reports`);
    await section(page, "Conversations per day").waitFor();
    await expect.poll(() => paintedPixels(page), { timeout: 10_000 }).toHaveLength(2);
    for (const pixels of await paintedPixels(page)) expect(pixels).toBeGreaterThan(200);
    const chartWidths = (await page.evaluate(`[...document.querySelectorAll(".report-chart")].map((c) => c.getBoundingClientRect().width)`)) as number[];
    for (const width of chartWidths) expect(width).toBeLessThanOrEqual(PHONE.width);
    const width = (await page.evaluate("document.scrollingElement.scrollWidth")) as number;
    expect(width).toBeLessThanOrEqual(PHONE.width);
    // Dark: the page is dark, and its text passes axe's contrast checks.
    const background = await page.evaluate("getComputedStyle(document.body).backgroundColor");
    expect(background).toBe("rgb(14, 14, 16)");
    expect(await seriousViolations(page)).toEqual([]);
    const csv = await downloadCsv(page, "Ratings");
    expect(csv.lines[0]).toBe("score,ratings");
    await page.close();
  }, 120_000);
});
