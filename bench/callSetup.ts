// Call setup time in real Chromium: a visitor calls from the widget on a shop page, the agent
// presses Accept in the console, and the clock runs from that click until both sides' call
// connections are `connected`. Ten calls without recording, then ten with audio recording (each
// side also opens its recorder leg to the server). Everything runs on this machine, over loopback.
//   npm run bench -- calls [--calls 10]
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { type Browser, type BrowserContext, chromium, type Frame, type Page } from "playwright-core";
import { CHROMIUM, chromiumArgs } from "../test/support/browser.ts";
import { type BenchServer, startDestekNode } from "./support/nodes.ts";
import { machine, markdownTable, ms, percentile, saveResult } from "./support/report.ts";

const { values } = parseArgs({ args: process.argv.slice(2), options: { calls: { type: "string", default: "10" } } });
const calls = Number(values.calls);
const TARGET_MS = 300;

// In every frame: when the call's connection (not a recorder leg) and the recorder leg connect,
// and when Accept was pressed, on the machine's wall clock shared by both pages.
const TIMING = `{
  const Native = window.RTCPeerConnection;
  const now = () => performance.timeOrigin + performance.now();
  window.__timing = {};
  const mark = (name) => { window.__timing[name] ??= now(); };
  const media = navigator.mediaDevices;
  if (media) {
    const getUserMedia = media.getUserMedia.bind(media);
    media.getUserMedia = async (...args) => { const stream = await getUserMedia(...args); mark("mediaAt"); return stream; };
  }
  // The signaling frames on the socket: when the answer leaves the visitor and reaches the agent.
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (typeof event.data === "string" && event.data.includes('"type":"answer"')) mark("answerFrameAt");
      });
    }
    send(data) {
      if (typeof data === "string" && data.includes('"type":"answer"')) mark("answerFrameSentAt");
      return super.send(data);
    }
  };
  window.RTCPeerConnection = class extends Native {
    async setLocalDescription(...args) {
      const done = await super.setLocalDescription(...args);
      if (!this.__recordingLeg) mark(this.localDescription.type === "offer" ? "offerSetAt" : "answerSetAt");
      return done;
    }
    async setRemoteDescription(...args) {
      const done = await super.setRemoteDescription(...args);
      if (!this.__recordingLeg) mark(this.remoteDescription.type === "offer" ? "offerReceivedAt" : "answerReceivedAt");
      return done;
    }
    constructor(...args) {
      super(...args);
      this.addEventListener("iceconnectionstatechange", () => {
        if (!this.__recordingLeg && this.iceConnectionState === "connected") mark("iceConnectedAt");
      });
      this.addEventListener("connectionstatechange", () => {
        if (this.connectionState !== "connected") return;
        window.__timing[this.__recordingLeg ? "recorderConnectedAt" : "connectedAt"] ??= now();
      });
    }
    addTransceiver(kind, init) {
      if (init && init.direction === "sendonly") this.__recordingLeg = true;
      return super.addTransceiver(kind, init);
    }
  };
  // The loader's shadow root is closed; opened here so Playwright can press its button.
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: "open" }); };
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button") : null;
    if (button && button.textContent.trim() === "Accept") window.__timing.acceptAt = now();
  }, true);
}`;

interface Timing {
  acceptAt?: number;
  mediaAt?: number;
  offerSetAt?: number;
  offerReceivedAt?: number;
  answerSetAt?: number;
  answerReceivedAt?: number;
  iceConnectedAt?: number;
  answerFrameSentAt?: number;
  answerFrameAt?: number;
  connectedAt?: number;
  recorderConnectedAt?: number;
}

async function shopFor(node: BenchServer): Promise<{ url: string; close: () => void }> {
  const host = http.createServer((_req, res) => {
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><main><h1>Shop</h1></main>
<script src="http://127.0.0.1:${node.port}/widget.js" data-language="en" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
  return { url: `http://localhost:${(host.address() as AddressInfo).port}/`, close: () => host.close() };
}

async function context(browser: Browser): Promise<BrowserContext> {
  const made = await browser.newContext({ locale: "en-US" });
  await made.addInitScript(TIMING);
  return made;
}

const timingOf = async (target: Page | Frame) => (await target.evaluate("window.__timing")) as Timing;

async function until(what: string, probe: () => Promise<boolean>, withinMs = 30_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface Sample {
  setupMs: number;
  recorderMs?: number;
  /** Where the time went, each phase from the click on Accept. */
  phases: Record<string, number>;
}

/** The phases of the call's own connection, in the order they happen, from Accept. */
const PHASES: Array<[string, (agent: Timing, visitor: Timing) => number | undefined]> = [
  ["agent's offer made (after the agent's microphone)", (a) => a.offerSetAt],
  ["offer at the visitor", (_a, v) => v.offerReceivedAt],
  ["visitor's answer made", (_a, v) => v.answerSetAt],
  ["answer leaves the visitor's socket", (_a, v) => v.answerFrameSentAt],
  ["answer reaches the agent's socket", (a) => a.answerFrameAt],
  ["answer applied at the agent", (a) => a.answerReceivedAt],
  ["ICE connected (both)", (a, v) => (a.iceConnectedAt && v.iceConnectedAt ? Math.max(a.iceConnectedAt, v.iceConnectedAt) : undefined)],
  ["DTLS done, both `connected`", (a, v) => (a.connectedAt && v.connectedAt ? Math.max(a.connectedAt, v.connectedAt) : undefined)],
];

async function measure(browser: Browser, recording: "off" | "audio"): Promise<Sample[]> {
  const node = await startDestekNode(`destek, recording ${recording}`, { RECORDING: recording, PRECHAT_FIELDS: "name:off,email:off,phone:off", CALL_DAILY_LIMIT: "1000", CALL_VISITOR_DAILY_LIMIT: "1000" });
  const shop = await shopFor(node);
  const agentContext = await context(browser);
  await agentContext.addCookies([{ name: "destek_refresh", value: node.refreshToken, url: `http://127.0.0.1:${node.port}/api/auth` }]);
  const agent = await agentContext.newPage();
  await agent.goto(`http://127.0.0.1:${node.port}/console/`);
  await agent.getByText("Conversations").first().waitFor({ timeout: 60_000 });
  const samples: Sample[] = [];
  // One call first that is not counted: the first call loads the call code and warms the server.
  for (let i = 0; i <= calls; i++) {
    const visitorContext = await context(browser);
    const page = await visitorContext.newPage();
    await page.goto(shop.url);
    await page.getByRole("button", { name: "Open chat" }).click();
    const frame = (await (await page.waitForSelector("iframe")).contentFrame()) as Frame;
    await frame.getByRole("button", { name: "Call" }).click();
    if (recording !== "off") await frame.getByRole("button", { name: "Agree and call" }).click();
    await agent.evaluate("window.__timing = {}");
    await agent.getByRole("button", { name: "Accept" }).click({ timeout: 30_000 });
    await until("both sides connected", async () => (await timingOf(agent)).connectedAt !== undefined && (await timingOf(frame)).connectedAt !== undefined);
    if (recording !== "off") {
      await until("both recorder legs connected", async () => (await timingOf(agent)).recorderConnectedAt !== undefined && (await timingOf(frame)).recorderConnectedAt !== undefined);
    }
    const [a, v] = [await timingOf(agent), await timingOf(frame)];
    const acceptAt = a.acceptAt as number;
    if (i > 0) {
      samples.push({
        setupMs: Math.max(a.connectedAt as number, v.connectedAt as number) - acceptAt,
        phases: Object.fromEntries(PHASES.map(([name, at]) => [name, (at(a, v) ?? Number.NaN) - acceptAt])),
        ...(recording !== "off" && { recorderMs: Math.max(a.recorderConnectedAt as number, v.recorderConnectedAt as number) - acceptAt }),
      });
    }
    await agent.getByRole("button", { name: "Hang up" }).click();
    await frame.getByRole("button", { name: "Call" }).waitFor({ timeout: 30_000 });
    await visitorContext.close();
    // The agent's console is free for the next call once its call screen has gone.
    await agent.getByRole("button", { name: "Hang up" }).waitFor({ state: "detached", timeout: 30_000 });
  }
  await agentContext.close();
  shop.close();
  await node.stop();
  return samples;
}

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: chromiumArgs({ headless: true }) });
const atStart = machine();
const without = await measure(browser, "off");
const withRecording = await measure(browser, "audio");
await browser.close();

const stats = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), max: sorted.at(-1) as number, min: sorted[0] as number };
};
const row = (label: string, list: number[], target: boolean) => {
  const s = stats(list);
  return [label, ms(s.p50), `${ms(s.min)} – ${ms(s.max)}`, target ? `< ${TARGET_MS} ms: ${s.p50 < TARGET_MS ? "met" : "**missed**"}` : "–"];
};
const body = [
  `${calls} calls each (after one uncounted warm-up call), Chromium visitor in the widget and agent in the console on one machine with the server; from the agent's click on Accept until both call connections are \`connected\`.`,
  "",
  markdownTable(
    ["", "median", "range", "target"],
    [
      row("Accept → both connected, recording off", without.map((s) => s.setupMs), true),
      row("Accept → both connected, recording audio", withRecording.map((s) => s.setupMs), true),
      row("Accept → both recorder legs connected to the server", withRecording.map((s) => s.recorderMs as number), false),
    ],
  ),
  "",
  "Where the time goes (median ms from the click on Accept, recording off / on):",
  "",
  markdownTable(
    ["phase", "recording off", "recording audio"],
    PHASES.map(([name]) => [name, ms(stats(without.map((s) => s.phases[name] as number)).p50), ms(stats(withRecording.map((s) => s.phases[name] as number)).p50)]),
  ),
  "",
  "The recorder legs are offered while the call rings, so recording adds no round trip before `connected`; they connect to the server's werift peer in parallel with the call.",
].join("\n");
saveResult({ name: "calls", title: "Call setup time", command: `npm run bench -- calls ${process.argv.slice(2).join(" ")}`.trim(), date: new Date().toISOString().slice(0, 10), machine: atStart, body });
process.exit(0);
