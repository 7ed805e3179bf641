import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentRow } from "../../src/adapters/db/repositories/agents.ts";
import { listAudit } from "../../src/adapters/db/repositories/audit.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import { startCall } from "../../src/domain/calls/callService.ts";
import { setConversationStatus } from "../../src/domain/chat/conversations.ts";
import { sendVisitorMessage } from "../../src/domain/chat/messages.ts";
import { identifyVisitor } from "../../src/domain/chat/visitors.ts";
import { inboxesOfAgent } from "../../src/domain/inboxes/inboxes.ts";
import { widgetInbox } from "../../src/domain/inboxes/visibility.ts";
import { inviteAgent } from "../../src/domain/team.ts";
import type { ConversationSummary } from "../../src/protocol/chat.ts";
import type { InboxView } from "../../src/protocol/inboxes.ts";
import { newClientId, newVisitorToken } from "../support/chatClients.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { type TestApp, startTestAppOn, addAgentWithSession } from "../support/testApp.ts";

// Inboxes over HTTP, on both engines: admins create, rename, delete and staff them (audited); an
// agent sees their own inboxes, and only the conversations and calls of those.

describe.each(testDatabases())("inboxes on $name", (database: TestDatabase) => {
  let t: TestApp;
  const tokens: Record<"admin" | "ayse" | "bora", string> = { admin: "", ayse: "", bora: "" };
  const rows: Partial<Record<keyof typeof tokens, AgentRow>> = {};

  const call = (who: keyof typeof tokens, method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", url: string, payload?: object) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
  const errorOf = (res: { statusCode: number; json(): unknown }) => ({ status: res.statusCode, id: (res.json() as { error: { id: string } }).error.id });
  const inboxesOf = async (who: keyof typeof tokens) => {
    const res = await call(who, "GET", "/api/inboxes");
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { inboxes: InboxView[] }).inboxes;
  };
  const create = async (name: string) => {
    const res = await call("admin", "POST", "/api/inboxes", { name });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { inbox: InboxView }).inbox;
  };
  /** A visitor of the site whose snippet names `inboxId` writes a first message. */
  const visitorWrites = async (inboxId: string, body: string) => {
    const origin = { address: "127.0.0.1" };
    const visitor = await identifyVisitor(t.deps.domain, { token: newVisitorToken(), userAgent: null, language: "tr", origin });
    const sent = await sendVisitorMessage(t.deps.domain, visitor, { clientId: newClientId(), body, attachmentIds: [], origin, inboxId });
    return { visitor, conversation: sent.conversation };
  };

  beforeAll(async () => {
    t = await startTestAppOn(database);
    for (const name of ["admin", "ayse", "bora"] as const) {
      const agent = await addAgentWithSession(t.deps, name, { admin: name === "admin" });
      rows[name] = agent.row;
      tokens[name] = agent.accessToken;
    }
  });
  afterAll(() => t?.close());

  it("puts every new agent in the default inbox, whether added or invited", async () => {
    expect(await inboxesOfAgent(t.deps.domain, rows.ayse!.id)).toEqual(["default"]);
    const invited = await inviteAgent(t.deps.domain, { type: "system" }, { username: "cem", name: "Cem", role: "agent" });
    expect(await inboxesOfAgent(t.deps.domain, invited.member.id)).toEqual(["default"]);
    const [inbox] = await inboxesOf("admin");
    expect(inbox).toMatchObject({ id: "default", name: "Website", isDefault: true });
    expect(inbox?.snippet).toBe(`<script src="${t.deps.domain.publicUrl}/widget.js" data-inbox="default" async></script>`);
  });

  it("lets admins create, rename and staff an inbox, writes each change to the audit log, and refuses agents", async () => {
    const shop = await create("  Shop  ");
    expect(shop).toMatchObject({ name: "Shop", isDefault: false, memberIds: [] });
    expect(shop.snippet).toContain(`data-inbox="${shop.id}"`);
    expect(errorOf(await call("ayse", "POST", "/api/inboxes", { name: "Mine" }))).toEqual({ status: 403, id: "admin_only" });
    expect((await call("admin", "POST", "/api/inboxes", { name: "   " })).statusCode).toBe(400);

    const renamed = await call("admin", "PATCH", `/api/inboxes/${shop.id}`, { name: "Web shop" });
    expect(renamed.json()).toMatchObject({ inbox: { id: shop.id, name: "Web shop" } });
    const staffed = await call("admin", "PUT", `/api/inboxes/${shop.id}/members`, { agentIds: [rows.ayse!.id, rows.bora!.id] });
    expect((staffed.json() as { inbox: InboxView }).inbox.memberIds.sort()).toEqual([rows.ayse!.id, rows.bora!.id].sort());
    const removed = await call("admin", "DELETE", `/api/inboxes/${shop.id}/members/${rows.bora!.id}`);
    expect((removed.json() as { inbox: InboxView }).inbox.memberIds).toEqual([rows.ayse!.id]);
    const added = await call("admin", "POST", `/api/inboxes/${shop.id}/members`, { agentId: rows.bora!.id });
    expect((added.json() as { inbox: InboxView }).inbox.memberIds.sort()).toEqual([rows.ayse!.id, rows.bora!.id].sort());
    expect(errorOf(await call("admin", "POST", `/api/inboxes/${shop.id}/members`, { agentId: "00000000-0000-4000-8000-000000000000" }))).toEqual({ status: 404, id: "agent_not_found" });
    expect(errorOf(await call("admin", "PATCH", "/api/inboxes/no-such-inbox", { name: "X" }))).toEqual({ status: 404, id: "inbox_not_found" });

    const actions = (await listAudit(t.deps.domain.db, { limit: 50 })).filter((e) => e.target_id === shop.id).map((e) => e.action);
    expect(actions.sort()).toEqual(["inbox.created", "inbox.members_changed", "inbox.members_changed", "inbox.members_changed", "inbox.renamed"]);
    // The console's audit log names the inbox.
    const log = (await call("admin", "GET", "/api/audit?action=inbox.renamed")).json() as { entries: Array<{ target: { id: string; name: string | null } | null }> };
    expect(log.entries.find((e) => e.target?.id === shop.id)?.target?.name).toBe("Web shop");
  });

  it("refuses to delete the default inbox or one with conversations, and deletes an empty one", async () => {
    expect(errorOf(await call("admin", "DELETE", "/api/inboxes/default"))).toEqual({ status: 409, id: "inbox_default" });
    const busy = await create("Busy");
    await visitorWrites(busy.id, "Merhaba");
    expect(errorOf(await call("admin", "DELETE", `/api/inboxes/${busy.id}`))).toEqual({ status: 409, id: "inbox_not_empty" });
    const empty = await create("Empty");
    expect((await call("ayse", "DELETE", `/api/inboxes/${empty.id}`)).statusCode).toBe(403);
    expect((await call("admin", "DELETE", `/api/inboxes/${empty.id}`)).statusCode).toBe(204);
    expect((await inboxesOf("admin")).map((i) => i.id)).not.toContain(empty.id);
    expect((await listAudit(t.deps.domain.db, { limit: 50, action: "inbox.deleted" })).map((e) => e.target_id)).toEqual([empty.id]);
  });

  it("shows an agent only their inboxes' conversations and calls; admins see every inbox", async () => {
    const support = await create("Support site");
    // Bora answers only the support site; Ayşe only the default inbox.
    await call("admin", "PUT", `/api/inboxes/${support.id}/members`, { agentIds: [rows.bora!.id] });
    await call("admin", "PUT", "/api/inboxes/default/members", { agentIds: [rows.admin!.id, rows.ayse!.id] });

    const onSupport = await visitorWrites(support.id, "Destek sitesinden yazıyorum");
    const onDefault = await visitorWrites("default", "Ana siteden yazıyorum");
    expect(onSupport.conversation.inboxId).toBe(support.id);
    expect(onDefault.conversation.inboxId).toBe("default");

    const listed = async (who: keyof typeof tokens, q = "") => {
      const res = await call(who, "GET", `/api/conversations?status=open${q ? `&q=${encodeURIComponent(q)}` : ""}`);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { conversations: ConversationSummary[] }).conversations.map((c) => c.id);
    };
    expect(await listed("bora")).toContain(onSupport.conversation.id);
    expect(await listed("bora")).not.toContain(onDefault.conversation.id);
    expect(await listed("ayse")).toContain(onDefault.conversation.id);
    expect(await listed("ayse")).not.toContain(onSupport.conversation.id);
    expect(await listed("admin")).toEqual(expect.arrayContaining([onSupport.conversation.id, onDefault.conversation.id]));
    // Search keeps to the same inboxes.
    expect(await listed("ayse", "yazıyorum")).toEqual([onDefault.conversation.id]);
    expect(await listed("bora", "yazıyorum")).toEqual([onSupport.conversation.id]);

    expect((await call("bora", "GET", `/api/conversations/${onDefault.conversation.id}`)).statusCode).toBe(404);
    expect((await call("bora", "GET", `/api/conversations/${onDefault.conversation.id}/messages?beforeSeq=100`)).statusCode).toBe(404);
    expect((await call("bora", "GET", `/api/conversations/${onDefault.conversation.id}/timeline`)).statusCode).toBe(404);
    expect((await call("bora", "GET", `/api/conversations/${onSupport.conversation.id}`)).statusCode).toBe(200);
    expect((await call("admin", "GET", `/api/conversations/${onSupport.conversation.id}`)).statusCode).toBe(200);
    const counts = (await call("bora", "GET", "/api/conversations/counts")).json() as { open: number };
    // Only the support site's conversation: the "Busy" and default inboxes' are not Bora's.
    expect(counts.open).toBe(1);

    // Bora's inboxes as he sees them: his own only (the shop from before, and the support site).
    const borasInboxes = (await inboxesOf("bora")).map((i) => i.id);
    expect(borasInboxes).toContain(support.id);
    expect(borasInboxes).not.toContain("default");
    expect((await call("bora", "GET", "/api/inboxes/default")).statusCode).toBe(404);

    // A call from the support site is the support site's.
    const placed = await startCall(t.deps.domain, onSupport.visitor, "audio", undefined, support.id);
    expect(placed.call.inboxId).toBe(support.id);
    const callIds = async (who: keyof typeof tokens) => ((await call(who, "GET", "/api/calls")).json() as { calls: Array<{ id: string }> }).calls.map((c) => c.id);
    expect(await callIds("bora")).toContain(placed.call.id);
    expect(await callIds("ayse")).not.toContain(placed.call.id);
    expect(await callIds("admin")).toContain(placed.call.id);
    expect((await call("ayse", "GET", `/api/calls/${placed.call.id}`)).statusCode).toBe(404);
    expect((await call("bora", "GET", `/api/calls/${placed.call.id}`)).statusCode).toBe(200);
  });

  it("leaves a visitor's conversations on other websites out of an agent's details panel", async () => {
    const blog = await create("Blog");
    await call("admin", "PUT", `/api/inboxes/${blog.id}/members`, { agentIds: [rows.bora!.id] });
    const first = await visitorWrites("default", "Önce ana sitede");
    await setConversationStatus(t.deps.domain, first.conversation.id, "resolved");
    // Long after, the same person writes on the blog: a new conversation, in the blog's inbox.
    t.clock.advance(8 * 24 * 60 * 60 * 1000);
    // Sessions do not last a week: everyone signs in again.
    for (const name of ["admin", "ayse", "bora"] as const) tokens[name] = (await startSession(t.deps.domain, rows[name]!, { ip: null, userAgent: null })).accessToken;
    const origin = { address: "127.0.0.1" };
    const later = await sendVisitorMessage(t.deps.domain, first.visitor, { clientId: newClientId(), body: "Sonra blogda", attachmentIds: [], origin, inboxId: blog.id });
    expect(later.conversation.inboxId).toBe(blog.id);
    const historyOf = async (who: keyof typeof tokens) =>
      ((await call(who, "GET", `/api/conversations/${later.conversation.id}`)).json() as { history: Array<{ id: string }> }).history.map((h) => h.id);
    expect(await historyOf("bora")).toEqual([]);
    expect(await historyOf("admin")).toEqual([first.conversation.id]);
  });

  it("gives a widget the inbox its snippet names, and the default inbox for none or an unknown one", async () => {
    const named = await create("Named");
    expect(await widgetInbox(t.deps.domain, named.id)).toEqual({ inboxId: named.id, unknown: null });
    expect(await widgetInbox(t.deps.domain, undefined)).toEqual({ inboxId: "default", unknown: null });
    expect(await widgetInbox(t.deps.domain, "no-such-inbox")).toEqual({ inboxId: "default", unknown: "no-such-inbox" });
    expect(await widgetInbox(t.deps.domain, { $ne: 1 })).toEqual({ inboxId: "default", unknown: "(malformed)" });
  });
});
