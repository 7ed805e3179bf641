import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlite } from "../support/databases.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { startTestApp, type TestApp } from "../support/testApp.ts";

// Walks every route the app registered, so a new route is covered without editing this file.
describe("every route rejects malformed input with 400 and an error id", () => {
  let telegram: FakeTelegram;
  let t: TestApp;
  let dispose: () => Promise<void>;
  let csrf: Record<string, string> = {};

  beforeAll(async () => {
    telegram = await new FakeTelegram().start();
    const db = await openSqlite();
    dispose = db.dispose;
    t = await startTestApp({ database: db, telegram });
    // Cookie-authenticated routes check CSRF before parsing; give every request a valid pair.
    const res = await t.app.inject({ method: "GET", url: "/api/auth/csrf" });
    const cookie = [res.headers["set-cookie"]].flat().map((c) => String(c).split(";")[0]).join("; ");
    csrf = { cookie, "x-csrf-token": res.json().csrfToken };
  });
  afterAll(async () => {
    await t.close();
    await telegram.stop();
    await dispose();
  });

  const withBody = () => t.app.routeCatalog.filter((r) => r.validates.includes("body"));
  const concrete = (url: string) => url.replace(/:(\w+)/g, "x");

  it("knows the routes (sanity: the catalog is filled)", () => {
    const urls = withBody().map((r) => `${r.method} ${r.url}`);
    expect(urls).toContain("POST /api/auth/login");
    expect(urls).toContain("POST /api/setup");
    expect(urls.length).toBeGreaterThanOrEqual(12);
  });

  it("answers broken JSON with invalid_json", async () => {
    for (const route of withBody()) {
      const res = await t.app.inject({
        method: route.method as "POST",
        url: concrete(route.url),
        headers: { ...csrf, "content-type": "application/json" },
        payload: '{"username": "a", ',
      });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(400);
      expect(res.json().error.id, `${route.method} ${route.url}`).toBe("invalid_json");
      expect(res.body).not.toMatch(/at .+\.(ts|js):\d+/); // no stack trace
    }
  });

  it("answers wrong types and shapes with invalid_request", async () => {
    const payloads = [[], "text", 42, { username: ["a"], password: { $ne: 1 }, ticket: 7, code: true, token: null }];
    for (const route of withBody()) {
      for (const payload of payloads) {
        const res = await t.app.inject({ method: route.method as "POST", url: concrete(route.url), payload: JSON.stringify(payload), headers: { ...csrf, "content-type": "application/json" } });
        expect(res.statusCode, `${route.method} ${route.url} ${JSON.stringify(payload)}`).toBe(400);
        expect(res.json().error.id).toMatch(/^invalid_/);
        expect(typeof res.json().error.message).toBe("string");
      }
    }
  });

  it("answers an unsupported content type with 415", async () => {
    const res = await t.app.inject({ method: "POST", url: "/api/auth/login", headers: { "content-type": "application/xml" }, payload: "<a/>" });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.id).toBe("unsupported_media_type");
  });

  it("answers an oversized body with 413", async () => {
    const res = await t.app.inject({ method: "POST", url: "/api/auth/login", headers: { "content-type": "application/json" }, payload: JSON.stringify({ username: "a", password: "x".repeat(2 * 1024 * 1024) }) });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.id).toBe("payload_too_large");
  });

  it("rejects over-long strings instead of storing them", async () => {
    const res = await t.app.inject({ method: "POST", url: "/api/auth/login", payload: { username: "u".repeat(1000), password: "p" } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.id).toBe("invalid_request");
  });

  it("answers unknown routes with not_found", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/nope?token=secret" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { id: "not_found", message: "No route for GET /api/nope." } });
  });

  it("needs a valid bearer token on agent routes", async () => {
    for (const authorization of [undefined, "Bearer nonsense", "Basic abc", `Bearer ${"a".repeat(5000)}`]) {
      const res = await t.app.inject({ method: "GET", url: "/api/me", headers: authorization ? { authorization } : {} });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.id).toMatch(/^(unauthenticated|session_invalid)$/);
    }
  });
});
