import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ack } from "../../src/protocol/chat.ts";
import { newVisitorToken, openSocket } from "../support/chatClients.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { errorsSince, type SecurityStage, signedInAgent, startSecurityStage, typedError } from "../support/security.ts";
import { PASSWORD } from "../support/testApp.ts";

// What the fuzz tests found, each pinned by name so it stays fixed (NUL bytes: nulBytes.test.ts).

describe.each(testDatabases())("cases found by fuzzing, on $name", (database: TestDatabase) => {
  let stage: SecurityStage;
  let visitor: Socket;

  beforeAll(async () => {
    stage = await startSecurityStage(database);
    visitor = await openSocket(`${stage.url}/visitor`, { visitorToken: newVisitorToken() });
  });
  afterAll(async () => {
    visitor?.disconnect();
    await stage?.close();
  });

  // The router answered these itself, before the error handler, with { error: "Bad Request", code, … }.
  it("an over-long path parameter gets a typed 414, not the router's own body", async () => {
    const res = await stage.app.inject({ method: "GET", url: `/api/conversations/${"x".repeat(300)}` });
    expect(res.statusCode).toBe(414);
    expect(typedError(res)).toEqual({ id: "uri_too_long", message: expect.any(String) });
    expect(res.body).not.toContain("x".repeat(300));
  });

  it("a malformed percent-encoding in the path gets a typed 400", async () => {
    const res = await stage.app.inject({ method: "GET", url: "/api/conversations/%E0%A4%A" });
    expect(res.statusCode).toBe(400);
    expect(typedError(res)).toEqual({ id: "invalid_request", message: expect.any(String) });
  });

  it("a multipart upload without a boundary gets a typed 400, not a 500", async () => {
    const before = stage.errors.length;
    for (const contentType of ["multipart/form-data", "multipart/form-data; boundary="]) {
      const res = await stage.app.inject({
        method: "POST",
        url: "/api/widget/attachments",
        headers: { "content-type": contentType, authorization: `Visitor ${newVisitorToken()}` },
        payload: "",
      });
      expect(res.statusCode, `${contentType}: ${res.body}`).toBe(400);
      expect(typedError(res)).toEqual({ id: "invalid_file", message: expect.any(String) });
    }
    expect(errorsSince(stage, before)).toEqual([]);
  });

  it("a new agent with a Telegram chat already linked to another gets a typed 409, not a 500", async () => {
    const before = stage.errors.length;
    const admin = (await signedInAgent(stage, { admin: true })).accessToken;
    const create = (username: string) =>
      stage.app.inject({
        method: "POST",
        url: "/api/agents",
        headers: { authorization: `Bearer ${admin}` },
        payload: { username, name: "Twin", password: PASSWORD, telegramChatId: "4242424242" },
      });
    expect((await create("firsttwin")).statusCode).toBe(201);
    const second = await create("secondtwin");
    expect(second.statusCode, second.body).toBe(409);
    expect(typedError(second)).toEqual({ id: "telegram_chat_taken", message: expect.any(String) });
    expect(errorsSince(stage, before)).toEqual([]);
  });

  it("an event sent with extra arguments still gets its typed answer (the callback comes last)", async () => {
    const before = stage.errors.length;
    const ack = (await visitor.timeout(10_000).emitWithAck("conversation:sync", { afterSeq: "x" }, "extra", 42)) as Ack<unknown>;
    expect(ack).toMatchObject({ ok: false, error: { id: "invalid_request" } });
    const ok = (await visitor.timeout(10_000).emitWithAck("conversation:sync", {}, "extra")) as Ack<unknown>;
    expect(ok).toMatchObject({ ok: true });
    expect(errorsSince(stage, before)).toEqual([]);
  });

  it("a packet over the size limit closes only that socket; the server and other clients carry on", async () => {
    const victim = await openSocket(`${stage.url}/visitor`, { visitorToken: newVisitorToken() });
    const closed = new Promise<string>((resolve) => victim.once("disconnect", resolve));
    victim.emit("message:send", { clientId: "oversized-1", body: "x".repeat(100 * 1024) });
    expect(await closed).toMatch(/transport close|transport error/);
    const ack = (await visitor.timeout(10_000).emitWithAck("conversation:sync", {})) as Ack<unknown>;
    expect(ack).toMatchObject({ ok: true });
    expect((await fetch(`${stage.url}/health`)).status).toBe(200);
  });
});
