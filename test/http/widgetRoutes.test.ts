import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlite } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/testApp.ts";

const built = existsSync(resolve(import.meta.dirname, "../../dist/web/widget.js"));

// The test command builds first; without a build these checks cannot run, and CI always builds.
describe.runIf(built || process.env.CI)("serving the widget to other sites", () => {
  let t: TestApp;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    const db = await openSqlite();
    dispose = db.dispose;
    t = await startTestApp({ database: db, env: { PRECHAT_FIELDS: "name:required,email:optional,phone:off" } });
  });
  afterAll(async () => {
    await t.close();
    await dispose();
  });

  it("serves the loader as a script any site may load", async () => {
    const res = await t.app.inject({ method: "GET", url: "/widget.js" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(res.headers["cross-origin-resource-policy"]).toBe("cross-origin");
    expect(res.headers["cache-control"]).toBe("public, max-age=300");
    expect(res.body.length).toBeGreaterThan(100);
  });

  it("lets any site frame the chat, and only the chat", async () => {
    const frame = await t.app.inject({ method: "GET", url: "/widget/frame.html" });
    expect(frame.statusCode).toBe(200);
    expect(frame.headers["content-security-policy"]).toContain("frame-ancestors *");
    expect(frame.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(frame.headers["x-frame-options"]).toBeUndefined();
    const console = await t.app.inject({ method: "GET", url: "/console/" });
    expect(console.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  });

  it("serves the demo page", async () => {
    const res = await t.app.inject({ method: "GET", url: "/demo/" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<script src="/widget.js"');
  });

  it("tells the widget its pre-chat form, limits and recording mode", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/widget/config" });
    expect(res.json()).toEqual({
      preChat: { name: "required", email: "optional", phone: "off" },
      agentsOnline: false,
      limits: { messageLength: 4000, uploadBytes: 10 * 1024 * 1024, kinds: ["image", "voice", "file"] },
      recording: "off",
      // Hours off (the default): open; nobody online and no Telegram, so a call back instead of Call.
      availability: { open: true, nextOpening: null, calls: false, callbacks: true },
      // The default inbox's look, never saved: the widget keeps its built-in accent and greeting.
      inboxId: "default",
      colour: null,
      position: "right",
      greeting: "",
      languages: ["tr", "en"],
      callsEnabled: true,
      // No privacy policy link, no consent asked: the widget shows (and loads) no notice.
      privacy: null,
    });
  });
});
