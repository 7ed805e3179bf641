import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlite } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/testApp.ts";

const TOKEN = "metrics-token-0123456789";

// Metrics tell a stranger how busy the shop is and which routes exist: off unless asked for.
describe("/metrics", () => {
  const apps: TestApp[] = [];
  const databases: Array<Awaited<ReturnType<typeof openSqlite>>> = [];
  let closed: TestApp;
  let open: TestApp;
  beforeAll(async () => {
    databases.push(await openSqlite(), await openSqlite());
    closed = await startTestApp({ database: databases[0]! });
    open = await startTestApp({ database: databases[1]!, env: { METRICS_TOKEN: TOKEN } });
    apps.push(closed, open);
  });
  afterAll(async () => {
    for (const t of apps) await t.close();
    for (const database of databases) await database.dispose();
  });

  it("is not served without METRICS_TOKEN, and says how to turn it on", async () => {
    const res = await closed.app.inject({ method: "GET", url: "/metrics" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { id: "metrics_disabled", message: expect.stringContaining("METRICS_TOKEN") } });
  });

  it("needs the token as a bearer when METRICS_TOKEN is set", async () => {
    expect((await open.app.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(401);
    expect((await open.app.inject({ method: "GET", url: "/metrics", headers: { authorization: "Bearer wrong-token-0123456789" } })).statusCode).toBe(401);
    const res = await open.app.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/^# TYPE destek_http_request_duration_seconds /m);
  });
});
