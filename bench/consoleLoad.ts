// The console's first load on a phone-class CPU: Chromium with its CPU throttled 4× (DevTools'
// "mid-tier mobile"), a 390 px viewport and an empty cache, signed in, against an inbox of 40
// conversations. Each run is a fresh browser context, so nothing is cached.
//   bundle: the JavaScript and CSS the first load fetches, raw and gzip.
//   interactive: from navigation start until the inbox list is on screen, the main thread is free
//   (no long task in flight) and a conversation opens on click — the agent can work.
//   npm run bench -- console [--runs 5] [--throttle 4]
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { io } from "socket.io-client";
import { CHROMIUM, chromiumArgs } from "../test/support/browser.ts";
import { startDestekNode } from "./support/nodes.ts";
import { machine, markdownTable, ms, saveResult } from "./support/report.ts";

const { values } = parseArgs({ args: process.argv.slice(2), options: { runs: { type: "string", default: "5" }, throttle: { type: "string", default: "4" } } });
const runs = Number(values.runs);
const throttle = Number(values.throttle);
const TARGET_MS = 1_500;
const CONVERSATIONS = 40;

const node = await startDestekNode("destek, SQLite");
const base = `http://127.0.0.1:${node.port}`;

// An inbox with work in it: each visitor's conversation holds a few messages.
for (let i = 0; i < CONVERSATIONS; i++) {
  const socket = io(`${base}/visitor`, { auth: { visitorToken: randomBytes(32).toString("base64url") }, transports: ["websocket"] });
  for (let k = 0; k < 3; k++) {
    const ack = (await socket.timeout(10_000).emitWithAck("message:send", { clientId: `c-${i}-${k}-${randomBytes(4).toString("hex")}`, body: `Ziyaretçi ${i}: soru ${k + 1}` })) as { ok: boolean };
    if (!ack.ok) throw new Error(`seeding refused: ${JSON.stringify(ack)}`);
  }
  socket.close();
}

interface Run {
  domContentLoaded: number;
  firstContentfulPaint: number;
  listShown: number;
  interactive: number;
  longTasksMs: number;
  /** What the page fetched before the list showed: path (hashes dropped) → [start, end] from navigation. */
  fetches: Record<string, [number, number]>;
  jsBytes: number;
  jsGzip: number;
  cssBytes: number;
  cssGzip: number;
}

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: chromiumArgs({ headless: true }) });
const results: Run[] = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await context.addCookies([{ name: "destek_refresh", value: await node.newSession(), url: `${base}/api/auth` }]);
  // Long tasks from the first instant, so the "main thread free" condition sees every one.
  await context.addInitScript(`
    window.__longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]); })
      .observe({ type: "longtask", buffered: true });
  `);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: throttle });
  const assets: Array<{ kind: "js" | "css"; raw: number; gzip: number }> = [];
  page.on("response", (response) => {
    const url = response.url();
    const kind = /\.m?js(\?|$)/.test(url) ? "js" : /\.css(\?|$)/.test(url) ? "css" : null;
    if (!kind) return;
    response.body().then(
      (body) => assets.push({ kind, raw: body.length, gzip: gzipSync(body, { level: 9 }).length }),
      () => undefined,
    );
  });
  await page.goto(`${base}/console/`, { waitUntil: "commit" });
  const link = page.locator("[data-conversation-link]").first();
  await link.waitFor({ timeout: 60_000 }).catch(async (error: unknown) => {
    await page.screenshot({ path: "/tmp/console-bench.png" });
    throw error;
  });
  const listShown = (await page.evaluate("performance.now()")) as number;
  // Resource timings: when each script, stylesheet and API call before the list started and ended.
  const fetches = (await page.evaluate(`Object.fromEntries(performance.getEntriesByType("resource")
    .filter((e) => e.startTime < ${listShown})
    .map((e) => [new URL(e.name).pathname.replace(/-[\\w-]{8}\\.(js|css)$/, ".$1"), [e.startTime, e.responseEnd]]))`)) as Record<string, [number, number]>;
  // Interactive: the list is there and no long task has run for 50 ms (the main thread answers input).
  const interactive = (await page.waitForFunction(
    `(() => {
      const tasks = window.__longTasks;
      const last = tasks.length ? Math.max(...tasks.map(([start, duration]) => start + duration)) : 0;
      return performance.now() - last >= 50 ? Math.max(last, ${listShown}) : false;
    })()`,
    undefined,
    { polling: 10, timeout: 60_000 },
  ).then((handle) => handle.jsonValue())) as number;
  // And it works: a click opens the conversation.
  await link.click();
  await page.getByRole("textbox", { name: "Message" }).waitFor({ timeout: 60_000 });
  const timings = (await page.evaluate(`(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    return { domContentLoaded: nav.domContentLoadedEventEnd, firstContentfulPaint: fcp ? fcp.startTime : NaN,
      longTasksMs: window.__longTasks.filter(([start]) => start < ${listShown}).reduce((sum, [, d]) => sum + d, 0) };
  })()`)) as { domContentLoaded: number; firstContentfulPaint: number; longTasksMs: number };
  const sum = (kind: "js" | "css", key: "raw" | "gzip") => assets.filter((a) => a.kind === kind).reduce((total, a) => total + a[key], 0);
  results.push({ ...timings, fetches, listShown, interactive, jsBytes: sum("js", "raw"), jsGzip: sum("js", "gzip"), cssBytes: sum("css", "raw"), cssGzip: sum("css", "gzip") });
  await context.close();
}
await browser.close();
await node.stop();

const median = (pick: (r: Run) => number) => {
  const sorted = results.map(pick).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const interactive = median((r) => r.interactive);
const body = [
  `First load of \`/console/\`, signed in, ${CONVERSATIONS} conversations in the inbox, Chromium ${throttle}× CPU throttling, 390×844 viewport, empty cache; median of ${runs} runs (all on the same machine as the server).`,
  "",
  markdownTable(
    ["figure", "median", "range", "target"],
    [
      ["DOMContentLoaded", ms(median((r) => r.domContentLoaded)), range((r) => r.domContentLoaded), "–"],
      ["first contentful paint", ms(median((r) => r.firstContentfulPaint)), range((r) => r.firstContentfulPaint), "–"],
      ["inbox list on screen", ms(median((r) => r.listShown)), range((r) => r.listShown), "–"],
      ["interactive (list shown, main thread free)", ms(interactive), range((r) => r.interactive), `< ${ms(TARGET_MS)}: ${interactive < TARGET_MS ? "met" : "**missed**"}`],
      ["long tasks before the list", ms(median((r) => r.longTasksMs)), range((r) => r.longTasksMs), "–"],
    ],
  ),
  "",
  "Where the time goes: what the page fetched before the list was on screen, in the order it started (median ms from navigation; each fetch waits for the code before it to run, on the throttled CPU):",
  "",
  markdownTable(
    ["fetch", "started", "done"],
    [...new Set(results.flatMap((r) => Object.keys(r.fetches)))]
      .map((path) => ({ path, seen: results.filter((r) => r.fetches[path]) }))
      .filter(({ seen }) => seen.length > runs / 2)
      .map(({ path, seen }) => {
        const at = (i: 0 | 1) => seen.map((r) => (r.fetches[path] as [number, number])[i]).sort((a, b) => a - b)[Math.floor(seen.length / 2)] as number;
        return { path, start: at(0), end: at(1) };
      })
      .sort((a, b) => a.start - b.start)
      .map(({ path, start, end }) => [`\`${path}\``, ms(start), ms(end)]),
  ),
  "",
  markdownTable(
    ["first-load bundle", "raw", "gzip"],
    [
      ["JavaScript", kb(median((r) => r.jsBytes)), kb(median((r) => r.jsGzip))],
      ["CSS", kb(median((r) => r.cssBytes)), kb(median((r) => r.cssGzip))],
    ],
  ),
].join("\n");
saveResult({ name: "console", title: "Console first load on a throttled CPU", command: `npm run bench -- console ${process.argv.slice(2).join(" ")}`.trim(), date: new Date().toISOString().slice(0, 10), machine: machine(), body });
process.exit(0);

function range(pick: (r: Run) => number): string {
  const sorted = results.map(pick).sort((a, b) => a - b);
  return `${ms(sorted[0] as number)} – ${ms(sorted.at(-1) as number)}`;
}
