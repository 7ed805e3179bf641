import { createHash, randomUUID } from "node:crypto";
import SwaggerParser from "@apidevtools/swagger-parser";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "../../src/adapters/db/repositories/audit.ts";
import { insertCall } from "../../src/adapters/db/repositories/calls.ts";
import { disableAgent } from "../../src/domain/agents.ts";
import { createApiToken } from "../../src/domain/apiTokens.ts";
import type { ApiTokenView, CreatedApiToken } from "../../src/protocol/apiTokens.ts";
import type { MessageView } from "../../src/protocol/chat.ts";
import { newClientId, newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { addAgent, type ListeningTestApp, startListeningApp, addAgentWithSession } from "../support/testApp.ts";

// The public REST API on both engines: API tokens (shown once, stored hashed, scoped, revocable,
// audited), every /api/v1 area's happy path and bad input, and the OpenAPI document generated from
// the route schemas.

type Method = "GET" | "POST" | "PATCH" | "DELETE";

describe.each(testDatabases())("REST API on $name", (database: TestDatabase) => {
  let t: ListeningTestApp;
  let url = "";
  const sessions = { admin: "", ayse: "" };
  const ids = { admin: "", ayse: "" };
  const sockets: Socket[] = [];

  const consoleCall = (who: keyof typeof sessions, method: Method, path: string, payload?: object) =>
    t.app.inject({ method, url: path, headers: { authorization: `Bearer ${sessions[who]}` }, ...(payload ? { payload } : {}) });
  const api = (token: string, method: Method, path: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${path}`, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  const errorOf = (res: { statusCode: number; json(): unknown }) => ({ status: res.statusCode, id: (res.json() as { error: { id: string } }).error.id });
  const newToken = async (name: string, scopes: string[]) => {
    const res = await consoleCall("admin", "POST", "/api/api-tokens", { name, scopes });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as CreatedApiToken;
  };
  let full = "";

  /** A visitor who writes; returns the conversation and visitor ids. */
  async function visitorWrites(text: string) {
    const socket = await openSocket(`${url}/visitor`, { visitorToken: newVisitorToken(), language: "en" });
    sockets.push(socket);
    const { message } = await request<{ message: MessageView }>(socket, "message:send", { clientId: newClientId(), body: text });
    const row = await t.deps.domain.db.selectFrom("conversations").select("visitor_id").where("id", "=", message.conversationId).executeTakeFirstOrThrow();
    return { conversationId: message.conversationId, visitorId: row.visitor_id };
  }

  beforeAll(async () => {
    t = await startListeningApp(database);
    url = t.url;
    for (const name of ["admin", "ayse"] as const) {
      const agent = await addAgentWithSession(t.deps, name, { admin: name === "admin" });
      ids[name] = agent.row.id;
      sessions[name] = agent.accessToken;
    }
    full = (await newToken("Everything", ["conversations:read", "conversations:write", "contacts:read", "contacts:write", "calls:read", "canned_replies:read", "canned_replies:write"])).token;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t?.close();
  });

  it("shows a token once, stores only its hash, checks scopes, refuses it once revoked, and audits", async () => {
    const created = await newToken("CRM sync", ["conversations:read"]);
    expect(created.token).toMatch(/^dst_[\w-]{43}$/);
    expect(created.apiToken).toMatchObject({ name: "CRM sync", scopes: ["conversations:read"], lastFour: created.token.slice(-4), lastUsedAt: null, revokedAt: null });
    expect(created.apiToken.createdBy.id).toBe(ids.admin);

    // Stored as a SHA-256 only; the list never carries a secret.
    const row = await t.deps.domain.db.selectFrom("api_tokens").selectAll().where("id", "=", created.apiToken.id).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(createHash("sha256").update(created.token).digest("hex"));
    const listed = await consoleCall("admin", "GET", "/api/api-tokens");
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(created.token);
    expect((listed.json() as { tokens: ApiTokenView[] }).tokens.map((x) => x.name)).toContain("CRM sync");

    // Admins only; agents neither list nor create.
    expect(errorOf(await consoleCall("ayse", "GET", "/api/api-tokens"))).toEqual({ status: 403, id: "admin_only" });
    expect(errorOf(await consoleCall("ayse", "POST", "/api/api-tokens", { name: "x", scopes: ["contacts:read"] }))).toEqual({ status: 403, id: "admin_only" });
    const badScope = await consoleCall("admin", "POST", "/api/api-tokens", { name: "x", scopes: ["everything"] });
    expect(errorOf(badScope)).toEqual({ status: 400, id: "invalid_request" });
    expect(badScope.json().error.message).toContain("scopes");

    // Use: the scope it has works and notes the time; another scope is 403; nothing or a console token is 401.
    expect((await api(created.token, "GET", "/conversations")).statusCode).toBe(200);
    const used = await t.deps.domain.db.selectFrom("api_tokens").select("last_used_at").where("id", "=", created.apiToken.id).executeTakeFirstOrThrow();
    expect(used.last_used_at).not.toBeNull();
    expect(errorOf(await api(created.token, "GET", "/contacts"))).toEqual({ status: 403, id: "api_scope_missing" });
    expect(errorOf(await t.app.inject({ method: "GET", url: "/api/v1/conversations" }))).toEqual({ status: 401, id: "api_token_missing" });
    expect(errorOf(await api(sessions.admin, "GET", "/conversations"))).toEqual({ status: 401, id: "api_token_invalid" });
    expect(errorOf(await api("dst_not-a-real-token-at-all-000000000000000000", "GET", "/conversations"))).toEqual({ status: 401, id: "api_token_invalid" });
    // An API token is not a console session.
    expect((await t.app.inject({ method: "GET", url: "/api/contacts", headers: { authorization: `Bearer ${created.token}` } })).statusCode).toBe(401);

    const revoked = await consoleCall("admin", "POST", `/api/api-tokens/${created.apiToken.id}/revoke`, {});
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect((revoked.json() as { apiToken: ApiTokenView }).apiToken.revokedAt).not.toBeNull();
    expect(errorOf(await api(created.token, "GET", "/conversations"))).toEqual({ status: 401, id: "api_token_invalid" });
    expect(errorOf(await consoleCall("admin", "POST", `/api/api-tokens/${randomUUID()}/revoke`, {}))).toEqual({ status: 404, id: "api_token_not_found" });

    const actions = (await listAudit(t.deps.domain.db, { limit: 100 })).filter((e) => e.target_id === created.apiToken.id).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["api_token.created", "api_token.revoked"]));

    // A token acts as its creator: once that admin is disabled, it stops working.
    const deniz = await addAgent(t.deps, "deniz", { admin: true });
    const owner = { type: "agent" as const, agentId: deniz.id, sessionId: "test", role: "admin" as const };
    const theirs = await createApiToken(t.deps.domain, owner, { name: "Deniz's script", scopes: ["conversations:read"] });
    expect((await api(theirs.token, "GET", "/conversations")).statusCode).toBe(200);
    await disableAgent(t.deps.domain, { type: "system" }, "deniz");
    expect(errorOf(await api(theirs.token, "GET", "/conversations"))).toEqual({ status: 401, id: "api_token_invalid" });
  });

  it("lists, reads, answers, assigns, resolves and reopens conversations", async () => {
    const { conversationId } = await visitorWrites("Kargom nerede?");
    const list = await api(full, "GET", "/conversations?status=open&assignee=unassigned");
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().conversations.map((c: { id: string }) => c.id)).toContain(conversationId);

    const one = await api(full, "GET", `/conversations/${conversationId}`);
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json()).toMatchObject({ conversation: { id: conversationId, status: "open" }, visitor: { id: expect.any(String) } });

    // Sent as the token's owner, idempotent by clientId, and audited as a write.
    const clientId = newClientId();
    const sent = await api(full, "POST", `/conversations/${conversationId}/messages`, { body: "Yarın kapınızda.", clientId });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json()).toMatchObject({ duplicate: false, message: { body: "Yarın kapınızda.", via: "api", author: { type: "agent", id: ids.admin } } });
    const again = await api(full, "POST", `/conversations/${conversationId}/messages`, { body: "Yarın kapınızda.", clientId });
    expect(again.json().duplicate).toBe(true);
    const messages = await api(full, "GET", `/conversations/${conversationId}/messages`);
    expect(messages.json().messages.map((m: MessageView) => m.body)).toEqual(["Kargom nerede?", "Yarın kapınızda."]);
    const later = await api(full, "GET", `/conversations/${conversationId}/messages?afterSeq=1`);
    expect(later.json().messages.map((m: MessageView) => m.body)).toEqual(["Yarın kapınızda."]);
    const audit = await listAudit(t.deps.domain.db, { limit: 100, action: "api.request" });
    expect(audit.some((e) => e.actor_id === ids.admin && (e.details ?? "").includes(`"route":"/api/v1/conversations/:id/messages"`))).toBe(true);

    const assigned = await api(full, "POST", `/conversations/${conversationId}/assign`, { agentId: ids.ayse });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json().conversation.assignee.id).toBe(ids.ayse);
    const resolved = await api(full, "POST", `/conversations/${conversationId}/resolve`, {});
    expect(resolved.json().conversation.status).toBe("resolved");
    const reopened = await api(full, "POST", `/conversations/${conversationId}/reopen`);
    expect(reopened.statusCode, reopened.body).toBe(200);
    expect(reopened.json().conversation.status).toBe("open");

    // Bad input: a clear 400 naming the field.
    const badAssign = await api(full, "POST", `/conversations/${conversationId}/assign`, { agentId: "ayse" });
    expect(errorOf(badAssign)).toEqual({ status: 400, id: "invalid_request" });
    expect(badAssign.json().error.message).toContain("agentId");
    const empty = await api(full, "POST", `/conversations/${conversationId}/messages`, { body: "  " });
    expect(errorOf(empty)).toEqual({ status: 400, id: "invalid_request" });
    expect(empty.json().error.message).toContain("body");
    expect(errorOf(await api(full, "GET", "/conversations/not-an-id"))).toEqual({ status: 400, id: "invalid_request" });
    expect(errorOf(await api(full, "GET", "/conversations?limit=1000"))).toEqual({ status: 400, id: "invalid_request" });
    expect(errorOf(await api(full, "GET", `/conversations/${randomUUID()}`))).toEqual({ status: 404, id: "conversation_not_found" });
  });

  it("searches, reads and updates contacts", async () => {
    const { visitorId } = await visitorWrites("Merhaba");
    const edited = await api(full, "PATCH", `/contacts/${visitorId}`, { name: "Deniz Yıldız", email: "deniz@example.com" });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().contact).toMatchObject({ id: visitorId, name: "Deniz Yıldız", email: "deniz@example.com" });
    await expect.poll(async () => (await api(full, "GET", "/contacts?q=deniz")).json().contacts.map((c: { id: string }) => c.id)).toContain(visitorId);
    expect((await api(full, "GET", `/contacts/${visitorId}`)).json().contact.conversations).toHaveLength(1);
    const bad = await api(full, "PATCH", `/contacts/${visitorId}`, { email: "not an address" });
    expect(bad.statusCode).toBe(400);
    const unknownField = await api(full, "PATCH", `/contacts/${visitorId}`, { shoeSize: 44 });
    expect(errorOf(unknownField)).toEqual({ status: 400, id: "invalid_request" });
  });

  it("lists and reads calls", async () => {
    const { conversationId, visitorId } = await visitorWrites("Arayabilir miyim?");
    const callId = randomUUID();
    const now = Date.now();
    await insertCall(t.deps.domain.db, {
      id: callId, visitor_id: visitorId, conversation_id: conversationId, agent_id: ids.ayse, status: "ended", media: "audio",
      recording_mode: "off", created_at: now, answered_at: now, ended_at: now + 30_000, duration_ms: 30_000, end_reason: "caller_hung_up",
      consent_mode: null, consent_at: null, consent_version: null,
    });
    const list = await api(full, "GET", "/calls?status=ended");
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().calls.map((c: { id: string }) => c.id)).toContain(callId);
    const one = await api(full, "GET", `/calls/${callId}`);
    expect(one.json().call).toMatchObject({ id: callId, status: "ended", durationMs: 30_000, agent: { id: ids.ayse } });
    expect(one.json().call).not.toHaveProperty("recordings");
    expect(errorOf(await api(full, "GET", "/calls?status=lost"))).toEqual({ status: 400, id: "invalid_request" });
    expect(errorOf(await api(full, "GET", `/calls/${randomUUID()}`)).status).toBe(404);
  });

  it("creates, lists, updates and deletes canned replies", async () => {
    const created = await api(full, "POST", "/canned-replies", { scope: "shared", shortcut: "kargo", text: "Kargonuz yolda." });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().cannedReply.id as string;
    expect((await api(full, "GET", "/canned-replies")).json().cannedReplies.map((c: { shortcut: string }) => c.shortcut)).toContain("kargo");
    const edited = await api(full, "PATCH", `/canned-replies/${id}`, { text: "Kargonuz bugün yolda." });
    expect(edited.json().cannedReply.text).toBe("Kargonuz bugün yolda.");
    expect((await api(full, "DELETE", `/canned-replies/${id}`)).statusCode).toBe(204);
    expect((await api(full, "GET", "/canned-replies")).json().cannedReplies.map((c: { id: string }) => c.id)).not.toContain(id);
    const bad = await api(full, "POST", "/canned-replies", { scope: "everyone", shortcut: "x", text: "y" });
    expect(errorOf(bad)).toEqual({ status: 400, id: "invalid_request" });
    expect(bad.json().error.message).toContain("scope");
  });

  it("describes every /api/v1 route in a valid OpenAPI document and a readable page", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    await SwaggerParser.validate(structuredClone(doc));
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    const routes = t.app.routeCatalog
      .filter((r) => r.url.startsWith("/api/v1/") && r.method !== "HEAD")
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, "{$1}").replace(/\/$/, "")}`);
    expect(routes.length).toBeGreaterThanOrEqual(15);
    expect(documented.sort()).toEqual([...new Set(routes)].sort());
    // Each operation says which scope it needs, and its answers have schemas.
    for (const item of Object.values(doc.paths as Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown> }>>)) {
      for (const op of Object.values(item)) {
        expect(op.security).toHaveLength(1);
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["400", "401", "403"]));
      }
    }

    const page = await t.app.inject({ method: "GET", url: "/api/docs" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    for (const path of Object.keys(doc.paths)) expect(page.body).toContain(path);
    expect((await t.app.inject({ method: "GET", url: "/api/docs.css" })).headers["content-type"]).toContain("text/css");
  });
});
