import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, BrowserContextOptions, Frame, Page } from "playwright-core";
import { launchChromium } from "./browser.ts";
import { addAgent, codeFrom, PASSWORD, startTestServer, type TestServer } from "./testApp.ts";

// Pages of the browser call tests: a shop embedding the widget, and signed-in consoles.

export interface Shop {
  url: string;
  close(): void;
}

/** What a shop's page carries besides the widget's script tag. */
export interface ShopPage {
  language?: "en" | "tr";
  /** More attributes on the script tag, as written (e.g. `data-greeting="Merhaba"`). */
  attributes?: string;
  /** Markup before the script tag (e.g. a script that queues `destek.identify`). */
  before?: string;
}

/**
 * A shop's page on another origin (localhost vs 127.0.0.1) with the widget's script tag: one page
 * for every path, or a page per requested path (and query).
 */
export async function startShop(t: Pick<TestServer, "url">, page: "en" | "tr" | ShopPage | ((path: string) => ShopPage) = "en"): Promise<Shop> {
  const pageFor = typeof page === "function" ? page : () => (typeof page === "string" ? { language: page } : page);
  const host = http.createServer((req, res) => {
    const { language = "en", attributes = "", before = "" } = pageFor(req.url ?? "/");
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.end(`<!doctype html><html lang="${language}"><head><title>Shop</title></head><body><main><h1>Shop</h1></main>
${before}<script src="${t.url}/widget.js" data-language="${language}" ${attributes} async></script></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
  return { url: `http://localhost:${(host.address() as AddressInfo).port}/`, close: () => host.close() };
}

/** Opens the loader's shadow root, which is closed, so Playwright can see inside. */
const OPEN_SHADOW_ROOTS = `{
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: "open" }); };
}`;

/** A visitor's fresh browser (a context of its own) on no page yet, able to reach the widget. */
export async function visitorPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await callContext(browser, options);
  await context.addInitScript(OPEN_SHADOW_ROOTS);
  return context.newPage();
}

/** The widget's frame on a page where the chat was opened. */
export async function widgetFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector("iframe", { state: "attached" });
  const frame = await handle.contentFrame();
  if (!frame) throw new Error("the widget has no frame");
  return frame;
}

/** The app (`t`) and Chromium: what a console test starts from. */
export interface ConsoleStage {
  t: TestServer;
  browser: Browser;
  close(): Promise<void>;
}

/** The app and Chromium (headed when asked, see launchChromium), for tests of the console alone. */
export async function startConsoleStage(options: { env?: Record<string, string>; jobs?: boolean; headed?: { env: NodeJS.ProcessEnv } } = {}): Promise<ConsoleStage> {
  const t = await startTestServer({ ...(options.env && { env: options.env }), jobs: options.jobs ?? false });
  const browser = await launchChromium(options.headed);
  return {
    t,
    browser,
    async close() {
      await browser.close();
      await t.close();
    },
  };
}

/** A console stage with a shop embedding the widget. */
export interface WidgetStage extends ConsoleStage {
  shop: Shop;
}

export type CallStage = WidgetStage;

/**
 * What every widget test starts from: the app with no pre-chat form (`env` on top), a shop
 * embedding its widget (`shop` as startShop takes it), Chromium (headed when asked, see launchChromium).
 */
export async function startWidgetStage(
  options: { env?: Record<string, string>; jobs?: boolean; shop?: Parameters<typeof startShop>[1]; headed?: { env: NodeJS.ProcessEnv } } = {},
): Promise<WidgetStage> {
  const t = await startTestServer({ env: { PRECHAT_FIELDS: "name:off,email:off,phone:off", ...options.env }, jobs: options.jobs ?? false });
  const shop = await startShop(t, options.shop);
  const browser = await launchChromium(options.headed);
  return {
    t,
    browser,
    shop,
    async close() {
      await browser.close();
      shop.close();
      await t.close();
    },
  };
}

/** A widget stage with the app's background jobs running as in production: what every call test starts from. */
export function startCallStage(env: Record<string, string> = {}, headed?: { env: NodeJS.ProcessEnv }): Promise<CallStage> {
  return startWidgetStage({ env, jobs: true, ...(headed && { headed }) });
}

/**
 * Lets tests reach a page's call connection without any hook in the shipped code: every frame of
 * the context gets an RTCPeerConnection that remembers its instances. A recording leg (it adds only
 * send-only transceivers, right after it is made) is told apart from the call's own connection,
 * and `window.__testCallPc` is the newest call connection of the frame (`__testRecordingPc` the
 * newest recording leg).
 */
const TRACK_PEERS = `{
  const Native = window.RTCPeerConnection;
  if (Native) {
    const peers = [];
    window.RTCPeerConnection = class extends Native {
      constructor(...args) { super(...args); peers.push(this); }
      addTransceiver(kind, init) {
        if (init && init.direction === "sendonly") this.__recordingLeg = true;
        return super.addTransceiver(kind, init);
      }
    };
    Object.defineProperty(window, "__testCallPc", { get: () => peers.filter((pc) => !pc.__recordingLeg).at(-1) });
    Object.defineProperty(window, "__testRecordingPc", { get: () => peers.filter((pc) => pc.__recordingLeg).at(-1) });
  }
}`;

/** The page expression for the page's call connection (see TRACK_PEERS); undefined without a call. */
export const CALL_PC = "window.__testCallPc";

/** A browser context whose pages' call connections tests can reach (CALL_PC). */
export async function callContext(browser: Browser, options: BrowserContextOptions = {}, initScript?: string): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: "en-US", ...options });
  // A test's own script first (e.g. one that changes RTCPeerConnection's configuration), then the tracking.
  if (initScript) await context.addInitScript(initScript);
  await context.addInitScript(TRACK_PEERS);
  return context;
}

/** A visitor on the shop with the chat open (at a phone's size when asked); returns the widget's frame. */
export async function openWidget(
  browser: Browser,
  shopUrl: string,
  viewport = { width: 1280, height: 720 },
  options: { hold?: ServerMessageHold; initScript?: string } = {},
): Promise<{ page: Page; frame: Frame }> {
  const context = await callContext(browser, { viewport }, options.initScript);
  // The widget's websocket through the test, when it is to hold or drop what the server sends.
  if (options.hold) await routeSockets(context, options.hold);
  await context.addInitScript(OPEN_SHADOW_ROOTS);
  const page = await context.newPage();
  await page.goto(shopUrl);
  await page.getByRole("button", { name: "Open chat" }).click();
  return { page, frame: await widgetFrame(page) };
}

const frames = new WeakMap<Page, { sent: string[]; received: string[] }>();

/** The Socket.IO websocket frames a console page sent and received so far. */
export function socketFrames(page: Page): { sent: string[]; received: string[] } {
  return frames.get(page) ?? { sent: [], received: [] };
}

/**
 * Holds back what the server sends to consoles' sockets while held: two agents can then both press
 * a button before either hears what the other's press did. Requests still reach the server.
 */
export class ServerMessageHold {
  private held = false;
  private readonly pending: Array<() => void> = [];
  hold(): void {
    this.held = true;
  }
  release(): void {
    this.held = false;
    for (const deliver of this.pending.splice(0)) deliver();
  }
  deliver(send: () => void): void {
    if (this.held) this.pending.push(send);
    else send();
  }
  private readonly connections = new Set<() => void>();
  /** Notes a routed connection, so `cut` can drop it. */
  connected(drop: () => void): () => void {
    this.connections.add(drop);
    return () => this.connections.delete(drop);
  }
  /** How many routed connections are open. */
  get open(): number {
    return this.connections.size;
  }
  /** A network drop: every routed connection closes, and what was held is lost. */
  cut(): void {
    this.pending.splice(0);
    for (const drop of [...this.connections]) drop();
  }
}

/**
 * Passes a context's Socket.IO websockets through the test: each message noted in `seen`, the
 * server's held while `hold` holds, every connection dropped by `hold.cut()`.
 */
async function routeSockets(context: BrowserContext, hold: ServerMessageHold, seen: { sent: string[]; received: string[] } = { sent: [], received: [] }): Promise<void> {
  await context.routeWebSocket(/\/socket\.io\//, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      seen.sent.push(String(message));
      server.send(message);
    });
    server.onMessage((message) => {
      hold.deliver(() => {
        seen.received.push(String(message));
        ws.send(message);
      });
    });
    const forget = hold.connected(() => {
      ws.close({ code: 4000, reason: "network drop" }).catch(() => undefined);
      server.close().catch(() => undefined);
    });
    ws.onClose((code, reason) => {
      forget();
      server.close({ code, reason }).catch(() => undefined);
    });
    server.onClose((code, reason) => {
      forget();
      ws.close({ code, reason }).catch(() => undefined);
    });
  });
}

/** An agent signed in to the console in a browser context of their own (password, then the Telegram code). */
export async function signInConsole(
  browser: Browser,
  t: Pick<TestServer, "url" | "telegram">,
  username: string,
  telegramChatId: string,
  options: {
    hold?: ServerMessageHold;
    viewport?: { width: number; height: number };
    initScript?: string;
    /** "block" keeps the console's service worker out, so the test's routes see every request. */
    serviceWorkers?: "allow" | "block";
  } = {},
): Promise<Page> {
  const contextOptions = { ...(options.viewport && { viewport: options.viewport }), ...(options.serviceWorkers && { serviceWorkers: options.serviceWorkers }) };
  const context = await callContext(browser, contextOptions, options.initScript);
  const page = await context.newPage();
  const seen = { sent: [] as string[], received: [] as string[] };
  frames.set(page, seen);
  const { hold } = options;
  if (hold) {
    // The console's websocket passes through the test, which notes each frame and can hold the server's.
    await routeSockets(context, hold, seen);
  } else {
    page.on("websocket", (ws) => {
      ws.on("framesent", (frame) => seen.sent.push(String(frame.payload)));
      ws.on("framereceived", (frame) => seen.received.push(String(frame.payload)));
    });
  }
  await page.goto(`${t.url}/console/`);
  const lastSent = t.telegram.sent.at(-1)?.message_id ?? 0;
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  const code = await t.telegram.waitForSent((m) => m.message_id > lastSent && String(m.chat_id) === telegramChatId && /\b\d{6}\b/.test(String(m.text)));
  await page.getByLabel("Code").fill(codeFrom(code.text));
  await page.getByRole("button", { name: "Verify" }).click();
  await page.getByText("Conversations").first().waitFor();
  return page;
}

/** Adds agent `username` (Telegram chat `telegramChatId`, an admin when asked) and signs them in to the console (signInConsole). */
export async function addAgentAndSignIn(
  browser: Browser,
  t: Pick<TestServer, "url" | "telegram" | "deps">,
  username: string,
  telegramChatId: string,
  options: Parameters<typeof signInConsole>[4] & { admin?: boolean } = {},
): Promise<Page> {
  const { admin, ...signIn } = options;
  await addAgent(t.deps, username, { telegramChatId, ...(admin && { admin }) });
  return signInConsole(browser, t, username, telegramChatId, signIn);
}

/** Turns one side's Speaker on or off, and waits until its button shows the change. */
export async function setSpeaker(side: Page | Frame, on: boolean): Promise<void> {
  await side.getByRole("button", { name: on ? "Speaker on" : "Speaker off", exact: true }).click();
  await side.getByRole("button", { name: on ? "Speaker off" : "Speaker on", exact: true }).waitFor();
}

/** The visitor hangs up in the widget's frame, and the call leaves the agent's page. */
export async function visitorHangsUp(frame: Frame, agent: Page): Promise<void> {
  await frame.getByRole("button", { name: "Hang up" }).click();
  await agent.getByRole("button", { name: "Hang up" }).waitFor({ state: "detached", timeout: 20_000 });
}

/** The WebRTC connection state of the page's call (`none` without a call). */
export const pcState = (target: Page | Frame) => target.evaluate(`${CALL_PC}?.connectionState ?? 'none'`) as Promise<string>;

/** Audio bytes received so far in the page's call. */
export const inboundAudioBytes = (target: Page | Frame) =>
  target.evaluate(`(async () => {
    let bytes = 0;
    (await ${CALL_PC}.getStats()).forEach((s) => { if (s.type === "inbound-rtp" && s.kind === "audio") bytes += s.bytesReceived; });
    return bytes;
  })()`) as Promise<number>;

/** The element that plays the other side's audio: whether it plays, how far, and what it carries. */
export const remoteAudio = (target: Page | Frame) =>
  target.evaluate(`(() => {
    const el = document.querySelector("audio.call-remote-audio");
    const tracks = el && el.srcObject ? el.srcObject.getAudioTracks() : [];
    return el && { paused: el.paused, muted: el.muted, currentTime: el.currentTime, liveTracks: tracks.filter((t) => t.readyState === "live").length };
  })()`) as Promise<{ paused: boolean; muted: boolean; currentTime: number; liveTracks: number } | null>;

/**
 * The loudest sample a Web Audio analyser sees on the stream the remote `<audio>` element plays,
 * sampled until it passes `above` or `withinMs` ends (the fake microphone beeps, so signal comes
 * and goes). 0 when there is no such element.
 */
export const remoteAudioPeak = (target: Page | Frame, above = 0.01, withinMs = 5000) =>
  target.evaluate(`(async () => {
    const el = document.querySelector("audio.call-remote-audio");
    if (!el || !el.srcObject) return 0;
    let probe = window.__testAudioProbe;
    if (!probe || probe.stream !== el.srcObject) {
      const context = new AudioContext();
      const analyser = context.createAnalyser();
      analyser.fftSize = 2048;
      context.createMediaStreamSource(el.srcObject).connect(analyser);
      probe = window.__testAudioProbe = { stream: el.srcObject, context, analyser };
    }
    if (probe.context.state !== "running") await Promise.race([probe.context.resume(), new Promise((r) => setTimeout(r, 500))]);
    const samples = new Float32Array(probe.analyser.fftSize);
    let peak = 0;
    for (const end = performance.now() + ${withinMs}; peak <= ${above} && performance.now() < end; ) {
      probe.analyser.getFloatTimeDomainData(samples);
      for (const s of samples) peak = Math.max(peak, Math.abs(s));
      await new Promise((r) => setTimeout(r, 20));
    }
    return peak;
  })()`) as Promise<number>;

/** What the page's recording leg has sent so far: audio packets (20 ms each) and encoded video frames. */
export const recordingLegSent = (target: Page | Frame) =>
  target.evaluate(`(async () => {
    const sent = { audioPackets: 0, videoFrames: 0 };
    const pc = window.__testRecordingPc;
    if (!pc) return sent;
    (await pc.getStats()).forEach((s) => {
      if (s.type !== "outbound-rtp") return;
      if (s.kind === "audio") sent.audioPackets += s.packetsSent ?? 0;
      else sent.videoFrames += s.framesEncoded ?? 0;
    });
    return sent;
  })()`) as Promise<{ audioPackets: number; videoFrames: number }>;
