import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import { REOPEN_WINDOW_MS } from "../../src/domain/chat/messages.ts";
import type { MessageView, VisitorConversationView } from "../../src/protocol/chat.ts";
import type { MentionNotice, RatingView, TimelineEventView, TimelineResponse } from "../../src/protocol/timeline.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { newClientId, newVisitorToken, nextEvent, openSocket, request } from "../support/chatClients.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";

const TEAM_CHAT = -100777;
const ECE_CHAT = 5151;

type Sync = { conversation: VisitorConversationView | null; messages: MessageView[] };

// Notes, mentions, the timeline's events with their actors, the rating and the reopen rule, over
// real sockets, on each database, with Telegram through the fake Bot API.
describe.each(testDatabases())("conversation timeline on $name", (database: TestDatabase) => {
  let t: TestApp;
  let telegram: FakeTelegram;
  let dispose: () => Promise<void>;
  let url: string;
  const tokens: Record<"deniz" | "ece", string> = { deniz: "", ece: "" };
  const ids: Record<"deniz" | "ece", string> = { deniz: "", ece: "" };
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const db = await database.open();
    dispose = db.dispose;
    telegram = await new FakeTelegram().start();
    t = await startTestApp({ database: db, telegram, env: { TELEGRAM_ADMIN_CHAT_ID: String(TEAM_CHAT), TELEGRAM_ALERT_FLOOD_PER_MINUTE: "1000" } });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    const address = t.app.server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    await addAgent(t.deps, "deniz");
    await addAgent(t.deps, "ece", { telegramChatId: String(ECE_CHAT) });
    await signIn();
    await t.deps.telegram!.start(t.deps);
  });
  const signIn = async () => {
    for (const name of ["deniz", "ece"] as const) {
      const agent = (await findAgentByUsername(t.deps.domain.db, name))!;
      ids[name] = agent.id;
      tokens[name] = (await startSession(t.deps.domain, agent, { ip: null, userAgent: null })).accessToken;
    }
  };
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await t.close();
    await telegram.stop();
    await dispose();
  });

  const visitor = async (token = newVisitorToken()) => {
    const socket = await openSocket(`${url}/visitor`, { visitorToken: token });
    sockets.push(socket);
    return socket;
  };
  const agent = async (name: "deniz" | "ece") => {
    const socket = await openSocket(`${url}/agent`, { token: tokens[name] });
    sockets.push(socket);
    return socket;
  };
  const get = async <T>(path: string): Promise<T> => {
    const response = await t.app.inject({ method: "GET", url: path, headers: { authorization: `Bearer ${tokens.deniz}` } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<T>();
  };
  /** Every event a socket receives, with its payload. */
  const recordAll = (socket: Socket) => {
    const seen: Array<{ event: string; payload: unknown }> = [];
    socket.onAny((event: string, payload: unknown) => seen.push({ event, payload }));
    return seen;
  };
  const startConversation = async (widget: Socket, body = "Merhaba") =>
    (await request<{ message: MessageView }>(widget, "message:send", { clientId: newClientId(), body })).message.conversationId;
  const failureOf = (promise: Promise<unknown>) => promise.then(() => "ok", (error: { id?: string }) => error.id);

  it("keeps a note from the visitor: no event, no sync, no receipt; a later reply arrives as the marker", async () => {
    const console = await agent("deniz");
    const widget = await visitor();
    const conversationId = await startConversation(widget, "Faturam yanlış");
    const seen = recordAll(widget);

    const onConsole = nextEvent<TimelineEventView>(console, "timeline:event", (e) => e.kind === "note");
    const { event } = await request<{ event: TimelineEventView }>(console, "note:send", { conversationId, body: "SECRET customer owes 3 invoices" });
    expect(event).toMatchObject({ kind: "note", body: "SECRET customer owes 3 invoices", actor: { type: "agent", id: ids.deniz, name: "Agent deniz" } });
    expect((await onConsole).id).toBe(event.id);

    const marker = nextEvent<MessageView>(widget, "message:new");
    await request(console, "message:send", { conversationId, clientId: newClientId(), body: "Kontrol ediyorum" });
    expect((await marker).body).toBe("Kontrol ediyorum");
    expect(JSON.stringify(seen)).not.toContain("SECRET");
    expect(seen.map((s) => s.event)).not.toContain("timeline:event");

    const synced = await request<Sync>(widget, "conversation:sync", { afterSeq: 0 });
    expect(synced.messages.map((m) => m.body)).toEqual(["Faturam yanlış", "Kontrol ediyorum"]);
    // The note took no place in the message stream: the reply is the second message.
    expect(synced.conversation?.lastSeq).toBe(2);
    const timeline = await get<TimelineResponse>(`/api/conversations/${conversationId}/timeline`);
    expect(timeline.events.filter((e) => e.kind === "note").map((e) => e.body)).toEqual(["SECRET customer owes 3 invoices"]);
  });

  it("refuses an empty note and an unknown conversation with stable ids", async () => {
    const console = await agent("deniz");
    const widget = await visitor();
    const conversationId = await startConversation(widget);
    expect(await failureOf(request(console, "note:send", { conversationId, body: "   " }))).toBe("invalid_request");
    expect(await failureOf(request(console, "note:send", { conversationId: "3f1c1e9a-6a43-4bde-9a59-2b1d8b2f0c11", body: "x" }))).toBe("conversation_not_found");
  });

  it("notifies a mentioned agent in their console and on Telegram, and nobody else", async () => {
    const deniz = await agent("deniz");
    const ece = await agent("ece");
    const denizSeen = recordAll(deniz);
    const widget = await visitor();
    await request(widget, "profile:update", { name: "Ayşe" });
    const conversationId = await startConversation(widget, "Kargo gelmedi");

    const mention = nextEvent<MentionNotice>(ece, "mention");
    await request(deniz, "note:send", { conversationId, body: "@Ece can you check the courier?" });
    const notice = await mention;
    expect(notice).toMatchObject({ conversationId, visitorName: "Ayşe", event: { kind: "note", mentions: [{ id: ids.ece, name: "Agent ece" }] } });

    const post = await telegram.waitForSent((m) => String(m.chat_id) === String(ECE_CHAT) && String(m.text).includes("courier"));
    expect(post.text).toContain("Agent deniz");
    expect(post.text).toContain("Ayşe");
    expect(post.text).toContain("özel not, ziyaretçiye gitmez"); // the default language is Turkish
    // The post is not a bridged visitor message: it has no reply markup and is not HTML-routed to a conversation.
    const bridged = await t.deps.domain.db.selectFrom("telegram_messages").selectAll().where("chat_id", "=", String(ECE_CHAT)).where("message_id", "=", post.message_id).execute();
    expect(bridged.filter((b) => b.conversation_id !== null)).toEqual([]);
    // Replying to the post answers nobody: the bot says so, and the visitor gets nothing.
    const widgetSeen = recordAll(widget);
    telegram.pushReply(ECE_CHAT, ECE_CHAT, post.message_id, { text: "on it" });
    await telegram.waitForSent((m) => String(m.chat_id) === String(ECE_CHAT) && String(m.text).includes("Reply to a conversation message"));
    const afterReply = await request<Sync>(widget, "conversation:sync", { afterSeq: 0 });
    expect(afterReply.messages.map((m) => m.body)).toEqual(["Kargo gelmedi"]);
    expect(widgetSeen.map((s) => s.event)).not.toContain("message:new");

    // A later note without a mention is the marker: the author never got a mention of their own.
    const marker = nextEvent<TimelineEventView>(deniz, "timeline:event", (e) => e.body === "marker");
    await request(deniz, "note:send", { conversationId, body: "marker" });
    await marker;
    expect(denizSeen.map((s) => s.event)).not.toContain("mention");
    // No visitor-bound post carries the note.
    expect(telegram.sent.filter((m) => String(m.text).includes("courier")).map((m) => String(m.chat_id))).toEqual([String(ECE_CHAT)]);
  });

  it("records assignment, resolve and reopen with who did each, live and in the timeline", async () => {
    const console = await agent("deniz");
    const widget = await visitor();
    const conversationId = await startConversation(widget);

    const assigned = nextEvent<TimelineEventView>(console, "timeline:event", (e) => e.conversationId === conversationId && e.kind === "assigned");
    await request(console, "conversation:assign", { conversationId, agentId: ids.ece });
    expect(await assigned).toMatchObject({ actor: { type: "agent", name: "Agent deniz" }, assignee: { id: ids.ece, name: "Agent ece" } });

    const resolvedSeen = nextEvent<VisitorConversationView>(widget, "conversation:updated", (c) => c.status === "resolved");
    await request(console, "conversation:status", { conversationId, status: "resolved" });
    await resolvedSeen;

    const reopened = nextEvent<TimelineEventView>(console, "timeline:event", (e) => e.conversationId === conversationId && e.kind === "reopened");
    const again = await startConversation(widget, "Bir sorum daha var");
    expect(again).toBe(conversationId);
    expect((await reopened).actor.type).toBe("visitor");

    const timeline = await get<TimelineResponse>(`/api/conversations/${conversationId}/timeline`);
    expect(timeline.events.map((e) => [e.kind, e.actor.type, e.actor.name])).toEqual([
      ["assigned", "agent", "Agent deniz"],
      ["resolved", "agent", "Agent deniz"],
      ["reopened", "visitor", null],
    ]);
  });

  it("opens a new conversation when the visitor writes after the reopen window", async () => {
    const console = await agent("deniz");
    const widget = await visitor();
    const first = await startConversation(widget);
    await request(console, "conversation:status", { conversationId: first, status: "resolved" });
    t.clock.advance(REOPEN_WINDOW_MS + 60_000);
    await signIn(); // the sessions expired meanwhile
    const second = await startConversation(widget, "Yeni bir konu");
    expect(second).not.toBe(first);
    const details = await get<{ conversation: { status: string } }>(`/api/conversations/${first}`);
    expect(details.conversation.status).toBe("resolved");
    const synced = await request<Sync>(widget, "conversation:sync", { afterSeq: 0 });
    expect(synced.conversation?.id).toBe(second);
    expect(synced.messages.map((m) => m.body)).toEqual(["Yeni bir konu"]);
  });

  it("takes one rating per resolved conversation from its own visitor only, shows it and posts it to Telegram", async () => {
    const console = await agent("deniz");
    const widget = await visitor();
    const stranger = await visitor();
    await request(widget, "profile:update", { name: "Ayşe" });
    const conversationId = await startConversation(widget, "Şifremi unuttum");
    await request(console, "conversation:assign", { conversationId, agentId: ids.ece });

    expect(await failureOf(request(widget, "conversation:rate", { conversationId, score: 4 }))).toBe("conversation_not_resolved");
    await request(console, "conversation:status", { conversationId, status: "resolved" });
    expect(await failureOf(request(stranger, "conversation:rate", { conversationId, score: 1 }))).toBe("conversation_not_found");
    expect(await failureOf(request(widget, "conversation:rate", { conversationId, score: 6 }))).toBe("invalid_request");

    const live = nextEvent<TimelineEventView>(console, "timeline:event", (e) => e.kind === "rated" && e.conversationId === conversationId);
    const { rating } = await request<{ rating: RatingView }>(widget, "conversation:rate", { conversationId, score: 4, comment: "Hızlı yanıt" });
    expect(rating).toMatchObject({ conversationId, score: 4, comment: "Hızlı yanıt" });
    expect(await live).toMatchObject({ score: 4, body: "Hızlı yanıt", actor: { type: "visitor", name: "Ayşe" } });

    for (const chat of [TEAM_CHAT, ECE_CHAT]) {
      const post = await telegram.waitForSent((m) => String(m.chat_id) === String(chat) && String(m.text).includes("4/5"));
      expect(post.text).toContain("Ayşe sohbeti 4/5 puanladı: Hızlı yanıt");
    }

    await request(widget, "conversation:rate", { conversationId, score: 5 });
    const timeline = await get<TimelineResponse>(`/api/conversations/${conversationId}/timeline`);
    expect(timeline.rating).toMatchObject({ score: 5, comment: null });
    expect(timeline.events.filter((e) => e.kind === "rated").map((e) => e.score)).toEqual([4, 5]);
    const details = await get<{ ratings: RatingView[] }>(`/api/conversations/${conversationId}`);
    expect(details.ratings).toEqual([expect.objectContaining({ conversationId, score: 5 })]);
  });

  it("shows the visitor's call in the conversation's timeline", async () => {
    const widget = await visitor();
    const conversationId = await startConversation(widget, "Arayabilir miyim?");
    const { call } = await request<{ call: { id: string } }>(widget, "call:start", { media: "audio" });
    await request(widget, "call:hangup", { callId: call.id });
    const timeline = await get<TimelineResponse>(`/api/conversations/${conversationId}/timeline`);
    expect(timeline.calls.map((c) => c.id)).toEqual([call.id]);
    expect(timeline.calls[0]).toMatchObject({ media: "audio", recordings: [] });
  });
});
