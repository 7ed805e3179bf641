import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import type { ConversationSummary, MessageView } from "../../src/protocol/chat.ts";
import type { LabelView } from "../../src/protocol/labels.ts";
import type { TimelineEventView } from "../../src/protocol/timeline.ts";
import { newClientId, newVisitorToken, nextEvent, openSocket, request } from "../support/chatClients.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { testRedisUrl } from "../support/redis.ts";
import { addAgent, startTestApp, type TestApp, type ListeningTestApp, startListeningApp, addAgentWithSession } from "../support/testApp.ts";

// A label change made by one agent reaches another agent's console over the socket: the
// conversation with its new labels, the timeline entry with who did it, and a catalogue change.
// The visitor's widget hears nothing of labels.
describe.each(testDatabases())("labels live on $name", (database: TestDatabase) => {
  let t: ListeningTestApp;
  let url: string;
  const tokens: Record<"admin" | "deniz" | "ece", string> = { admin: "", deniz: "", ece: "" };
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startListeningApp(database);
    url = t.url;
    for (const name of ["admin", "deniz", "ece"] as const) {
      tokens[name] = (await addAgentWithSession(t.deps, name, { admin: name === "admin" })).accessToken;
    }
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(() => t.close());

  const open = async (path: string, auth: Record<string, unknown>) => {
    const socket = await openSocket(`${url}${path}`, auth);
    sockets.push(socket);
    return socket;
  };
  const call = async <T>(who: keyof typeof tokens, method: "GET" | "POST" | "PATCH" | "DELETE", path: string, payload?: object): Promise<T> => {
    const res = await t.app.inject({ method, url: path, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return (res.statusCode === 204 ? undefined : res.json()) as T;
  };

  it("sends a label added by one agent to the other's console, with its timeline entry, and keeps it from the widget", async () => {
    const widget = await open("/visitor", { visitorToken: newVisitorToken() });
    const widgetEvents: string[] = [];
    widget.onAny((event: string, payload: unknown) => widgetEvents.push(`${event} ${JSON.stringify(payload)}`));
    const { message } = await request<{ message: MessageView }>(widget, "message:send", { clientId: newClientId(), body: "Kargom nerede?" });
    const deniz = await open("/agent", { token: tokens.deniz });

    const catalogueChanged = nextEvent<undefined>(deniz, "labels:changed");
    const { label } = await call<{ label: LabelView }>("admin", "POST", "/api/labels", { name: "Kargo gecikmesi", colour: "#f2994a" });
    await catalogueChanged;

    const updated = nextEvent<ConversationSummary>(deniz, "conversation:updated", (c) => c.id === message.conversationId && c.labels.length > 0);
    const entry = nextEvent<TimelineEventView>(deniz, "timeline:event", (e) => e.kind === "labeled");
    await call("ece", "POST", `/api/conversations/${message.conversationId}/labels`, { labelId: label.id });
    expect((await updated).labels).toEqual([label]);
    expect(await entry).toMatchObject({ conversationId: message.conversationId, kind: "labeled", actor: { type: "agent", name: "Agent ece" }, label });

    const removed = nextEvent<ConversationSummary>(deniz, "conversation:updated", (c) => c.id === message.conversationId && c.labels.length === 0);
    const removedEntry = nextEvent<TimelineEventView>(deniz, "timeline:event", (e) => e.kind === "unlabeled");
    await call("ece", "DELETE", `/api/conversations/${message.conversationId}/labels/${label.id}`);
    await removed;
    expect((await removedEntry).label?.name).toBe("Kargo gecikmesi");

    const renamed = nextEvent<undefined>(deniz, "labels:changed");
    await call("admin", "PATCH", `/api/labels/${label.id}`, { name: "Gecikme" });
    await renamed;

    // The widget got its own conversation updates at most, never a label or a timeline entry.
    const reply = nextEvent<MessageView>(widget, "message:new");
    await request(deniz, "message:send", { conversationId: message.conversationId, clientId: newClientId(), body: "Bakıyorum" });
    await reply;
    expect(widgetEvents.join("\n")).not.toMatch(/Kargo gecikmesi|Gecikme|labels|timeline/);
  });
});

const redisUrl = testRedisUrl();
const postgres = testDatabases().find((d) => d.name === "postgres");

// Two nodes on one PostgreSQL database and one Redis: a label put on through one node reaches a
// console connected to the other, and so does a change of the catalogue.
describe.runIf(redisUrl && postgres)("labels live across two nodes", () => {
  let nodes: TestApp[] = [];
  let dispose: () => Promise<void>;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const db = await (postgres as TestDatabase).open();
    dispose = db.dispose;
    const env = { REDIS_URL: redisUrl!, SECRET_KEY: randomUUID() + randomUUID() };
    nodes = [await startTestApp({ database: db, env }), await startTestApp({ database: db, env })];
    for (const node of nodes) await node.app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    for (const node of nodes) await node.close();
    await dispose?.();
  });

  it("sends a label change made on one node to a console on the other", async () => {
    const [a, b] = nodes as [TestApp, TestApp];
    await addAgent(a.deps, "yonca", { admin: true });
    await addAgent(a.deps, "zeki");
    const token = async (name: string) => {
      const row = (await findAgentByUsername(a.deps.domain.db, name))!;
      return (await startSession(a.deps.domain, row, { ip: null, userAgent: null })).accessToken;
    };
    const admin = await token("yonca");
    const portOf = (node: TestApp) => (node.app.server.address() as AddressInfo).port;
    const widget = await openSocket(`http://127.0.0.1:${portOf(a)}/visitor`, { visitorToken: newVisitorToken() });
    const consoleOnB = await openSocket(`http://127.0.0.1:${portOf(b)}/agent`, { token: await token("zeki") });
    sockets.push(widget, consoleOnB);
    const { message } = await request<{ message: MessageView }>(widget, "message:send", { clientId: newClientId(), body: "İade istiyorum" });

    const inject = (method: "POST" | "PATCH", url: string, payload: object) =>
      a.app.inject({ method, url, payload, headers: { authorization: `Bearer ${admin}` } });
    const catalogueChanged = nextEvent<undefined>(consoleOnB, "labels:changed");
    const created = await inject("POST", "/api/labels", { name: "İade", colour: "#9b51e0" });
    expect(created.statusCode, created.body).toBe(201);
    const { label } = created.json() as { label: LabelView };
    await catalogueChanged;

    const updated = nextEvent<ConversationSummary>(consoleOnB, "conversation:updated", (c) => c.id === message.conversationId && c.labels.length === 1);
    const entry = nextEvent<TimelineEventView>(consoleOnB, "timeline:event", (e) => e.kind === "labeled" && e.conversationId === message.conversationId);
    expect((await inject("POST", `/api/conversations/${message.conversationId}/labels`, { labelId: label.id })).statusCode).toBe(200);
    expect((await updated).labels).toEqual([label]);
    expect((await entry).actor.name).toBe("Agent yonca");
  });
});
