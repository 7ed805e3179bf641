import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import { CALLBACKS_PER_VISITOR_PER_DAY, requestCallback } from "../../src/domain/callbacks/callbackRequests.ts";
import { identifyVisitor } from "../../src/domain/chat/visitors.ts";
import type { CallbackList, CallbackView, WidgetAvailability } from "../../src/protocol/callbacks.ts";
import type { CallStart } from "../../src/protocol/calls.ts";
import type { TimelineResponse } from "../../src/protocol/timeline.ts";
import { WEEKDAYS } from "../../src/protocol/inboxes.ts";
import { createBusinessHoursWatch } from "../../src/realtime/businessHoursJob.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { newClientId, newVisitorToken, nextEvent, openSocket, request } from "../support/chatClients.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";

const TEAM_CHAT = -100888;
const INBOX_CHAT = -100999;

const closedAllWeek = { enabled: true, timezone: "Europe/Istanbul", weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, []])), holidays: [] };
const openAllWeek = { ...closedAllWeek, weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ from: "00:00", to: "24:00" }]])) };

type Sync = { agentsOnline: boolean; callsAvailable: boolean; availability: WidgetAvailability; conversation: { id: string } | null };

// Outside business hours the widget offers no Call, the server refuses one (`outside_hours`), and a
// visitor's `Request a call back` becomes a console task: live on every console, on the
// conversation's timeline, posted to the inbox's Telegram team chat, and done by any agent.
describe.each(testDatabases())("call-back requests on $name", (database: TestDatabase) => {
  let t: TestApp;
  let telegram: FakeTelegram;
  let dispose: () => Promise<void>;
  let url: string;
  const tokens = { admin: "", agent: "" };
  let agentId = "";
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const db = await database.open();
    dispose = db.dispose;
    telegram = await new FakeTelegram().start();
    t = await startTestApp({ database: db, telegram, env: { TELEGRAM_ADMIN_CHAT_ID: String(TEAM_CHAT), TELEGRAM_ALERT_FLOOD_PER_MINUTE: "1000" } });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    const address = t.app.server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    await addAgent(t.deps, "admin", { admin: true });
    await addAgent(t.deps, "agent");
    for (const name of ["admin", "agent"] as const) {
      const row = (await findAgentByUsername(t.deps.domain.db, name))!;
      if (name === "agent") agentId = row.id;
      tokens[name] = (await startSession(t.deps.domain, row, { ip: null, userAgent: null })).accessToken;
    }
    await t.deps.telegram!.start(t.deps);
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await t.close();
    await telegram.stop();
    await dispose();
  });

  const connect = async (namespace: "visitor" | "agent", auth: Record<string, unknown>) => {
    const socket = await openSocket(`${url}/${namespace}`, auth);
    sockets.push(socket);
    return socket;
  };
  const http = (method: "GET" | "POST" | "PUT", path: string, options: { agent?: keyof typeof tokens; visitor?: string; body?: object } = {}) =>
    t.app.inject({
      method,
      url: path,
      headers: {
        ...(options.agent ? { authorization: `Bearer ${tokens[options.agent]}` } : {}),
        ...(options.visitor ? { authorization: `Visitor ${options.visitor}` } : {}),
      },
      ...(options.body ? { payload: options.body } : {}),
    });
  const errorOf = (res: { statusCode: number; json(): unknown }) => ({ status: res.statusCode, id: (res.json() as { error: { id: string } }).error.id });
  const setHours = async (hours: object) => {
    const res = await http("PUT", "/api/inboxes/default/hours", { agent: "admin", body: hours });
    expect(res.statusCode, res.body).toBe(200);
  };
  const list = async (status: "open" | "done" = "open") => {
    const res = await http("GET", `/api/callbacks?status=${status}`, { agent: "agent" });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<CallbackList>();
  };

  it("outside hours: no Call even with an agent online, call:start refused as outside_hours", async () => {
    await setHours(closedAllWeek);
    await connect("agent", { token: tokens.agent });
    const widget = await connect("visitor", { visitorToken: newVisitorToken() });
    const synced = await request<Sync>(widget, "conversation:sync", {});
    expect(synced).toMatchObject({ agentsOnline: false, callsAvailable: false, availability: { open: false, calls: false, callbacks: true } });
    await expect(request<CallStart>(widget, "call:start", { media: "audio" })).rejects.toMatchObject({ id: "outside_hours" });

    await setHours(openAllWeek);
    expect(await request<Sync>(widget, "conversation:sync", {})).toMatchObject({ agentsOnline: true, callsAvailable: true, availability: { open: true, callbacks: false } });
    const { call } = await request<CallStart>(widget, "call:start", { media: "audio" });
    expect(call.status).toBe("queued");
    await request(widget, "call:hangup", { callId: call.id });
  });

  it("takes a call-back request: live to consoles, on the timeline, posted to the inbox's team chat, done by an agent", async () => {
    await setHours(closedAllWeek);
    // The inbox's own team chat wins over the install's.
    const row = await t.deps.domain.db.selectFrom("inboxes").select("settings").where("id", "=", "default").executeTakeFirstOrThrow();
    await t.deps.domain.db.updateTable("inboxes").set({ settings: JSON.stringify({ ...JSON.parse(row.settings), telegramChatId: String(INBOX_CHAT) }) }).where("id", "=", "default").execute();
    const token = newVisitorToken();
    const widget = await connect("visitor", { visitorToken: token });
    await request(widget, "message:send", { clientId: newClientId(), body: "Saat kaçta açılıyorsunuz?" });
    const { conversation } = await request<Sync>(widget, "conversation:sync", {});
    const console = await connect("agent", { token: tokens.agent });

    expect(errorOf(await http("POST", "/api/widget/callbacks", { body: { phone: "+90 532 000 00 00" } }))).toEqual({ status: 401, id: "visitor_token_invalid" });
    expect(errorOf(await http("POST", "/api/widget/callbacks", { visitor: token, body: { phone: "call me" } }))).toEqual({ status: 400, id: "invalid_request" });

    const live = nextEvent<{ callback: CallbackView }>(console, "callbacks:changed", (e) => e.callback.status === "open");
    const timelineLive = nextEvent<{ kind: string }>(console, "timeline:event", (e) => e.kind === "callback_requested");
    const created = await http("POST", "/api/widget/callbacks", { visitor: token, body: { phone: "+90 532 000 00 00", note: "Öğleden sonra" } });
    expect(created.statusCode, created.body).toBe(201);
    const { callback: receipt } = created.json<{ callback: { id: string } }>();
    const changed = await live;
    expect(changed).toMatchObject({ callback: { id: receipt.id, phone: "+90 532 000 00 00", note: "Öğleden sonra", conversationId: conversation?.id, inboxId: "default" } });
    await timelineLive;

    const post = await telegram.waitForSent((m) => String(m.chat_id) === String(INBOX_CHAT) && String(m.text).includes("+90 532 000 00 00"));
    expect(String(post.text)).toContain("Öğleden sonra");
    expect(telegram.sent.some((m) => String(m.chat_id) === String(TEAM_CHAT) && String(m.text).includes("+90 532"))).toBe(false);

    const open = await list();
    expect(open.openCount).toBe(1);
    expect(open.callbacks.map((c) => c.id)).toEqual([receipt.id]);
    expect(open.callbacks[0]?.visitor.label).toBeTruthy();

    expect(errorOf(await http("GET", "/api/callbacks"))).toEqual({ status: 401, id: "unauthenticated" });
    expect(errorOf(await http("POST", `/api/callbacks/${receipt.id}/done`, { visitor: token, body: {} }))).toEqual({ status: 401, id: "unauthenticated" });
    expect(errorOf(await http("POST", "/api/callbacks/00000000-0000-4000-8000-000000000000/done", { agent: "agent", body: {} }))).toEqual({ status: 404, id: "callback_not_found" });

    const doneLive = nextEvent<{ callback: CallbackView }>(console, "callbacks:changed", (e) => e.callback.status === "done");
    const done = await http("POST", `/api/callbacks/${receipt.id}/done`, { agent: "agent", body: {} });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ callback: { status: "done", doneBy: { id: agentId } } });
    expect(await doneLive).toMatchObject({ callback: { id: receipt.id, status: "done" } });
    expect((await list()).openCount).toBe(0);
    // Again (a retry, or a second agent): the same answer, nothing recorded twice.
    expect((await http("POST", `/api/callbacks/${receipt.id}/done`, { agent: "admin", body: {} })).json()).toMatchObject({ callback: { status: "done", doneBy: { id: agentId } } });
    expect((await list()).callbacks).toEqual([]);
    expect((await list("done")).callbacks.map((c) => c.id)).toContain(receipt.id);

    const timeline = (await http("GET", `/api/conversations/${conversation?.id}/timeline`, { agent: "agent" })).json<TimelineResponse>();
    expect(timeline.events.filter((e) => e.kind.startsWith("callback_")).map((e) => [e.kind, e.actor.type])).toEqual([
      ["callback_requested", "visitor"],
      ["callback_done", "agent"],
    ]);
    // The visitor's number is kept on them.
    const visitorRow = await t.deps.domain.db.selectFrom("visitors").select("phone").where("id", "=", changed.callback.visitor.id).executeTakeFirstOrThrow();
    expect(visitorRow.phone).toBe("+90 532 000 00 00");
  });

  it("takes a request from a visitor who has not written, and limits how often one visitor asks", async () => {
    const token = newVisitorToken();
    for (let i = 0; i < CALLBACKS_PER_VISITOR_PER_DAY; i++) {
      const res = await http("POST", "/api/widget/callbacks", { visitor: token, body: { phone: `+90 555 000 00 0${i}` } });
      expect(res.statusCode, res.body).toBe(201);
    }
    expect(errorOf(await http("POST", "/api/widget/callbacks", { visitor: token, body: { phone: "+90 555 000 00 09" } }))).toEqual({ status: 409, id: "callback_limit" });
    const mine = (await list()).callbacks.filter((c) => c.phone.startsWith("+90 555"));
    expect(mine).toHaveLength(CALLBACKS_PER_VISITOR_PER_DAY);
    expect(mine.every((c) => c.conversationId === null)).toBe(true);
  });

  it("shows an agent the call backs of their own inboxes only", async () => {
    await setHours(closedAllWeek);
    const now = t.clock.now();
    await t.deps.domain.db
      .insertInto("inboxes")
      .values({ id: "other-site", name: "Other site", settings: JSON.stringify({ hours: closedAllWeek }), created_at: now, updated_at: now })
      .execute();
    const console = await connect("agent", { token: tokens.agent });
    const heard: string[] = [];
    console.on("callbacks:changed", (e: { callback: CallbackView }) => heard.push(e.callback.id));
    const adminConsole = await connect("agent", { token: tokens.admin });
    const adminHeard = nextEvent<{ callback: CallbackView }>(adminConsole, "callbacks:changed", (e) => e.callback.inboxId === "other-site");
    // Straight through the domain: the widget route's per-address limit is spent by the tests above.
    const visitor = await identifyVisitor(t.deps.domain, { token: newVisitorToken(), userAgent: null, language: "tr", origin: { address: "203.0.113.9" } });
    const callback = await requestCallback(t.deps.domain, visitor, { phone: "+90 533 444 55 66", inbox: "other-site" });
    await adminHeard;
    // The agent is a member of the default inbox only: not in their list, count or live events, not theirs to close.
    expect((await list()).callbacks.map((c) => c.id)).not.toContain(callback.id);
    const adminList = (await http("GET", "/api/callbacks?status=open", { agent: "admin" })).json<CallbackList>();
    expect(adminList.callbacks.map((c) => c.id)).toContain(callback.id);
    expect((await list()).openCount).toBe(adminList.openCount - 1);
    expect(heard).not.toContain(callback.id);
    expect(errorOf(await http("POST", `/api/callbacks/${callback.id}/done`, { agent: "agent", body: {} }))).toEqual({ status: 404, id: "callback_not_found" });
    expect((await http("POST", `/api/callbacks/${callback.id}/done`, { agent: "admin", body: {} })).statusCode).toBe(200);
  });

  it("refuses a call back when the inbox takes no calls", async () => {
    await t.deps.domain.db.updateTable("inboxes").set({ settings: JSON.stringify({ calls: { enabled: false } }) }).where("id", "=", "default").execute();
    expect(errorOf(await http("POST", "/api/widget/callbacks", { visitor: newVisitorToken(), body: { phone: "+90 555 111 11 11" } }))).toEqual({ status: 409, id: "calls_off" });
    const widget = await connect("visitor", { visitorToken: newVisitorToken() });
    await expect(request<CallStart>(widget, "call:start", { media: "audio" })).rejects.toMatchObject({ id: "calls_off" });
    await t.deps.domain.db.updateTable("inboxes").set({ settings: "{}" }).where("id", "=", "default").execute();
  });

  it("refuses a video call where the inbox takes voice calls only", async () => {
    await setHours(openAllWeek);
    await connect("agent", { token: tokens.agent });
    await t.deps.domain.db.updateTable("inboxes").set({ settings: JSON.stringify({ calls: { video: false } }) }).where("id", "=", "default").execute();
    const widget = await connect("visitor", { visitorToken: newVisitorToken() });
    await expect(request<CallStart>(widget, "call:start", { media: "video" })).rejects.toMatchObject({ id: "video_off" });
    await t.deps.domain.db.updateTable("inboxes").set({ settings: "{}" }).where("id", "=", "default").execute();
  });

  it("judges hours by the website the widget is on, not by the visitor's latest conversation elsewhere", async () => {
    const now = t.clock.now();
    await t.deps.domain.db
      .insertInto("inboxes")
      .values({ id: "night-shop", name: "Night shop", settings: JSON.stringify({ hours: closedAllWeek }), created_at: now, updated_at: now })
      .execute();
    await setHours(openAllWeek);
    await connect("agent", { token: tokens.agent });
    const token = newVisitorToken();
    // The visitor wrote on the default website (open) ...
    const onDay = await connect("visitor", { visitorToken: token });
    await request(onDay, "message:send", { clientId: newClientId(), body: "hello from the day shop" });
    // ... and now opens the night shop's widget, which is closed.
    const onNight = await connect("visitor", { visitorToken: token, inbox: "night-shop" });
    expect(await request<Sync>(onNight, "conversation:sync", {})).toMatchObject({ availability: { open: false, calls: false } });
    await expect(request<CallStart>(onNight, "call:start", { media: "audio" })).rejects.toMatchObject({ id: "outside_hours" });
  });

  it("tells open widgets when hours are saved, and when opening time passes", async () => {
    await setHours(openAllWeek);
    const widget = await connect("visitor", { visitorToken: newVisitorToken() });
    expect(await request<Sync>(widget, "conversation:sync", {})).toMatchObject({ availability: { open: true } });
    const nudged = nextEvent(widget, "agents:presence");
    await setHours(closedAllWeek);
    await nudged;
    expect(await request<Sync>(widget, "conversation:sync", {})).toMatchObject({ availability: { open: false } });

    // Last in this file: a day later the agents' sessions have expired.
    // Closed today by a holiday (UTC), open all other days: a day later the inbox opens by itself.
    const today = new Date(t.clock.now()).toISOString().slice(0, 10);
    await setHours({ ...openAllWeek, timezone: "UTC", holidays: [{ date: today, name: "Bayram" }] });
    const check = createBusinessHoursWatch(t.deps, t.app.io);
    expect(await check()).toBe(false); // the first check takes note
    expect(await check()).toBe(false); // nothing changed
    const opened = nextEvent(widget, "agents:presence");
    t.clock.advance(24 * 60 * 60 * 1000);
    expect(await check()).toBe(true);
    await opened;
    expect(await request<Sync>(widget, "conversation:sync", {})).toMatchObject({ availability: { open: true } });
  });
});
