import { createECDH, randomBytes, randomUUID } from "node:crypto";
import type { Browser, CDPSession, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { savePushSubscription } from "../../src/adapters/db/repositories/push.ts";
import type { CallStart } from "../../src/protocol/calls.ts";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { seriousViolations } from "../support/axe.ts";
import { browserAvailable, CHROMIUM, chromiumArgs, launchChromium } from "../support/browser.ts";
import { newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import { signInConsole } from "../support/callPages.ts";
import { addAgent, startTestServer, type TestServer } from "../support/testApp.ts";

const PHONE = { width: 390, height: 844 };

// The console as an app on the agent's phone, in Chromium: installable (no installability errors),
// its service worker shows a push delivered through the DevTools protocol, it opens offline on its
// offline page, the agent turns push on and removes devices in Settings, and the notification
// buttons' links (/calls/<id>?action=accept|reject) accept and reject the call as the console does.

/**
 * Stands in for the browser's push service, which headless Chromium cannot reach (no Google
 * services): PushManager.subscribe answers a subscription of an FCM-looking endpoint with real keys.
 */
function fakePushService(): string {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const keys = { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") };
  const endpoint = `https://fcm.googleapis.com/fcm/send/e2e-${randomUUID()}`;
  return `{
    let held = null;
    const make = (options) => ({
      endpoint: ${JSON.stringify(endpoint)}, expirationTime: null, options,
      toJSON() { return { endpoint: this.endpoint, expirationTime: null, keys: ${JSON.stringify(keys)} }; },
      async unsubscribe() { held = null; return true; },
    });
    if (self.PushManager) {
      PushManager.prototype.subscribe = async function (options) { held = make(options); return held; };
      PushManager.prototype.getSubscription = async function () { return held; };
    }
  }`;
}

describe.runIf(browserAvailable())("the console as an installable app with push, in Chromium", () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let cdp: CDPSession;

  beforeAll(async () => {
    t = await startTestServer({ env: { PRECHAT_FIELDS: "name:off,email:off,phone:off" } });
    browser = await launchChromium();
    await addAgent(t.deps, "mira", { telegramChatId: "880001" });
    page = await signInConsole(browser, t, "mira", "880001", { viewport: PHONE, initScript: fakePushService() });
    await page.context().grantPermissions(["notifications"], { origin: t.url });
    cdp = await page.context().newCDPSession(page);
    // The service worker is registered on load and takes the page over once installed.
    await page.waitForFunction("navigator.serviceWorker.controller !== null", undefined, { timeout: 15_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("is installable: a manifest with icons, a service worker at /console/sw.js, and no installability errors", async () => {
    const manifest = (await (await fetch(`${t.url}/console/manifest.webmanifest`)).json()) as { icons: Array<{ src: string; sizes: string; purpose: string }> };
    expect(manifest).toMatchObject({ name: "destek", start_url: "/console/", scope: "/console/", display: "standalone", theme_color: "#4f46e5" });
    expect(manifest.icons.map((i) => `${i.sizes} ${i.purpose}`)).toEqual(["192x192 any", "512x512 any", "512x512 maskable"]);
    for (const icon of [...manifest.icons.map((i) => i.src), "/console/apple-touch-icon.png"]) {
      const res = await fetch(`${t.url}${icon}`);
      expect(res.status, icon).toBe(200);
      expect(res.headers.get("content-type"), icon).toBe("image/png");
    }
    const sw = await fetch(`${t.url}/console/sw.js`);
    expect(sw.headers.get("content-type")).toMatch(/^(text|application)\/javascript/);
    expect(sw.headers.get("cache-control")).toBe("no-cache");
    expect(sw.headers.get("content-security-policy")).toContain("script-src 'self'");
    // Safari on iPhone and iPad reads these instead of the manifest.
    expect(await page.locator('link[rel="apple-touch-icon"]').getAttribute("href")).toBe("/console/apple-touch-icon.png");
    expect(await page.locator('meta[name="apple-mobile-web-app-capable"]').getAttribute("content")).toBe("yes");
    expect(await page.evaluate("navigator.serviceWorker.controller?.scriptURL")).toBe(`${t.url}/console/sw.js`);

    // Chromium never offers to install from an incognito profile (Playwright's contexts are): a real profile.
    const profile = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "destek-pwa-")), { executablePath: CHROMIUM, headless: true, args: chromiumArgs() });
    try {
      const fresh = profile.pages()[0] ?? (await profile.newPage());
      await fresh.goto(`${t.url}/console/`);
      await fresh.getByLabel("Username").waitFor();
      const session = await profile.newCDPSession(fresh);
      const errors = async () => ((await session.send("Page.getInstallabilityErrors")) as { installabilityErrors: Array<{ errorId: string }> }).installabilityErrors;
      await expect.poll(errors, { timeout: 15_000 }).toEqual([]);
      const { url: manifestUrl } = (await session.send("Page.getAppManifest")) as { url: string };
      expect(manifestUrl).toBe(`${t.url}/console/manifest.webmanifest`);
    } finally {
      await profile.close();
    }
  });

  it("shows a push delivered to the service worker through the DevTools protocol, with Accept and Reject for a call", async () => {
    const registrations: Array<{ registrationId: string; scopeURL: string; isDeleted: boolean }> = [];
    cdp.on("ServiceWorker.workerRegistrationUpdated", (event: { registrations: typeof registrations }) => registrations.push(...event.registrations));
    await cdp.send("ServiceWorker.enable");
    await expect.poll(() => registrations.find((r) => r.scopeURL === `${t.url}/console/` && !r.isDeleted)?.registrationId).toBeTruthy();
    const registrationId = registrations.find((r) => r.scopeURL === `${t.url}/console/`)!.registrationId;
    const payload = {
      kind: "call",
      title: "Incoming call",
      body: "Ayşe",
      path: "/calls/1b8c3a52-8d1c-4f7e-9d38-5a1f0e4c2b77",
      tag: "call:1b8c3a52-8d1c-4f7e-9d38-5a1f0e4c2b77",
      actions: [
        { action: "accept", title: "Accept" },
        { action: "reject", title: "Reject" },
      ],
    };
    await cdp.send("ServiceWorker.deliverPushMessage", { origin: t.url, registrationId, data: JSON.stringify(payload) });
    const shown = () =>
      page.evaluate(`navigator.serviceWorker.ready
        .then((r) => r.getNotifications())
        .then((list) => list.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data, actions: n.actions.map((a) => a.action + ":" + a.title), requireInteraction: n.requireInteraction })))`);
    await expect.poll(shown, { timeout: 10_000 }).toEqual([
      { title: "Incoming call", body: "Ayşe", tag: payload.tag, data: { path: payload.path, kind: "call" }, actions: ["accept:Accept", "reject:Reject"], requireInteraction: true },
    ]);
    await cdp.send("ServiceWorker.disable");
  });

  it("turns push on for this device in Settings, lists the agent's devices, and removes one", async () => {
    const mira = (await findAgentByUsername(t.deps.domain.db, "mira"))!;
    await savePushSubscription(t.deps.domain.db, {
      id: randomUUID(),
      agent_id: mira.id,
      endpoint: `https://updates.push.services.mozilla.com/wpush/v2/${randomUUID()}`,
      p256dh: `B${"A".repeat(86)}`,
      auth: "A".repeat(22),
      device: "Firefox on Windows",
      created_at: Date.now() - 86_400_000,
      last_sent_at: null,
    });
    await page.goto(`${t.url}/console/settings`);
    const section = page.getByRole("region", { name: "Notifications on this device" });
    await section.getByRole("button", { name: "Enable push notifications" }).click();
    await section.getByText("Notifications are on for this device.").waitFor();
    const devices = section.getByRole("list", { name: "Your devices" }).getByRole("listitem");
    await expect.poll(() => devices.allInnerTexts()).toEqual([expect.stringMatching(/this device/), expect.stringMatching(/^Firefox on Windows/)]);
    expect(await devices.first().innerText()).toContain("fcm.googleapis.com");
    expect(await seriousViolations(page)).toEqual([]);
    // A phone's width: nothing scrolls sideways.
    expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    const stored = await t.deps.domain.db.selectFrom("push_subscriptions").select(["device", "endpoint"]).where("agent_id", "=", mira.id).orderBy("created_at").execute();
    expect(stored.map((row) => row.device)).toEqual(["Firefox on Windows", expect.stringMatching(/^Chrome on /)]);
    if (process.env.E2E_SCREENSHOTS) {
      await section.getByRole("heading", { name: "Your devices" }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-install.png` });
    }

    await devices.filter({ hasText: "Firefox on Windows" }).getByRole("button", { name: "Remove" }).click();
    await expect.poll(() => devices.count()).toBe(1);
    await section.getByRole("button", { name: "Turn off on this device" }).click();
    await section.getByText("No device gets notifications yet.").waitFor();
    expect(await t.deps.domain.db.selectFrom("push_subscriptions").select("id").where("agent_id", "=", mira.id).execute()).toEqual([]);
  });

  it("accepts and rejects a ringing call from the notification buttons' links, as the console's own buttons do", async () => {
    const ring = async () => {
      const caller = await openSocket(`${t.url}/visitor`, { visitorToken: newVisitorToken() });
      return { caller, call: (await request<CallStart>(caller, "call:start", { media: "audio" })).call };
    };
    const status = async (id: string) => (await t.deps.domain.db.selectFrom("calls").select(["status", "agent_id"]).where("id", "=", id).executeTakeFirstOrThrow());
    const mira = (await findAgentByUsername(t.deps.domain.db, "mira"))!;

    const rejected = await ring();
    await page.goto(`${t.url}/console/calls/${rejected.call.id}?action=reject`);
    await expect.poll(async () => (await status(rejected.call.id)).status, { timeout: 10_000 }).toBe("rejected");
    expect(new URL(page.url()).searchParams.has("action")).toBe(false);

    const accepted = await ring();
    await page.goto(`${t.url}/console/calls/${accepted.call.id}?action=accept`);
    await expect.poll(() => status(accepted.call.id), { timeout: 10_000 }).toEqual({ status: "active", agent_id: mira.id });
    expect(new URL(page.url()).searchParams.has("action")).toBe(false);
    await page.getByRole("button", { name: "Hang up" }).click();
    await expect.poll(async () => (await status(accepted.call.id)).status).toBe("ended");
    rejected.caller.close();
    accepted.caller.close();
  });

  it("opens on its offline page when the network is gone, and back in the console when it returns", async () => {
    await page.goto(`${t.url}/console/`);
    await page.getByText("Conversations").first().waitFor();
    await page.context().setOffline(true);
    await page.goto(`${t.url}/console/calls`).catch(() => undefined);
    await page.getByRole("heading", { name: "You are offline" }).waitFor();
    expect(await page.getByRole("link", { name: "Try again" }).getAttribute("href")).toBe("/console/");
    if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-offline.png` });
    await page.context().setOffline(false);
    await page.getByText("Conversations").first().waitFor({ timeout: 15_000 });
  });
});
