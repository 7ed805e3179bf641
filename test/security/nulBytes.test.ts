import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ack } from "../../src/protocol/chat.ts";
import { newClientId, request } from "../support/chatClients.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { connectAgent, connectedVisitor, errorsSince, type SecurityStage, signedInAgent, startSecurityStage, typedError } from "../support/security.ts";
import { PASSWORD } from "../support/testApp.ts";

// PostgreSQL refuses a NUL byte in text ("invalid byte sequence for encoding UTF8: 0x00"), and
// bigint columns refuse 1.5: such input used to reach SQL and come back as a 500 (public sign-in
// included). Every text input refuses NUL at the schema, and page cursors are checked when decoded,
// so both engines answer 400 with a stable id and log nothing at error level.

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe.each(testDatabases())("NUL bytes and malformed cursors are refused with 400 on $name", (database: TestDatabase) => {
  let stage: SecurityStage;
  let admin: string;
  let visitor: Socket;
  let agentSocket: Socket;
  let conversationId: string;

  beforeAll(async () => {
    stage = await startSecurityStage(database);
    admin = (await signedInAgent(stage, { admin: true })).accessToken;
    visitor = (await connectedVisitor(stage)).socket;
    const sent = await request<{ message: { conversationId: string } }>(visitor, "message:send", { clientId: newClientId(), body: "hello" });
    conversationId = sent.message.conversationId;
    agentSocket = await connectAgent(stage, admin);
  });
  afterAll(async () => {
    visitor?.disconnect();
    agentSocket?.disconnect();
    await stage?.close();
  });

  const expect400 = async (res: Awaited<ReturnType<SecurityStage["app"]["inject"]>>, id: string) => {
    expect(res.statusCode, res.body).toBe(400);
    expect(typedError(res)).toMatchObject({ id });
  };
  const bearer = () => ({ authorization: `Bearer ${admin}` });

  it("public sign-in: a NUL byte in the username or the password", async () => {
    const before = stage.errors.length;
    for (const body of [{ username: "ad\u0000min", password: PASSWORD }, { username: "admin", password: "pass\u0000word" }]) {
      await expect400(await stage.app.inject({ method: "POST", url: "/api/auth/login", payload: body }), "invalid_request");
    }
    expect(errorsSince(stage, before)).toEqual([]);
  });

  it("inbox: a non-integer or NUL-carrying cursor, and a NUL in the search", async () => {
    const before = stage.errors.length;
    for (const bad of [cursor([1.5, "x"]), cursor([1e300, "x"]), cursor([1, "a\u0000b"]), cursor([1, "x".repeat(100)])]) {
      await expect400(await stage.app.inject({ method: "GET", url: `/api/conversations?cursor=${bad}`, headers: bearer() }), "invalid_cursor");
    }
    await expect400(await stage.app.inject({ method: "GET", url: "/api/conversations?q=a%00b", headers: bearer() }), "invalid_request");
    expect(errorsSince(stage, before)).toEqual([]);
  });

  it("call history: a cursor carrying a NUL byte", async () => {
    const before = stage.errors.length;
    await expect400(await stage.app.inject({ method: "GET", url: `/api/calls?before=${cursor([1, "a\u0000b"])}`, headers: bearer() }), "invalid_cursor");
    await expect400(await stage.app.inject({ method: "GET", url: `/api/calls?before=${cursor([1.5, "x"])}`, headers: bearer() }), "invalid_cursor");
    expect(errorsSince(stage, before)).toEqual([]);
  });

  it("admin routes: a NUL byte in a username (path and body)", async () => {
    const before = stage.errors.length;
    await expect400(await stage.app.inject({ method: "POST", url: "/api/agents/a%00b/disable", payload: {}, headers: bearer() }), "invalid_request");
    await expect400(
      await stage.app.inject({ method: "POST", url: "/api/agents", payload: { username: "new\u0000one", name: "New", password: PASSWORD }, headers: bearer() }),
      "invalid_request",
    );
    await expect400(
      await stage.app.inject({ method: "POST", url: "/api/agents", payload: { username: "newone", name: "N\u0000ew", password: PASSWORD }, headers: bearer() }),
      "invalid_request",
    );
    expect(errorsSince(stage, before)).toEqual([]);
  });

  it("sockets: a NUL byte in a message, a page address or a visitor's profile", async () => {
    const before = stage.errors.length;
    const refused = async (socket: Socket, event: string, payload: unknown) => {
      const ack = (await socket.timeout(10_000).emitWithAck(event, payload)) as Ack<unknown>;
      expect(ack, `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { id: "invalid_request" } });
    };
    await refused(visitor, "message:send", { clientId: newClientId(), body: "hi\u0000there" });
    await refused(visitor, "message:send", { clientId: newClientId(), body: "hi", pageUrl: "https://shop.example/\u0000" });
    await refused(visitor, "profile:update", { name: "Ay\u0000se" });
    await refused(agentSocket, "message:send", { conversationId, clientId: newClientId(), body: "\u0000" });
    expect(errorsSince(stage, before)).toEqual([]);
  });
});
