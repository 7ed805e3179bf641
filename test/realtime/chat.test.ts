import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import type { ConversationSummary, MessageView, VisitorConversationView } from "../../src/protocol/chat.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { newClientId, newVisitorToken, nextEvent, openSocket, request } from "../support/chatClients.ts";
import { type ListeningTestApp, startListeningApp, addAgentWithSession } from "../support/testApp.ts";

type Sync = { conversation: VisitorConversationView | null; messages: MessageView[]; agentsOnline: boolean };

describe.each(testDatabases())("live chat over sockets on $name", (database: TestDatabase) => {
  let t: ListeningTestApp;
  let url: string;
  let agentToken: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startListeningApp(database);
    url = t.url;
    agentToken = (await addAgentWithSession(t.deps, "deniz")).accessToken;
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(() => t.close());

  const visitor = async (token = newVisitorToken()) => {
    const socket = await openSocket(`${url}/visitor`, { visitorToken: token, language: "tr" });
    sockets.push(socket);
    return socket;
  };
  const agent = async () => {
    const socket = await openSocket(`${url}/agent`, { token: agentToken });
    sockets.push(socket);
    return socket;
  };
  const get = (path: string) => t.app.inject({ method: "GET", url: path, headers: { authorization: `Bearer ${agentToken}` } });

  it("carries a visitor message to the agent live, and the reply back, with receipts", async () => {
    const console = await agent();
    const widget = await visitor();
    const first = await request<Sync>(widget, "conversation:sync", { afterSeq: 0 });
    expect(first).toMatchObject({ conversation: null, messages: [], agentsOnline: true });

    const arriving = nextEvent<{ message: MessageView; conversation: ConversationSummary }>(console, "message:new");
    const { message } = await request<{ message: MessageView }>(widget, "message:send", { clientId: newClientId(), body: "Merhaba, siparişim nerede?", pageUrl: "https://shop.example/orders" });
    expect(message).toMatchObject({ seq: 1, body: "Merhaba, siparişim nerede?", author: { type: "visitor" }, via: "widget" });
    const live = await arriving;
    expect(live.message.id).toBe(message.id);
    expect(live.conversation).toMatchObject({ status: "open", unread: 1, pageUrl: "https://shop.example/orders", lastMessage: { body: "Merhaba, siparişim nerede?" } });

    const conversationId = message.conversationId;
    const opened = await request<{ conversation: ConversationSummary; messages: MessageView[] }>(console, "conversation:open", { conversationId, afterSeq: 0 });
    expect(opened.messages.map((m) => m.body)).toEqual(["Merhaba, siparişim nerede?"]);

    const readReceipt = nextEvent<{ readSeq: number }>(widget, "receipts");
    console.emit("receipt", { conversationId, seq: 1, kind: "read" });
    expect(await readReceipt).toMatchObject({ conversationId, deliveredSeq: 1, readSeq: 1 });

    const typing = nextEvent<{ typing: boolean; name: string }>(widget, "typing");
    console.emit("typing", { conversationId, typing: true });
    expect(await typing).toEqual({ typing: true, name: "Agent deniz" });

    const reply = nextEvent<MessageView>(widget, "message:new");
    const sent = await request<{ message: MessageView }>(console, "message:send", { conversationId, clientId: newClientId(), body: "Kargoda, yarın elinizde." });
    expect(sent.message).toMatchObject({ seq: 2, author: { type: "agent", name: "Agent deniz" } });
    expect((await reply).body).toBe("Kargoda, yarın elinizde.");

    const agentReceipt = nextEvent<{ readSeq: number }>(console, "receipts");
    widget.emit("receipt", { seq: 2, kind: "read" });
    expect(await agentReceipt).toMatchObject({ conversationId, readSeq: 2 });

    const counts = (await get("/api/conversations/counts")).json();
    expect(counts.open).toBeGreaterThanOrEqual(1);
    const list = (await get("/api/conversations?status=open&assignee=me")).json();
    expect(list.conversations.map((c: ConversationSummary) => c.id)).toContain(conversationId);
    expect((await get(`/api/conversations?q=${encodeURIComponent("siparişim")}`)).json().conversations[0].id).toBe(conversationId);
  });

  it("stores a resent client id once and returns the same message", async () => {
    const widget = await visitor();
    const clientId = newClientId();
    const [a, b] = await Promise.all([
      request<{ message: MessageView }>(widget, "message:send", { clientId, body: "once" }),
      request<{ message: MessageView }>(widget, "message:send", { clientId, body: "once" }),
    ]);
    expect(a.message.id).toBe(b.message.id);
    const again = await request<{ message: MessageView }>(widget, "message:send", { clientId, body: "once" });
    expect(again.message.id).toBe(a.message.id);
    const sync = await request<Sync>(widget, "conversation:sync", { afterSeq: 0 });
    expect(sync.messages).toHaveLength(1);
  });

  it("lets a returning visitor catch up on what it missed, in order", async () => {
    const token = newVisitorToken();
    const widget = await visitor(token);
    const { message } = await request<{ message: MessageView }>(widget, "message:send", { clientId: newClientId(), body: "first" });
    widget.close();
    const console = await agent();
    for (const body of ["a", "b", "c"]) {
      await request(console, "message:send", { conversationId: message.conversationId, clientId: newClientId(), body });
    }
    const back = await visitor(token);
    const sync = await request<Sync>(back, "conversation:sync", { afterSeq: message.seq });
    expect(sync.messages.map((m) => [m.seq, m.body])).toEqual([[2, "a"], [3, "b"], [4, "c"]]);
    expect(sync.conversation?.id).toBe(message.conversationId);
  });

  it("keeps visitors apart and refuses forged tokens", async () => {
    await expect(visitor("short")).rejects.toThrow("visitor_token_invalid");
    await expect(openSocket(`${url}/agent`, { token: "forged.jwt.token" })).rejects.toThrow("session_invalid");
    const alice = await visitor();
    const bob = await visitor();
    const aliceMessage = (await request<{ message: MessageView }>(alice, "message:send", { clientId: newClientId(), body: "alice secret" })).message;
    let leaked = false;
    bob.on("message:new", () => {
      leaked = true;
    });
    const console = await agent();
    await request(console, "message:send", { conversationId: aliceMessage.conversationId, clientId: newClientId(), body: "for alice only" });
    const bobSync = await request<Sync>(bob, "conversation:sync", { afterSeq: 0 });
    expect(bobSync.conversation).toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    expect(leaked).toBe(false);
  });

  it("answers malformed events with invalid_request and stores nothing", async () => {
    const widget = await visitor();
    for (const payload of [null, "text", { clientId: "x", body: "bad id" }, { clientId: newClientId(), body: 5 }, { clientId: newClientId(), body: "x".repeat(4001) }]) {
      await expect(request(widget, "message:send", payload)).rejects.toMatchObject({ id: "invalid_request" });
    }
    await expect(request(widget, "message:send", { clientId: newClientId(), body: "   " })).rejects.toMatchObject({ id: "message_empty" });
    await expect(request(widget, "message:send", { clientId: newClientId(), body: "x", attachmentIds: ["6f1c5a36-0d55-4a39-9d57-111111111111"] })).rejects.toMatchObject({ id: "attachment_invalid" });
    expect((await request<Sync>(widget, "conversation:sync", { afterSeq: 0 })).messages).toHaveLength(0);
  });

  it("assigns and resolves, and a visitor message reopens", async () => {
    const widget = await visitor();
    const console = await agent();
    const { message } = await request<{ message: MessageView }>(widget, "message:send", { clientId: newClientId(), body: "help" });
    const me = (await findAgentByUsername(t.deps.domain.db, "deniz"))!;
    const assigned = await request<{ conversation: ConversationSummary }>(console, "conversation:assign", { conversationId: message.conversationId, agentId: me.id });
    expect(assigned.conversation.assignee).toEqual({ id: me.id, name: "Agent deniz" });
    const update = nextEvent<VisitorConversationView>(widget, "conversation:updated", (c) => c.status === "resolved");
    const resolved = await request<{ conversation: ConversationSummary }>(console, "conversation:status", { conversationId: message.conversationId, status: "resolved" });
    expect(resolved.conversation.status).toBe("resolved");
    expect((await update).status).toBe("resolved");
    await request(widget, "message:send", { clientId: newClientId(), body: "one more thing" });
    const detail = (await get(`/api/conversations/${message.conversationId}`)).json();
    expect(detail.conversation.status).toBe("open");
    expect(detail.visitor).toMatchObject({ language: "tr" });
  });
});
