import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AgentRow } from "../../src/adapters/db/repositories/agents.ts";
import { createInbox } from "../../src/domain/inboxes/inboxes.ts";
import type { CallStart, CallsState } from "../../src/protocol/calls.ts";
import type { ConversationSummary, MessageView } from "../../src/protocol/chat.ts";
import { newClientId, newVisitorToken, nextEvent, openSocket, request } from "../support/chatClients.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { type ListeningTestApp, startListeningApp, addAgentWithSession } from "../support/testApp.ts";

// The socket fan-out keeps to inboxes: an agent of inbox B never hears inbox A's conversations,
// messages or calls, an admin hears all, and a change of members applies to open consoles at once.
// "Never heard" is shown by order: one socket gets events in the order they were sent, so when a
// later event of its own inbox arrives first, the earlier one of another inbox was not sent to it.

type NewMessage = { message: MessageView; conversation: ConversationSummary };

describe.each(testDatabases())("inbox rooms on $name", (database: TestDatabase) => {
  let t: ListeningTestApp;
  let url: string;
  let shopId: string;
  const tokens: Record<"admin" | "ayse" | "bora", string> = { admin: "", ayse: "", bora: "" };
  const rows: Partial<Record<keyof typeof tokens, AgentRow>> = {};
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startListeningApp(database);
    url = t.url;
    for (const name of ["admin", "ayse", "bora"] as const) {
      const agent = await addAgentWithSession(t.deps, name, { admin: name === "admin" });
      rows[name] = agent.row;
      tokens[name] = agent.accessToken;
    }
    // Ayşe answers the shop only; Bora the default inbox only.
    shopId = (await createInbox(t.deps.domain, { type: "system" }, { name: "Shop" })).id;
    await admin("PUT", `/api/inboxes/${shopId}/members`, { agentIds: [rows.ayse!.id] });
    await admin("PUT", "/api/inboxes/default/members", { agentIds: [rows.admin!.id, rows.bora!.id] });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(() => t?.close());

  async function admin(method: "PUT" | "POST" | "DELETE", path: string, payload?: object) {
    const res = await t.app.inject({ method, url: path, headers: { authorization: `Bearer ${tokens.admin}` }, ...(payload ? { payload } : {}) });
    expect(res.statusCode, res.body).toBe(200);
  }
  const consoleOf = async (who: keyof typeof tokens) => {
    const socket = await openSocket(`${url}/agent`, { token: tokens[who] });
    sockets.push(socket);
    return socket;
  };
  const widget = async (inbox?: unknown) => {
    const socket = await openSocket(`${url}/visitor`, { visitorToken: newVisitorToken(), language: "tr", ...(inbox === undefined ? {} : { inbox }) });
    sockets.push(socket);
    return socket;
  };
  const write = (socket: Socket, body: string) => request<{ message: MessageView }>(socket, "message:send", { clientId: newClientId(), body });

  it("sends a conversation and its messages only to its inbox's members and the admins", async () => {
    const [ayse, bora, boss] = await Promise.all([consoleOf("ayse"), consoleOf("bora"), consoleOf("admin")]);
    const borasFirst = nextEvent<NewMessage>(bora, "message:new");
    const ayseHears = nextEvent<NewMessage>(ayse, "message:new");
    const bossHearsShop = nextEvent<NewMessage>(boss, "message:new", (e) => e.conversation.inboxId === shopId);

    const shopVisitor = await widget(shopId);
    const shopMessage = await write(shopVisitor, "Dükkândan merhaba");
    expect((await ayseHears).message.id).toBe(shopMessage.message.id);
    expect((await ayseHears).conversation.inboxId).toBe(shopId);
    expect((await bossHearsShop).message.id).toBe(shopMessage.message.id);

    // Then a visitor of the default inbox: the first message Bora hears is that one, not the shop's.
    const siteVisitor = await widget();
    const siteMessage = await write(siteVisitor, "Ana siteden merhaba");
    const first = await borasFirst;
    expect(first.message.id).toBe(siteMessage.message.id);
    expect(first.conversation.inboxId).toBe("default");

    // Bora cannot open the shop's conversation either.
    await expect(request(bora, "conversation:open", { conversationId: shopMessage.message.conversationId })).rejects.toMatchObject({ id: "conversation_not_found" });
    await expect(request(bora, "message:send", { conversationId: shopMessage.message.conversationId, clientId: newClientId(), body: "hi" })).rejects.toMatchObject({
      id: "conversation_not_found",
    });
  });

  it("rings only the inbox's members (and admins) for a call", async () => {
    const [ayse, bora] = await Promise.all([consoleOf("ayse"), consoleOf("bora")]);
    const boraSees = nextEvent<CallsState>(bora, "calls:state", (s) => s.queue.length > 0);
    const ayseSees = nextEvent<CallsState>(ayse, "calls:state", (s) => s.queue.length > 0);
    const shopCaller = await widget(shopId);
    const shopCall = await request<CallStart>(shopCaller, "call:start", { media: "audio" });
    expect(shopCall.call.inboxId).toBe(shopId);
    expect((await ayseSees).queue.map((q) => q.call.id)).toEqual([shopCall.call.id]);
    // Bora's view of the queue never holds the shop's call: the first non-empty one he gets is his own inbox's.
    const siteCaller = await widget();
    const siteCall = await request<CallStart>(siteCaller, "call:start", { media: "audio" });
    expect((await boraSees).queue.map((q) => q.call.id)).toEqual([siteCall.call.id]);
    expect((await request<CallsState>(bora, "calls:sync", {})).queue.map((q) => q.call.id)).toEqual([siteCall.call.id]);
    await expect(request(bora, "call:accept", { callId: shopCall.call.id })).rejects.toMatchObject({ id: "call_not_found" });
    await request(shopCaller, "call:hangup", { callId: shopCall.call.id });
    await request(siteCaller, "call:hangup", { callId: siteCall.call.id });
  });

  it("refuses to assign a conversation to an agent outside its inbox", async () => {
    const boss = await consoleOf("admin");
    const shopVisitor = await widget(shopId);
    const sent = await write(shopVisitor, "Kime atanacak?");
    const conversationId = sent.message.conversationId;
    await expect(request(boss, "conversation:assign", { conversationId, agentId: rows.bora!.id })).rejects.toMatchObject({ id: "agent_not_in_inbox" });
    const assigned = await request<{ conversation: ConversationSummary }>(boss, "conversation:assign", { conversationId, agentId: rows.ayse!.id });
    expect(assigned.conversation.assignee?.id).toBe(rows.ayse!.id);
  });

  it("applies a change of members to open consoles at once", async () => {
    const bora = await consoleOf("bora");
    const told = nextEvent(bora, "inboxes:changed");
    await admin("POST", `/api/inboxes/${shopId}/members`, { agentId: rows.bora!.id });
    await told;
    const hears = nextEvent<NewMessage>(bora, "message:new");
    const shopVisitor = await widget(shopId);
    const sent = await write(shopVisitor, "Bora artık dükkânda");
    expect((await hears).message.id).toBe(sent.message.id);

    const toldAgain = nextEvent(bora, "inboxes:changed");
    await admin("DELETE", `/api/inboxes/${shopId}/members/${rows.bora!.id}`);
    await toldAgain;
    const next = nextEvent<NewMessage>(bora, "message:new");
    await write(shopVisitor, "Bunu Bora duymaz");
    const siteSent = await write(await widget(), "Bunu Bora duyar");
    expect((await next).message.id).toBe(siteSent.message.id);
  });

  it("keeps one person's chats on two websites apart: each site's widget has its own conversation", async () => {
    // The same visitor token on both sites, as a signed-in user of both would be.
    const token = newVisitorToken();
    const open = async (inbox?: string) => {
      const socket = await openSocket(`${url}/visitor`, { visitorToken: token, language: "tr", ...(inbox ? { inbox } : {}) });
      sockets.push(socket);
      return socket;
    };
    const onShop = await open(shopId);
    const onSite = await open();
    const shopSent = await write(onShop, "Dükkândaki sorum");
    const siteSent = await write(onSite, "Sitedeki sorum");
    expect(siteSent.message.conversationId).not.toBe(shopSent.message.conversationId);
    type Sync = { conversation: { id: string } | null; messages: MessageView[] };
    const shopSync = await request<Sync>(onShop, "conversation:sync", { afterSeq: 0 });
    expect(shopSync.conversation?.id).toBe(shopSent.message.conversationId);
    expect(shopSync.messages.map((m) => m.body)).toEqual(["Dükkândaki sorum"]);
    const siteSync = await request<Sync>(onSite, "conversation:sync", { afterSeq: 0 });
    expect(siteSync.messages.map((m) => m.body)).toEqual(["Sitedeki sorum"]);
  });

  it("puts a widget that names an unknown inbox in the default one", async () => {
    const bora = await consoleOf("bora");
    const hears = nextEvent<NewMessage>(bora, "message:new");
    const lost = await widget("no-such-inbox");
    const sent = await write(lost, "Yanlış kod ama çalışıyor");
    const heard = await hears;
    expect(heard.message.id).toBe(sent.message.id);
    expect(heard.conversation.inboxId).toBe("default");
  });
});
