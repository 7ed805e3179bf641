import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/adapters/db/database.ts";
import { newVisitorToken, openSocket } from "../support/chatClients.ts";
import { freshPostgresDatabase } from "../support/databases.ts";
import { capturedLog } from "../support/logCapture.ts";
import { TcpProxy } from "../support/tcpProxy.ts";
import { startTestApp, type TestApp } from "../support/testApp.ts";
import type { AddressInfo } from "node:net";

// A PostgreSQL restart or failover cuts every connection. The node must ride it out: refuse with
// 503 while the database is away (never a 500, never an exit), say so once in the log, and serve
// again as soon as it is back.
const pgUrl = process.env.TEST_DATABASE_URL;
describe.runIf(pgUrl)("PostgreSQL connections cut and restored", () => {
  let proxy: TcpProxy;
  let t: TestApp;
  let schema: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let url: string;
  const captured = capturedLog("info");

  beforeAll(async () => {
    const target = new URL(pgUrl ?? "");
    proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
    schema = await freshPostgresDatabase(pgUrl ?? "");
    const throughProxy = new URL(schema.url);
    throughProxy.port = String(proxy.port);
    const database = openDatabase({ kind: "postgres", url: throughProxy.toString() }, { log: captured.log });
    t = await startTestApp({ database, log: captured.log });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    proxy?.restore();
    await t?.close();
    await t?.deps.database.close();
    await schema?.dispose();
    await proxy?.stop();
  });

  const login = () =>
    t.app.inject({ method: "POST", url: "/api/auth/login", payload: { username: `nobody${randomBytes(3).toString("hex")}`, password: "not the password" }, remoteAddress: "10.7.7.7" });

  it("refuses with 503 while the database is away, logs it once, and serves again when it is back", async () => {
    expect((await login()).statusCode).toBe(401);
    expect((await t.app.inject({ method: "GET", url: "/ready" })).statusCode).toBe(200);
    expect(proxy.connections).toBeGreaterThan(0);

    proxy.cut();
    for (let i = 0; i < 5; i++) {
      const res = await login();
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json()).toMatchObject({ error: { id: "unavailable" } });
    }
    const ready = await t.app.inject({ method: "GET", url: "/ready" });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ checks: { database: expect.not.stringMatching(/^ok$/) } });
    await expect(openSocket(`${url}/visitor`, { visitorToken: newVisitorToken() })).rejects.toThrow("unavailable");

    proxy.restore();
    await expect.poll(async () => (await login()).statusCode, { timeout: 15_000 }).toBe(401);
    expect((await t.app.inject({ method: "GET", url: "/ready" })).statusCode).toBe(200);
    const visitor = await openSocket(`${url}/visitor`, { visitorToken: newVisitorToken() });
    visitor.close();

    const outageLines = captured.lines.filter((l) => l.msg === "database unavailable");
    expect(outageLines).toHaveLength(1);
    expect(captured.lines.filter((l) => l.level >= 50 && l.msg !== "database unavailable")).toEqual([]);
    expect(captured.lines.some((l) => l.msg === "database reachable again")).toBe(true);
  });
});
