import type { AddressInfo } from "node:net";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { listAudit } from "../../src/adapters/db/repositories/audit.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import { missUnansweredCalls } from "../../src/domain/calls/callService.ts";
import type { Ack } from "../../src/protocol/chat.ts";
import type { CallStart } from "../../src/protocol/calls.ts";
import { RECORDING_CONSENT_VERSION } from "../../src/protocol/consent.ts";
import type { InboxSettingsView, InstallSettingsView } from "../../src/protocol/settings.ts";
import { newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";

// The settings an admin changes in the console, over HTTP: admins only, bad input refused with a
// clear 400, every change audited, and each one in force for the next widget and the next call
// without a restart.

describe.each(testDatabases())("settings routes on $name", (database: TestDatabase) => {
  let t: TestApp;
  let telegram: FakeTelegram;
  let url: string;
  let dispose: () => Promise<void>;
  const tokens: Record<"admin" | "agent", string> = { admin: "", agent: "" };
  const sockets: Socket[] = [];

  const call = (who: keyof typeof tokens | "anonymous", method: "GET" | "PUT", path: string, payload?: object) =>
    t.app.inject({ method, url: path, headers: who === "anonymous" ? {} : { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
  const errorOf = (res: { statusCode: number; json(): unknown }) => {
    const { error } = res.json() as { error: { id: string; message: string } };
    return { status: res.statusCode, id: error.id, message: error.message };
  };
  const details = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value);

  beforeAll(async () => {
    const db = await database.open();
    dispose = db.dispose;
    telegram = await new FakeTelegram().start();
    // No team chat in the environment, and calls ring for 10 minutes: the admin changes both below.
    t = await startTestApp({ database: db, telegram, env: { CALL_RING_TIMEOUT_S: "600", RECORDING: "off" } });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    await addAgent(t.deps, "boss", { admin: true });
    await addAgent(t.deps, "deniz");
    for (const [who, username] of [["admin", "boss"], ["agent", "deniz"]] as const) {
      const row = (await findAgentByUsername(t.deps.domain.db, username))!;
      tokens[who] = (await startSession(t.deps.domain, row, { ip: null, userAgent: null })).accessToken;
    }
  });
  afterAll(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await t?.close();
    await telegram?.stop();
    await dispose?.();
  });

  it("shows and changes settings for admins only", async () => {
    for (const [method, path, body] of [
      ["GET", "/api/settings", undefined],
      ["PUT", "/api/settings", { ringTimeoutS: 30 }],
      ["GET", "/api/inboxes/default/settings", undefined],
      ["PUT", "/api/inboxes/default/settings", {}],
    ] as const) {
      expect(errorOf(await call("anonymous", method, path, body)).status).toBe(401);
      expect(errorOf(await call("agent", method, path, body))).toMatchObject({ status: 403, id: "admin_only" });
    }
    const res = await call("admin", "GET", "/api/settings");
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as InstallSettingsView)).toMatchObject({ saved: [], settings: { ringTimeoutS: 600, recording: "off", telegramChatId: null } });
  });

  it("refuses bad input with a 400 naming the setting", async () => {
    const cases: Array<[string, object, RegExp]> = [
      ["/api/settings", { ringTimeoutS: 2 }, /ringTimeoutS/],
      ["/api/settings", { recording: "video" }, /recording/],
      ["/api/settings", { telegramChatId: "team" }, /telegramChatId/],
      ["/api/settings", { conversationRetentionDays: 0 }, /conversationRetentionDays/],
      ["/api/settings", { attachmentRetentionDays: 36_501 }, /attachmentRetentionDays/],
      ["/api/settings", { attachmentRetentionDays: 1.5 }, /attachmentRetentionDays/],
      ["/api/settings", { conversationRetentionDays: "30" }, /conversationRetentionDays/],
      ["/api/settings", { languages: [] }, /languages/],
      ["/api/settings", { colour: "#ffffff" }, /colour/],
      ["/api/settings", {}, /at least one setting/],
      ["/api/inboxes/default/settings", { widget: { colour: "red" } }, /widget\.colour/],
      ["/api/inboxes/default/settings", { widget: { position: "top" } }, /widget\.position/],
      ["/api/inboxes/default/settings", { calls: { ringTimeoutS: 9999 } }, /calls\.ringTimeoutS/],
    ];
    for (const [path, body, named] of cases) {
      const error = errorOf(await call("admin", "PUT", path, body));
      expect(error, JSON.stringify(body)).toMatchObject({ status: 400, id: "invalid_request" });
      expect(error.message, JSON.stringify(body)).toMatch(named);
    }
    expect(errorOf(await call("admin", "GET", "/api/inboxes/nope/settings"))).toMatchObject({ status: 404, id: "inbox_not_found" });
    expect(errorOf(await call("admin", "PUT", "/api/inboxes/nope/settings", {}))).toMatchObject({ status: 404, id: "inbox_not_found" });
  });

  it("saves an inbox's widget look, audits what changed, and the next widget config shows it", async () => {
    const before = (await call("anonymous", "GET", "/api/widget/config?lang=en")).json() as Record<string, unknown>;
    expect(before).toMatchObject({ inboxId: "default", colour: null, greeting: "", position: "right", callsEnabled: true });

    const current = (await call("admin", "GET", "/api/inboxes/default/settings")).json() as InboxSettingsView;
    const changed = {
      ...current.settings,
      widget: { ...current.settings.widget, colour: "#0a7d33", position: "left", greeting: { tr: "Hoş geldiniz!", en: "Welcome!" } },
      calls: { ...current.settings.calls, enabled: false },
    };
    const res = await call("admin", "PUT", "/api/inboxes/default/settings", changed);
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as InboxSettingsView).settings.widget).toMatchObject({ colour: "#0a7d33", position: "left" });

    const [entry] = await listAudit(t.deps.domain.db, { limit: 1, action: "inbox.settings_changed" });
    expect(entry).toMatchObject({ target_type: "inbox", target_id: "default" });
    expect(details(entry?.details)).toMatchObject({
      keys: ["calls.enabled", "widget.colour", "widget.greeting.en", "widget.greeting.tr", "widget.position"],
      changes: { "widget.colour": { from: "#1f6feb", to: "#0a7d33" }, "calls.enabled": { from: true, to: false } },
    });

    for (const [query, greeting] of [["?lang=en", "Welcome!"], ["?lang=tr&inbox=default", "Hoş geldiniz!"], ["?inbox=unknown-inbox&lang=en", "Welcome!"]] as const) {
      const config = (await call("anonymous", "GET", `/api/widget/config${query}`)).json() as Record<string, unknown>;
      expect(config, query).toMatchObject({ inboxId: "default", colour: "#0a7d33", position: "left", greeting, callsEnabled: false });
    }
    // An inbox that speaks English only greets a Turkish visitor in English (the widget follows suit).
    await call("admin", "PUT", "/api/inboxes/default/settings", { ...changed, widget: { ...changed.widget, languages: ["en"] } });
    expect((await call("anonymous", "GET", "/api/widget/config?lang=tr")).json()).toMatchObject({ greeting: "Welcome!", languages: ["en"] });
    // Back to calls on and both languages, for the test below.
    await call("admin", "PUT", "/api/inboxes/default/settings", { ...changed, calls: { ...changed.calls, enabled: true } });
  });

  it("the next call uses the team chat, recording mode and ring time saved in Settings, with no restart", async () => {
    const caller = await openSocket(`${url}/visitor`, { visitorToken: newVisitorToken() });
    sockets.push(caller);
    const start = (payload: object) => new Promise<Ack<CallStart>>((resolve) => caller.emit("call:start", payload, resolve));
    // Nobody to ring: no console open, no team chat in the environment.
    expect(await start({ media: "audio" })).toMatchObject({ ok: false, error: { id: "team_away" } });

    const saved = await call("admin", "PUT", "/api/settings", { telegramChatId: "-1009876", recording: "audio", ringTimeoutS: 5 });
    expect(saved.statusCode, saved.body).toBe(200);
    expect((saved.json() as InstallSettingsView).saved.sort()).toEqual(["recording", "ringTimeoutS", "telegramChatId"]);
    expect((await call("anonymous", "GET", "/api/widget/config")).json()).toMatchObject({ recording: "audio" });

    // Recording is on now: the call needs consent to audio recording.
    expect(await start({ media: "audio" })).toMatchObject({ ok: false, error: { id: "recording_consent_required", details: { mode: "audio" } } });
    const { call: placed } = await request<CallStart>(caller, "call:start", { media: "audio", consent: { mode: "audio", version: RECORDING_CONSENT_VERSION } });
    expect(placed).toMatchObject({ status: "queued", recording: "audio" });
    const ring = await t.deps.domain.db.selectFrom("outbox").select(["kind", "chat_id"]).where("kind", "=", "telegram.call").execute();
    expect(ring).toContainEqual({ kind: "telegram.call", chat_id: "-1009876" });

    // Rings for 5 seconds now, not 600: six seconds later it is missed.
    t.clock.advance(6_000);
    const missed = await missUnansweredCalls(t.deps.domain);
    expect(missed.map((c) => c.id)).toContain(placed.id);
  });

  it("saves the retention settings (null keeps everything), audits the change, and the retention job reads them", async () => {
    const before = (await call("admin", "GET", "/api/settings")).json() as InstallSettingsView;
    expect(before.settings).toMatchObject({ conversationRetentionDays: null, attachmentRetentionDays: null, recordingRetentionDays: null });
    const res = await call("admin", "PUT", "/api/settings", { conversationRetentionDays: 365, attachmentRetentionDays: 90, recordingRetentionDays: 30 });
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json() as InstallSettingsView;
    expect(view.settings).toMatchObject({ conversationRetentionDays: 365, attachmentRetentionDays: 90, recordingRetentionDays: 30 });
    expect(view.saved).toEqual(expect.arrayContaining(["conversationRetentionDays", "attachmentRetentionDays", "recordingRetentionDays"]));
    const [entry] = await listAudit(t.deps.domain.db, { limit: 1, action: "settings.changed" });
    expect(details(entry?.details)).toMatchObject({ changes: { conversationRetentionDays: { from: null, to: 365 }, attachmentRetentionDays: { from: null, to: 90 } } });
    expect(await t.deps.domain.settings.current()).toMatchObject({ conversationRetentionDays: 365, attachmentRetentionDays: 90 });
    // Back to keeping everything.
    const cleared = await call("admin", "PUT", "/api/settings", { conversationRetentionDays: null, attachmentRetentionDays: null, recordingRetentionDays: null });
    expect((cleared.json() as InstallSettingsView).settings).toMatchObject({ conversationRetentionDays: null, attachmentRetentionDays: null, recordingRetentionDays: null });
  });
});
