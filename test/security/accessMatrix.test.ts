import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertVisitor } from "../../src/adapters/db/repositories/chat.ts";
import { CONSOLE_DIR } from "../../src/http/routes/console.ts";
import { AGENT_CALL_EVENTS, VISITOR_CALL_EVENTS } from "../../src/protocol/calls.ts";
import { AGENT_CHAT_EVENTS, type Ack, VISITOR_CHAT_EVENTS } from "../../src/protocol/chat.ts";
import { AGENT_TIMELINE_EVENTS, VISITOR_TIMELINE_EVENTS } from "../../src/protocol/timeline.ts";
import { AGENT_STATUS_EVENTS } from "../../src/protocol/agentStatus.ts";
import { setConversationStatus } from "../../src/domain/chat/conversations.ts";
import { browserCallLink } from "../../src/domain/calls/telegramMiniApp.ts";
import { createInbox } from "../../src/domain/inboxes/inboxes.ts";
import { createApiToken, revokeApiToken } from "../../src/domain/apiTokens.ts";
import { API_SCOPES, type ApiScope } from "../../src/protocol/apiTokens.ts";
import { type AccessFixture, buildAccessFixture, closeAccessFixture, ROLES, type Role } from "../support/accessFixture.ts";
import { newClientId, openSocket } from "../support/chatClients.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { PASSWORD } from "../support/testApp.ts";
import { errorsSince, type SecurityStage, signedInAgent, startSecurityStage } from "../support/security.ts";

// The access-control matrix: every route of the app's catalog and every client event of both
// socket namespaces, against anonymous, visitor A, visitor B, an agent, an admin and a disabled
// agent. Resources named in a request are visitor A's (conversation, attachment, call, recording).
// The expected outcomes are the one table below, a line per route or event; a route or event
// without a line fails the first test, naming it.
//
// HTTP outcomes are status codes. Another's resource is 404 where the link is what grants access
// (signed file and recording links: a wrong or foreign signature looks like a missing file) and
// 403 `not_in_call` for calls, as the code does. Socket outcomes: `ok`, `refused` (the handshake
// is refused, so no event gets through), or the error id of the ack.

// biome-ignore format: the table is aligned by hand, one column per role
const MATRIX: Record<string, string> = {
  //                                                    anonymous  visitorA  visitorB  agent  admin  disabled
  "GET /health":                                        "200        200       200       200    200    200",
  "GET /ready":                                         "200        200       200       200    200    200",
  "GET /metrics":                                       "404        404       404       404    404    404",
  "GET /api/setup":                                     "200        200       200       200    200    200",
  "POST /api/setup":                                    "401        401       401       401    401    401",
  "POST /api/auth/login":                               "401        401       401       401    401    401",
  "POST /api/auth/code":                                "401        401       401       401    401    401",
  "POST /api/auth/verify":                              "401        401       401       401    401    401",
  "POST /api/auth/enroll/telegram":                     "401        401       401       401    401    401",
  "POST /api/auth/enroll/totp":                         "401        401       401       401    401    401",
  "POST /api/auth/enroll/totp/confirm":                 "401        401       401       401    401    401",
  "POST /api/auth/link":                                "404        404       404       404    404    404",
  "POST /api/auth/link/accept":                         "404        404       404       404    404    404",
  "GET /api/auth/csrf":                                 "200        200       200       200    200    200",
  "POST /api/auth/refresh":                             "401        401       401       401    401    401",
  "POST /api/auth/logout":                              "204        204       204       204    204    204",
  "POST /api/auth/logout-all":                          "401        401       401       204    204    401",
  "GET /api/me":                                        "401        401       401       200    200    401",
  "POST /api/me/telegram-link":                         "401        401       401       200    200    401",
  "DELETE /api/me/telegram":                            "401        401       401       409    409    401",
  "POST /api/me/totp":                                  "401        401       401       200    200    401",
  "POST /api/me/totp/confirm":                          "401        401       401       409    409    401",
  "DELETE /api/me/totp":                                "401        401       401       204    204    401",
  "GET /api/me/recovery-codes":                         "401        401       401       200    200    401",
  "POST /api/me/recovery-codes":                        "401        401       401       200    200    401",
  "GET /api/me/push-subscriptions":                     "401        401       401       200    200    401",
  "POST /api/me/push-subscriptions":                    "401        401       401       201    201    401",
  "DELETE /api/me/push-subscriptions/:id":              "401        401       401       204    204    401",
  "GET /api/settings/identity":                         "401        401       401       403    200    401",
  "GET /api/settings":                                  "401        401       401       403    200    401",
  "PUT /api/settings":                                  "401        401       401       403    200    401",
  "GET /api/inboxes/:id/settings":                      "401        401       401       403    200    401",
  "PUT /api/inboxes/:id/settings":                      "401        401       401       403    200    401",
  "GET /api/agents":                                    "401        401       401       403    200    401",
  "POST /api/agents":                                   "401        401       401       403    201    401",
  "POST /api/agents/:username/disable":                 "401        401       401       403    200    401",
  "GET /api/agents/members":                            "401        401       401       403    200    401",
  "POST /api/agents/invites":                           "401        401       401       403    201    401",
  "POST /api/agents/:username/invite":                  "401        401       401       403    409    401",
  "POST /api/agents/:username/revoke-links":            "401        401       401       403    200    401",
  "POST /api/agents/:username/password-reset-link":     "401        401       401       403    200    401",
  "POST /api/agents/:username/enable":                  "401        401       401       403    200    401",
  "POST /api/agents/:username/role":                    "401        401       401       403    200    401",
  "POST /api/agents/:username/reset-second-factor":     "401        401       401       403    200    401",
  "GET /api/audit":                                     "401        401       401       403    200    401",
  "GET /api/access-log":                                "401        401       401       403    200    401",
  "GET /api/access-log/export":                         "401        401       401       403    200    401",
  "GET /api/team":                                      "401        401       401       200    200    401",
  "GET /api/canned-replies":                            "401        401       401       200    200    401",
  "POST /api/canned-replies":                           "401        401       401       201    201    401",
  "PATCH /api/canned-replies/:id":                      "401        401       401       200    200    401",
  "DELETE /api/canned-replies/:id":                     "401        401       401       204    204    401",
  "GET /api/contacts":                                  "401        401       401       200    200    401",
  "GET /api/contacts/:id":                              "401        401       401       200    200    401",
  "PATCH /api/contacts/:id":                            "401        401       401       200    200    401",
  "POST /api/contacts/:id/merge":                       "401        401       401       403    200    401",
  "GET /api/contacts/:id/export":                       "401        401       401       403    200    401",
  "POST /api/contacts/:id/erase":                       "401        401       401       403    200    401",
  "GET /api/labels":                                    "401        401       401       200    200    401",
  "POST /api/labels":                                   "401        401       401       403    201    401",
  "PATCH /api/labels/:id":                              "401        401       401       403    200    401",
  "DELETE /api/labels/:id":                             "401        401       401       403    204    401",
  "GET /api/webhooks":                                  "401        401       401       403    200    401",
  "POST /api/webhooks":                                 "401        401       401       403    201    401",
  "PATCH /api/webhooks/:id":                            "401        401       401       403    200    401",
  "DELETE /api/webhooks/:id":                           "401        401       401       403    204    401",
  "POST /api/webhooks/:id/secret":                      "401        401       401       403    200    401",
  "GET /api/webhooks/:id/deliveries":                   "401        401       401       403    200    401",
  "POST /api/webhooks/:id/deliveries/:deliveryId/redeliver": "401   401       401       403    201    401",
  "GET /api/conversations/filters":                     "401        401       401       200    200    401",
  "POST /api/conversations/:id/labels":                 "401        401       401       200    200    401",
  "DELETE /api/conversations/:id/labels/:labelId":      "401        401       401       200    200    401",
  "GET /api/inboxes":                                  "401        401       401       200    200    401",
  "GET /api/inboxes/:id":                               "401        401       401       200    200    401",
  "POST /api/inboxes":                                  "401        401       401       403    201    401",
  "PATCH /api/inboxes/:id":                             "401        401       401       403    200    401",
  "DELETE /api/inboxes/:id":                            "401        401       401       403    204    401",
  "PUT /api/inboxes/:id/members":                       "401        401       401       403    200    401",
  "POST /api/inboxes/:id/members":                      "401        401       401       403    200    401",
  "DELETE /api/inboxes/:id/members/:agentId":           "401        401       401       403    200    401",
  "GET /api/conversations":                             "401        401       401       200    200    401",
  "GET /api/conversations/counts":                      "401        401       401       200    200    401",
  "GET /api/conversations/:id":                         "401        401       401       200    200    401",
  "GET /api/conversations/:id/messages":                "401        401       401       200    200    401",
  "GET /api/conversations/:id/timeline":                "401        401       401       200    200    401",
  "POST /api/conversations/:id/attachments":            "401        401       401       201    201    401",
  "GET /files/:id":                                     "404        200       404       200    200    404",
  "GET /api/calls":                                     "401        401       401       200    200    401",
  "GET /api/calls/:id":                                 "401        401       401       200    200    401",
  "GET /recordings/:id":                                "404        404       404       200    200    404",
  "GET /api/widget/config":                             "200        200       200       200    200    200",
  "POST /api/widget/attachments":                       "401        201       201       401    401    401",
  "POST /api/widget/callbacks":                         "401        201       201       401    401    401",
  "GET /api/callbacks":                                 "401        401       401       200    200    401",
  "GET /api/reports":                                   "401        401       401       200    200    401",
  "GET /api/reports/csv":                               "401        401       401       200    200    401",
  "POST /api/callbacks/:id/done":                       "401        401       401       200    200    401",
  "GET /api/inboxes/:id/hours":                         "401        401       401       403    200    401",
  "PUT /api/inboxes/:id/hours":                         "401        401       401       403    200    401",
  "GET /widget.js":                                     "200        200       200       200    200    200",
  "GET /widget/*":                                      "200        200       200       200    200    200",
  "GET /demo":                                          "302        302       302       302    302    302",
  "GET /demo/*":                                        "200        200       200       200    200    200",
  "GET /demo/index.html":                               "200        200       200       200    200    200",
  "POST /telegram/webhook":                             "401        401       401       401    401    401",
  "GET /telegram/app":                                  "200        200       200       200    200    200",
  "POST /api/telegram/app/session":                     "401        401       401       401    401    401",
  "GET /telegram/call/:callId":                         "302        302       302       302    302    302",
  "GET /console":                                       "200        200       200       200    200    200",
  "GET /console/*":                                     "200        200       200       200    200    200",
  "GET /console/<built file>":                          "200        200       200       200    200    200",
  "GET /":                                              "302        302       302       302    302    302",
  "GET /favicon.ico":                                   "200        200       200       200    200    200",
  "GET /favicon.svg":                                   "200        200       200       200    200    200",
  "GET /api/api-tokens":                                "401        401       401       403    200    401",
  "POST /api/api-tokens":                               "401        401       401       403    201    401",
  "POST /api/api-tokens/:id/revoke":                    "401        401       401       403    200    401",
  "GET /api/openapi.json":                              "200        200       200       200    200    200",
  "GET /api/docs":                                      "200        200       200       200    200    200",
  "GET /api/docs.css":                                  "200        200       200       200    200    200",
  // /api/v1 takes API tokens only (apiToken below): the agent column holds a token without the
  // route's scope, the admin column one with every scope, the disabled column a revoked one.
  "GET /api/v1/conversations":                          "401        401       401       403    200    401",
  "GET /api/v1/conversations/:id":                      "401        401       401       403    200    401",
  "POST /api/v1/conversations/:id/resolve":             "401        401       401       403    200    401",
  "POST /api/v1/conversations/:id/reopen":              "401        401       401       403    200    401",
  "POST /api/v1/conversations/:id/assign":              "401        401       401       403    200    401",
  "GET /api/v1/conversations/:id/messages":             "401        401       401       403    200    401",
  "POST /api/v1/conversations/:id/messages":            "401        401       401       403    201    401",
  "GET /api/v1/contacts":                               "401        401       401       403    200    401",
  "GET /api/v1/contacts/:id":                           "401        401       401       403    200    401",
  "PATCH /api/v1/contacts/:id":                         "401        401       401       403    200    401",
  "GET /api/v1/calls":                                  "401        401       401       403    200    401",
  "GET /api/v1/calls/:id":                              "401        401       401       403    200    401",
  "GET /api/v1/canned-replies":                         "401        401       401       403    200    401",
  "POST /api/v1/canned-replies":                        "401        401       401       403    201    401",
  "PATCH /api/v1/canned-replies/:id":                   "401        401       401       403    200    401",
  "DELETE /api/v1/canned-replies/:id":                  "401        401       401       403    204    401",

  "/visitor conversation:sync":                         "refused    ok        ok        refused refused refused",
  "/visitor message:send":                              "refused    ok        ok        refused refused refused",
  "/visitor profile:update":                            "refused    ok        ok        refused refused refused",
  "/visitor typing":                                    "refused    ok        ok        refused refused refused",
  "/visitor receipt":                                   "refused    ok        ok        refused refused refused",
  "/visitor transcript:request":                        "refused    email_off email_off refused refused refused",
  "/visitor call:start":                                "refused    ok        ok        refused refused refused",
  "/visitor call:hangup":                               "refused    ok        not_in_call refused refused refused",
  "/visitor call:signal":                               "refused    ok        not_in_call refused refused refused",
  "/visitor call:ice":                                  "refused    ok        not_in_call refused refused refused",
  "/visitor call:media":                                "refused    ok        not_in_call refused refused refused",
  "/visitor call:record":                               "refused    recording_off not_in_call refused refused refused",
  "/visitor conversation:rate":                         "refused    ok        conversation_not_found refused refused refused",
  "/visitor call:resume":                               "refused    ok        ok        refused refused refused",
  "/visitor call:rejoin":                               "refused    ok        not_in_call refused refused refused",

  "/agent conversation:open":                           "refused    refused   refused   ok     ok     refused",
  "/agent message:send":                                "refused    refused   refused   ok     ok     refused",
  "/agent typing":                                      "refused    refused   refused   ok     ok     refused",
  "/agent receipt":                                     "refused    refused   refused   ok     ok     refused",
  "/agent conversation:assign":                         "refused    refused   refused   ok     ok     refused",
  "/agent conversation:status":                         "refused    refused   refused   ok     ok     refused",
  "/agent note:send":                                   "refused    refused   refused   ok     ok     refused",
  "/agent status:set":                                  "refused    refused   refused   ok     ok     refused",
  "/agent calls:sync":                                  "refused    refused   refused   ok     ok     refused",
  "/agent call:accept":                                 "refused    refused   refused   ok     ok     refused",
  "/agent call:open":                                   "refused    refused   refused   ok     ok     refused",
  "/agent call:reject":                                 "refused    refused   refused   ok     ok     refused",
  "/agent call:hangup":                                 "refused    refused   refused   ok     not_in_call refused",
  "/agent call:signal":                                 "refused    refused   refused   ok     not_in_call refused",
  "/agent call:media":                                  "refused    refused   refused   ok     not_in_call refused",
  "/agent call:record":                                 "refused    refused   refused   recording_off not_in_call refused",
  "/agent call:resume":                                 "refused    refused   refused   ok     ok     refused",
  "/agent call:rejoin":                                 "refused    refused   refused   ok     not_in_call refused",
};

// ---- how each line is requested (only where the path alone is not enough) ----

type Fixture = AccessFixture;
/** The contact the current erase cell names: its path makes one, its body confirms it. */
let eraseTarget = "";
interface HttpRequest {
  path?: (f: Fixture, role: Role) => string | Promise<string>;
  body?: (f: Fixture, role: Role) => unknown | Promise<unknown>;
  /** The line ends or changes the caller's account: agents and admins use a fresh sign-in for it. */
  freshSession?: boolean;
  /** A cookie-authenticated route: every role sends a valid CSRF pair, so the session is what decides. */
  csrf?: boolean;
  /** An /api/v1 route: agent, admin and disabled present API tokens instead (see apiTokensOf). */
  apiToken?: boolean;
}

/** API tokens for /api/v1 lines, owned by the fixture's admin: one without the route's scope, one with all, one revoked. */
const apiTokenCache = new WeakMap<Fixture, Partial<Record<Role, string>>>();
async function apiTokensOf(f: Fixture): Promise<Partial<Record<Role, string>>> {
  const cached = apiTokenCache.get(f);
  if (cached) return cached;
  const domain = f.stage.deps.domain;
  const owner = { type: "agent" as const, agentId: f.admin.id, sessionId: "matrix", role: "admin" as const };
  const make = (scopes: ApiScope[]) => createApiToken(domain, owner, { name: "Matrix", scopes });
  const revoked = await make([...API_SCOPES]);
  await revokeApiToken(domain, owner, revoked.apiToken.id);
  const tokens = { agent: (await make(["reports:read"])).token, admin: (await make([...API_SCOPES])).token, disabled: revoked.token };
  apiTokenCache.set(f, tokens);
  return tokens;
}

/** A fresh token to revoke (the admin's), for the revoke line. */
async function throwawayApiToken(f: Fixture): Promise<string> {
  const owner = { type: "agent" as const, agentId: f.admin.id, sessionId: "matrix", role: "admin" as const };
  return (await createApiToken(f.stage.deps.domain, owner, { name: "Throwaway", scopes: ["contacts:read"] })).apiToken.id;
}

/** A personal canned reply of the admin's, made through the API, for the lines that name one. */
async function adminCannedReplyViaApi(f: Fixture): Promise<string> {
  const res = await fetch(`${f.stage.url}/api/v1/canned-replies`, {
    method: "POST",
    headers: { authorization: `Bearer ${(await apiTokensOf(f)).admin}`, "content-type": "application/json" },
    body: JSON.stringify(cannedBody()),
  });
  if (res.status !== 201) throw new Error(`the admin's API token could not create a canned reply: ${res.status}`);
  return `/api/v1/canned-replies/${((await res.json()) as { cannedReply: { id: string } }).cannedReply.id}`;
}

const FORGED_LINK_QUERY = `exp=${Math.floor(Date.now() / 1000) + 3600}&sig=${"A".repeat(43)}`;
const idOf = (link: string) => new URL(link, "http://x").pathname.split("/").pop() ?? "";
const queryOf = (link: string) => new URL(link, "http://x").search.slice(1);

/** What each role presents for a signed link to visitor A's file: its own link, another's signature, or a forgery. */
async function fileQuery(f: Fixture, role: Role): Promise<string> {
  if (role === "visitorA") return queryOf(f.visitorA.fileLink);
  if (role === "visitorB") return queryOf(f.visitorB.fileLink);
  if (role === "agent" || role === "admin") {
    // Agents get the link the way the console does: from the conversation's messages.
    const res = await fetch(`${f.stage.url}/api/conversations/${f.visitorA.conversationId}/messages?beforeSeq=1000`, { headers: headersFor(f, role) });
    const { messages } = (await res.json()) as { messages: Array<{ attachments: Array<{ url: string }> }> };
    const link = messages.flatMap((m) => m.attachments).find((a) => idOf(a.url) === idOf(f.visitorA.fileLink))?.url;
    if (!link) throw new Error(`${role} got no link to visitor A's file`);
    return queryOf(link);
  }
  return FORGED_LINK_QUERY;
}

async function recordingQuery(f: Fixture, role: Role): Promise<string> {
  if (role === "agent" || role === "admin") {
    const res = await fetch(`${f.stage.url}/api/calls/${f.recordedCall.id}`, { headers: headersFor(f, role) });
    const { call } = (await res.json()) as { call: { recordings: Array<{ id: string; url: string }> } };
    const link = call.recordings.find((r) => r.id === f.recordedCall.recordingId)?.url;
    if (!link) throw new Error(`${role} got no link to the recording`);
    return queryOf(link);
  }
  // A visitor's valid file signature must not open a recording (another purpose, another key).
  if (role === "visitorA") return queryOf(f.visitorA.fileLink);
  return FORGED_LINK_QUERY;
}

const cannedBody = () => ({ shortcut: `m${Math.random().toString(36).slice(2, 10)}`, text: "Hello {{visitor.name}}" });

/** A personal canned reply of the role's own (agents and admins); others name a made-up one and are refused first. */
async function ownCannedReply(f: Fixture, role: Role): Promise<string> {
  if (role !== "agent" && role !== "admin") return "/api/canned-replies/00000000-0000-4000-8000-000000000000";
  const res = await fetch(`${f.stage.url}/api/canned-replies`, {
    method: "POST",
    headers: { ...headersFor(f, role), "content-type": "application/json" },
    body: JSON.stringify(cannedBody()),
  });
  if (res.status !== 201) throw new Error(`${role} could not create a canned reply: ${res.status}`);
  return `/api/canned-replies/${((await res.json()) as { cannedReply: { id: string } }).cannedReply.id}`;
}

/** Visitor A's contact id (the visitor behind A's conversation). */
async function contactOfA(f: Fixture): Promise<string> {
  const row = await f.stage.deps.domain.db.selectFrom("conversations").select("visitor_id").where("id", "=", f.visitorA.conversationId).executeTakeFirstOrThrow();
  return row.visitor_id;
}

/** A contact of no importance (a visitor who left a name), for merge cells: each merge uses up one. */
async function throwawayContact(f: Fixture): Promise<string> {
  const id = randomUUID();
  const now = f.stage.deps.domain.clock.now();
  await insertVisitor(f.stage.deps.domain.db, {
    id, token_hash: randomUUID(), name: "Throwaway", email: null, phone: null, language: null, user_agent: null,
    page_url: null, page_title: null, first_seen_at: now, last_seen_at: now, metadata: null,
  });
  return id;
}

const labelBody = () => ({ name: `m${Math.random().toString(36).slice(2, 10)}`, colour: "#2f80ed" });

/** A fresh label, made by the admin (only admins make them), for the routes that name one. */
async function adminLabel(f: Fixture): Promise<string> {
  const res = await fetch(`${f.stage.url}/api/labels`, {
    method: "POST",
    headers: { ...headersFor(f, "admin"), "content-type": "application/json" },
    body: JSON.stringify(labelBody()),
  });
  if (res.status !== 201) throw new Error(`the admin could not create a label: ${res.status}`);
  return ((await res.json()) as { label: { id: string } }).label.id;
}

const webhookBody = () => ({ url: "https://hooks.example.com/destek", events: ["message.created"] });

/** A fresh webhook, made by the admin (only admins make them), for the routes that name one. */
async function adminWebhook(f: Fixture): Promise<string> {
  // Each cell makes one, and an install holds at most MAX_WEBHOOKS: earlier cells' webhooks go first.
  await f.stage.deps.domain.db.deleteFrom("webhook_deliveries").execute();
  await f.stage.deps.domain.db.deleteFrom("webhooks").execute();
  const res = await fetch(`${f.stage.url}/api/webhooks`, {
    method: "POST",
    headers: { ...headersFor(f, "admin"), "content-type": "application/json" },
    body: JSON.stringify(webhookBody()),
  });
  if (res.status !== 201) throw new Error(`the admin could not create a webhook: ${res.status}`);
  return ((await res.json()) as { webhook: { id: string } }).webhook.id;
}

/** A delivery of a fresh webhook (queued straight in the database: nothing posts it here), for Redeliver. */
async function adminWebhookDelivery(f: Fixture): Promise<string> {
  const webhookId = await adminWebhook(f);
  const id = randomUUID();
  const now = f.stage.deps.domain.clock.now();
  await f.stage.deps.domain.db.insertInto("webhook_deliveries").values({
    id, webhook_id: webhookId, event: "message.created", event_id: randomUUID(), order_key: null, body: "{}", status: "delivered", attempts: 1,
    next_attempt_at: now, lease_owner: null, created_at: now, last_attempt_at: now, delivered_at: now, response_status: 200,
    response_snippet: "ok", last_error: null, redelivery_of: null,
  }).execute();
  return `/api/webhooks/${webhookId}/deliveries/${id}/redeliver`;
}

/** An open call-back request of visitor A's, for agents and admins to mark done; others name a made-up one. */
async function openCallback(f: Fixture, role: Role): Promise<string> {
  if (role !== "agent" && role !== "admin") return "/api/callbacks/00000000-0000-4000-8000-000000000000/done";
  const res = await fetch(`${f.stage.url}/api/widget/callbacks`, {
    method: "POST",
    headers: { ...headersFor(f, "visitorA"), "content-type": "application/json" },
    body: JSON.stringify({ phone: "+90 532 111 22 33" }),
  });
  if (res.status !== 201) throw new Error(`visitor A could not request a call back: ${res.status}`);
  return `/api/callbacks/${((await res.json()) as { callback: { id: string } }).callback.id}/done`;
}

/** A browser's push subscription, as the console sends it (keys of the right length; never pushed to here). */
const pushSubscriptionBody = () => ({
  endpoint: `https://fcm.googleapis.com/fcm/send/matrix-${randomUUID()}`,
  keys: { p256dh: `B${"A".repeat(86)}`, auth: "A".repeat(22) },
  device: "Chrome on Android",
});

/** A push device of the caller's own for agents and admins to remove; others name a made-up one. */
async function ownPushDevice(f: Fixture, role: Role): Promise<string> {
  if (role !== "agent" && role !== "admin") return "/api/me/push-subscriptions/00000000-0000-4000-8000-000000000000";
  const res = await fetch(`${f.stage.url}/api/me/push-subscriptions`, {
    method: "POST",
    headers: { ...headersFor(f, role), "content-type": "application/json" },
    body: JSON.stringify(pushSubscriptionBody()),
  });
  if (res.status !== 201) throw new Error(`the ${role} could not add a push device: ${res.status}`);
  return `/api/me/push-subscriptions/${((await res.json()) as { id: string }).id}`;
}

/** A fresh empty inbox (made by the system), so renaming, deleting and member changes have one of their own. */
async function throwawayInbox(f: Fixture): Promise<string> {
  return (await createInbox(f.stage.deps.domain, { type: "system" }, { name: "Matrix website" })).id;
}

const textFile = () => {
  const form = new FormData();
  form.append("file", new Blob([Buffer.from("a note from the matrix")]), "note.txt");
  return form;
};

const HTTP_REQUESTS: Record<string, HttpRequest> = {
  "POST /api/setup": { body: () => ({ token: "setup-token-guess", username: "intruder", name: "Intruder", password: PASSWORD }) },
  "POST /api/auth/login": { body: (f) => ({ username: f.agent.username, password: "not the password" }) },
  "POST /api/auth/code": { body: () => ({ ticket: "forged-ticket-0123456789" }) },
  "POST /api/auth/verify": { body: () => ({ ticket: "forged-ticket-0123456789", code: "123456" }) },
  "POST /api/auth/enroll/telegram": { body: () => ({ ticket: "forged-ticket-0123456789" }) },
  "POST /api/auth/enroll/totp": { body: () => ({ ticket: "forged-ticket-0123456789" }) },
  "POST /api/auth/enroll/totp/confirm": { body: () => ({ ticket: "forged-ticket-0123456789", code: "123456" }) },
  "POST /api/auth/refresh": { csrf: true },
  "POST /api/auth/logout": { csrf: true },
  "POST /api/auth/logout-all": { freshSession: true },
  "POST /api/me/telegram-link": { freshSession: true, body: () => ({ password: PASSWORD }) },
  "DELETE /api/me/telegram": { freshSession: true, body: () => ({ password: PASSWORD }) },
  "POST /api/me/totp": { freshSession: true, body: () => ({ password: PASSWORD }) },
  "POST /api/me/totp/confirm": { freshSession: true, body: () => ({ code: "123456" }) },
  "DELETE /api/me/totp": { freshSession: true, body: () => ({ password: PASSWORD }) },
  "POST /api/agents": { body: () => ({ username: `new${Math.random().toString(36).slice(2, 10)}`, name: "New Agent", password: PASSWORD }) },
  "POST /api/agents/:username/disable": { path: async (f) => `/api/agents/${await f.throwawayAgent()}/disable` },
  "POST /api/agents/invites": { body: () => ({ username: `inv${Math.random().toString(36).slice(2, 10)}`, name: "Invited Agent", role: "agent" }) },
  "POST /api/agents/:username/invite": { path: async (f) => `/api/agents/${await f.throwawayAgent()}/invite` },
  "POST /api/agents/:username/revoke-links": { path: async (f) => `/api/agents/${await f.throwawayAgent()}/revoke-links` },
  "POST /api/agents/:username/password-reset-link": { path: async (f) => `/api/agents/${await f.throwawayAgent()}/password-reset-link` },
  "POST /api/agents/:username/enable": { path: async (f) => `/api/agents/${await f.throwawayAgent()}/enable` },
  "POST /api/agents/:username/role": { path: async (f) => `/api/agents/${await f.throwawayAgent()}/role`, body: () => ({ role: "agent" }) },
  "POST /api/agents/:username/reset-second-factor": { path: async (f) => `/api/agents/${await f.throwawayAgent()}/reset-second-factor` },
  "POST /api/me/recovery-codes": { freshSession: true, body: () => ({ password: PASSWORD }) },
  "POST /api/me/push-subscriptions": { body: pushSubscriptionBody },
  // Each role removes a device of its own (others name a made-up one).
  "DELETE /api/me/push-subscriptions/:id": { path: ownPushDevice },
  "POST /api/auth/link": { body: () => ({ token: "forged-link-token-0123456789" }) },
  "POST /api/auth/link/accept": { body: () => ({ token: "forged-link-token-0123456789", password: "a long new password" }) },
  "PUT /api/settings": { body: () => ({ languages: ["tr", "en"] }) },
  "GET /api/inboxes/:id/settings": { path: () => "/api/inboxes/default/settings" },
  "PUT /api/inboxes/:id/settings": { path: () => "/api/inboxes/default/settings", body: () => ({ widget: { greeting: { tr: "Merhaba", en: "Hello" } } }) },
  "POST /api/canned-replies": { body: cannedBody },
  "PATCH /api/canned-replies/:id": { path: ownCannedReply, body: () => ({ text: "Changed" }) },
  "DELETE /api/canned-replies/:id": { path: ownCannedReply },
  "GET /api/contacts/:id": { path: async (f) => `/api/contacts/${await contactOfA(f)}` },
  "PATCH /api/contacts/:id": { path: async (f) => `/api/contacts/${await contactOfA(f)}`, body: () => ({ company: "Matrix Ltd" }) },
  "POST /api/contacts/:id/merge": { path: async (f) => `/api/contacts/${await throwawayContact(f)}/merge`, body: async (f) => ({ otherId: await throwawayContact(f) }) },
  "GET /api/contacts/:id/export": { path: async (f) => `/api/contacts/${await contactOfA(f)}/export` },
  // Each erase uses up a contact of no importance.
  "POST /api/contacts/:id/erase": {
    path: async (f) => {
      eraseTarget = await throwawayContact(f);
      return `/api/contacts/${eraseTarget}/erase`;
    },
    body: () => ({ confirm: eraseTarget }),
  },
  "POST /api/labels": { body: labelBody },
  "PATCH /api/labels/:id": { path: async (f) => `/api/labels/${await adminLabel(f)}`, body: () => ({ colour: "#000000" }) },
  "DELETE /api/labels/:id": { path: async (f) => `/api/labels/${await adminLabel(f)}` },
  "POST /api/conversations/:id/labels": { path: (f) => `/api/conversations/${f.visitorA.conversationId}/labels`, body: async (f) => ({ labelId: await adminLabel(f) }) },
  "DELETE /api/conversations/:id/labels/:labelId": { path: async (f) => `/api/conversations/${f.visitorA.conversationId}/labels/${await adminLabel(f)}` },
  "POST /api/webhooks": { body: webhookBody },
  "PATCH /api/webhooks/:id": { path: async (f) => `/api/webhooks/${await adminWebhook(f)}`, body: () => ({ enabled: false }) },
  "DELETE /api/webhooks/:id": { path: async (f) => `/api/webhooks/${await adminWebhook(f)}` },
  "POST /api/webhooks/:id/secret": { path: async (f) => `/api/webhooks/${await adminWebhook(f)}/secret` },
  "GET /api/webhooks/:id/deliveries": { path: async (f) => `/api/webhooks/${await adminWebhook(f)}/deliveries` },
  "POST /api/webhooks/:id/deliveries/:deliveryId/redeliver": { path: adminWebhookDelivery },
  "GET /api/inboxes/:id": { path: () => "/api/inboxes/default" },
  "POST /api/inboxes": { body: () => ({ name: "Second website" }) },
  "PATCH /api/inboxes/:id": { path: async (f) => `/api/inboxes/${await throwawayInbox(f)}`, body: () => ({ name: "Renamed website" }) },
  "DELETE /api/inboxes/:id": { path: async (f) => `/api/inboxes/${await throwawayInbox(f)}` },
  "PUT /api/inboxes/:id/members": { path: async (f) => `/api/inboxes/${await throwawayInbox(f)}/members`, body: (f) => ({ agentIds: [f.agent.id] }) },
  "POST /api/inboxes/:id/members": { path: async (f) => `/api/inboxes/${await throwawayInbox(f)}/members`, body: (f) => ({ agentId: f.agent.id }) },
  "DELETE /api/inboxes/:id/members/:agentId": { path: async (f) => `/api/inboxes/${await throwawayInbox(f)}/members/${f.agent.id}` },
  "GET /api/conversations/:id": { path: (f) => `/api/conversations/${f.visitorA.conversationId}` },
  "GET /api/conversations/:id/messages": { path: (f) => `/api/conversations/${f.visitorA.conversationId}/messages?beforeSeq=1000` },
  "GET /api/conversations/:id/timeline": { path: (f) => `/api/conversations/${f.visitorA.conversationId}/timeline` },
  "POST /api/conversations/:id/attachments": { path: (f) => `/api/conversations/${f.visitorA.conversationId}/attachments`, body: textFile },
  "GET /files/:id": { path: async (f, role) => `/files/${idOf(f.visitorA.fileLink)}?${await fileQuery(f, role)}` },
  "GET /api/calls/:id": { path: (f) => `/api/calls/${f.recordedCall.id}` },
  "GET /recordings/:id": { path: async (f, role) => `/recordings/${f.recordedCall.recordingId}?${await recordingQuery(f, role)}` },
  "POST /api/widget/attachments": { body: textFile },
  "POST /api/widget/callbacks": { body: () => ({ phone: "+90 532 111 22 33", note: "after 14:00" }) },
  "POST /api/callbacks/:id/done": { path: openCallback },
  "GET /api/reports": { path: () => "/api/reports?from=2026-11-26&to=2026-12-02" },
  "GET /api/reports/csv": { path: () => "/api/reports/csv?from=2026-11-26&to=2026-12-02&table=agents" },
  "GET /api/inboxes/:id/hours": { path: () => "/api/inboxes/default/hours" },
  // Hours stay off: closing the inbox would change what the call lines expect.
  "PUT /api/inboxes/:id/hours": { path: () => "/api/inboxes/default/hours", body: () => ({ enabled: false }) },
  "POST /api/api-tokens": { body: () => ({ name: "Matrix", scopes: ["contacts:read"] }) },
  "POST /api/api-tokens/:id/revoke": { path: async (f) => `/api/api-tokens/${await throwawayApiToken(f)}/revoke` },
  "GET /api/v1/conversations": { apiToken: true },
  "GET /api/v1/conversations/:id": { apiToken: true, path: (f) => `/api/v1/conversations/${f.visitorA.conversationId}` },
  "POST /api/v1/conversations/:id/resolve": { apiToken: true, path: (f) => `/api/v1/conversations/${f.visitorA.conversationId}/resolve` },
  "POST /api/v1/conversations/:id/reopen": { apiToken: true, path: (f) => `/api/v1/conversations/${f.visitorA.conversationId}/reopen` },
  "POST /api/v1/conversations/:id/assign": { apiToken: true, path: (f) => `/api/v1/conversations/${f.visitorA.conversationId}/assign`, body: (f) => ({ agentId: f.agent.id }) },
  "GET /api/v1/conversations/:id/messages": { apiToken: true, path: (f) => `/api/v1/conversations/${f.visitorA.conversationId}/messages` },
  "POST /api/v1/conversations/:id/messages": { apiToken: true, path: (f) => `/api/v1/conversations/${f.visitorA.conversationId}/messages`, body: () => ({ body: "hello from the API" }) },
  "GET /api/v1/contacts": { apiToken: true },
  "GET /api/v1/contacts/:id": { apiToken: true, path: async (f) => `/api/v1/contacts/${await contactOfA(f)}` },
  "PATCH /api/v1/contacts/:id": { apiToken: true, path: async (f) => `/api/v1/contacts/${await contactOfA(f)}`, body: () => ({ company: "Matrix API Ltd" }) },
  "GET /api/v1/calls": { apiToken: true },
  "GET /api/v1/calls/:id": { apiToken: true, path: (f) => `/api/v1/calls/${f.recordedCall.id}` },
  "GET /api/v1/canned-replies": { apiToken: true },
  "POST /api/v1/canned-replies": { apiToken: true, body: cannedBody },
  "PATCH /api/v1/canned-replies/:id": { apiToken: true, path: adminCannedReplyViaApi, body: () => ({ text: "Changed" }) },
  "DELETE /api/v1/canned-replies/:id": { apiToken: true, path: adminCannedReplyViaApi },
  "GET /widget/*": { path: () => "/widget/frame.html" },
  "GET /demo/*": { path: () => "/demo/demo.css" },
  "POST /telegram/webhook": { body: () => ({ update_id: 1 }) },
  "GET /telegram/app": { path: async (f) => `/telegram/app?call=${await f.queuedCallOfA()}` },
  // Telegram's initData is the credential, whatever else the request carries: a forged one is refused for all.
  "POST /api/telegram/app/session": { body: () => ({ initData: `user=%7B%22id%22%3A1%7D&auth_date=1&hash=${"0".repeat(64)}` }) },
  // The signed link is the credential, and it only leads to the console, which asks for a sign-in itself.
  "GET /telegram/call/:callId": {
    path: async (f) => {
      const link = new URL(browserCallLink(f.stage.deps.domain, await f.queuedCallOfA()));
      return `${link.pathname}${link.search}`;
    },
  },
  "GET /console/*": { path: () => "/console/inbox" },
  "GET /console/<built file>": { path: () => "/console/index.html" },
};

function headersFor(f: Fixture, role: Role, tokens: Partial<Record<Role, string>> = {}): Record<string, string> {
  switch (role) {
    case "anonymous":
      return {};
    case "visitorA":
      return { authorization: `Visitor ${f.visitorA.token}` };
    case "visitorB":
      return { authorization: `Visitor ${f.visitorB.token}` };
    case "agent":
      return { authorization: `Bearer ${tokens.agent ?? f.agent.token}` };
    case "admin":
      return { authorization: `Bearer ${tokens.admin ?? f.admin.token}` };
    case "disabled":
      return { authorization: `Bearer ${f.disabled.token}` };
  }
}

// ---- socket payloads: the resource named is visitor A's ----

type SocketPayload = (f: Fixture) => unknown | Promise<unknown>;
const candidate = { type: "candidate", candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host", sdpMid: "0", sdpMLineIndex: 0 } };
const SOCKET_PAYLOADS: Record<string, SocketPayload> = {
  "/visitor conversation:sync": () => ({}),
  "/visitor message:send": () => ({ clientId: newClientId(), body: "hello again" }),
  "/visitor profile:update": () => ({ name: "Ayşe" }),
  "/visitor typing": () => ({ typing: true }),
  "/visitor receipt": () => ({ seq: 1, kind: "read" }),
  "/visitor transcript:request": () => ({ email: "ayse@example.com" }),
  "/visitor call:start": () => ({ media: "audio" }),
  "/visitor call:hangup": async (f) => ({ callId: await f.queuedCallOfA() }),
  "/visitor call:signal": async (f) => ({ callId: await f.liveCallOfA(), signal: candidate }),
  "/visitor call:ice": async (f) => ({ callId: await f.queuedCallOfA() }),
  "/visitor call:media": async (f) => ({ callId: await f.liveCallOfA(), video: false }),
  "/visitor call:record": async (f) => ({ callId: await f.liveCallOfA(), sdp: "v=0" }),
  // Only a resolved conversation is rated: visitor A's is resolved first, visitor B may not rate it.
  "/visitor conversation:rate": async (f) => {
    await setConversationStatus(f.stage.deps.domain, f.visitorA.conversationId, "resolved");
    return { conversationId: f.visitorA.conversationId, score: 4, comment: "quick and kind" };
  },
  "/agent note:send": (f) => ({ conversationId: f.visitorA.conversationId, body: "a private note for the matrix" }),
  "/visitor call:resume": () => ({}),
  "/visitor call:rejoin": async (f) => ({ callId: await f.liveCallOfA() }),
  "/agent conversation:open": (f) => ({ conversationId: f.visitorA.conversationId }),
  "/agent message:send": (f) => ({ conversationId: f.visitorA.conversationId, clientId: newClientId(), body: "hello from the team" }),
  "/agent typing": (f) => ({ conversationId: f.visitorA.conversationId, typing: true }),
  "/agent receipt": (f) => ({ conversationId: f.visitorA.conversationId, seq: 1, kind: "read" }),
  "/agent conversation:assign": (f) => ({ conversationId: f.visitorA.conversationId, agentId: f.agent.id }),
  "/agent conversation:status": (f) => ({ conversationId: f.visitorA.conversationId, status: "open" }),
  "/agent calls:sync": () => ({}),
  "/agent status:set": () => ({ status: "online" }),
  "/agent call:accept": async (f) => ({ callId: await f.queuedCallOfA() }),
  "/agent call:open": async (f) => ({ callId: await f.queuedCallOfA() }),
  "/agent call:reject": async (f) => ({ callId: await f.queuedCallOfA() }),
  "/agent call:hangup": async (f) => ({ callId: await f.liveCallOfA() }),
  "/agent call:signal": async (f) => ({ callId: await f.liveCallOfA(), signal: candidate }),
  "/agent call:media": async (f) => ({ callId: await f.liveCallOfA(), video: false }),
  "/agent call:record": async (f) => ({ callId: await f.liveCallOfA(), sdp: "v=0" }),
  "/agent call:resume": () => ({}),
  "/agent call:rejoin": async (f) => ({ callId: await f.liveCallOfA() }),
};

// ---- the catalog, as table keys ----

/** The table line a catalog route belongs to: HEAD answers as GET does, a trailing slash as without, built console files as one. */
function lineOf(method: string, url: string): string {
  const path = url.length > 1 ? url.replace(/\/$/, "") : url;
  const builtConsoleFile = /^\/console\/[^*:]+\.\w+$/.test(path);
  return `${method === "HEAD" ? "GET" : method} ${builtConsoleFile ? "/console/<built file>" : path}`;
}

function expectations(line: string): Record<Role, string> {
  const cells = MATRIX[line]?.trim().split(/\s+/) ?? [];
  if (cells.length !== ROLES.length) throw new Error(`MATRIX line "${line}" needs ${ROLES.length} outcomes (${ROLES.join(", ")}), has ${cells.length}`);
  return Object.fromEntries(ROLES.map((role, i) => [role, cells[i]])) as Record<Role, string>;
}

describe.each(testDatabases())("access-control matrix on $name", (database: TestDatabase) => {
  let stage: SecurityStage;
  let f: Fixture;

  beforeAll(async () => {
    // The built console and widget register routes of their own, which the table expects.
    if (!existsSync(join(CONSOLE_DIR, "index.html"))) throw new Error("The access matrix needs the built web apps: run `npm run build` first.");
    stage = await startSecurityStage(database, { CALL_VISITOR_DAILY_LIMIT: "1000", CALL_DAILY_LIMIT: "100000" });
    f = await buildAccessFixture(stage);
  }, 60_000);
  afterAll(async () => {
    closeAccessFixture(f);
    await stage?.close();
  });

  it("has one line for every route of the catalog and every client event, and none for what is gone", () => {
    const routes = new Set(stage.app.routeCatalog.map((r) => lineOf(r.method, r.url)));
    const events = [
      ...[...VISITOR_CHAT_EVENTS, ...VISITOR_CALL_EVENTS, ...VISITOR_TIMELINE_EVENTS].map((e) => `/visitor ${e}`),
      ...[...new Set([...AGENT_CHAT_EVENTS, ...AGENT_CALL_EVENTS, ...AGENT_TIMELINE_EVENTS, ...AGENT_STATUS_EVENTS])].map((e) => `/agent ${e}`),
    ];
    const wanted = [...routes, ...events];
    const missing = wanted.filter((line) => !(line in MATRIX));
    const stale = Object.keys(MATRIX).filter((line) => !wanted.includes(line));
    expect(missing, `add a line to MATRIX in test/security/accessMatrix.test.ts for: ${missing.join(", ")}`).toEqual([]);
    expect(stale, `MATRIX lines for routes or events that no longer exist: ${stale.join(", ")}`).toEqual([]);
    for (const line of Object.keys(MATRIX)) expectations(line);
  });

  async function csrfPair(): Promise<Record<string, string>> {
    const res = await fetch(`${stage.url}/api/auth/csrf`);
    const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    return { cookie, "x-csrf-token": ((await res.json()) as { csrfToken: string }).csrfToken };
  }

  const httpLines = Object.keys(MATRIX).filter((line) => !line.startsWith("/"));
  it.each(httpLines)("%s", async (line) => {
    const [method = "GET", path = "/"] = line.split(" ");
    const how = HTTP_REQUESTS[line] ?? {};
    const expected = expectations(line);
    const before = stage.errors.length;
    const outcomes: Partial<Record<Role, string>> = {};
    for (const role of ROLES) {
      const tokens: Partial<Record<Role, string>> = {};
      if (how.freshSession && (role === "agent" || role === "admin")) tokens[role] = (await signedInAgent(stage, { admin: role === "admin" })).accessToken;
      const url = how.path ? await how.path(f, role) : path;
      const body = how.body ? await how.body(f, role) : method === "GET" || method === "DELETE" ? undefined : {};
      const headers: Record<string, string> = { ...headersFor(f, role, tokens), ...(how.csrf ? await csrfPair() : {}) };
      const apiToken = how.apiToken ? (await apiTokensOf(f))[role] : undefined;
      if (apiToken) headers.authorization = `Bearer ${apiToken}`;
      // A browser sends the media-session cookie to the media paths (recording links are bound to it).
      if (/^\/(recordings|files)\//.test(url) && (role === "agent" || role === "admin")) headers.cookie = f[role].mediaCookie;
      if (body !== undefined && !(body instanceof FormData)) headers["content-type"] = "application/json";
      const res = await fetch(`${stage.url}${url}`, {
        method,
        headers,
        redirect: "manual",
        ...(body === undefined ? {} : { body: body instanceof FormData ? body : JSON.stringify(body) }),
      });
      await res.arrayBuffer();
      outcomes[role] = String(res.status);
      if (method === "GET") {
        const head = await fetch(`${stage.url}${url}`, { method: "HEAD", headers, redirect: "manual" });
        if (head.status !== res.status) outcomes[role] = `${res.status} (HEAD ${head.status})`;
      }
    }
    expect(outcomes, `${line}: outcome per role`).toEqual(expected);
    expect(errorsSince(stage, before)).toEqual([]);
  }, 60_000);

  it("an upload can be sent only by whoever uploaded it: not by visitor B, not by an agent", async () => {
    const form = textFile();
    const res = await fetch(`${stage.url}/api/widget/attachments`, { method: "POST", headers: { authorization: `Visitor ${f.visitorA.token}` }, body: form });
    const { attachment } = (await res.json()) as { attachment: { id: string } };
    const sendAs = async (socket: Socket, extra: Record<string, unknown> = {}) =>
      (await socket.timeout(15_000).emitWithAck("message:send", { clientId: newClientId(), body: "", attachmentIds: [attachment.id], ...extra })) as Ack<unknown>;
    expect(await sendAs(f.visitorB.socket)).toMatchObject({ ok: false, error: { id: "attachment_invalid" } });
    expect(await sendAs(f.agent.socket, { conversationId: f.visitorB.conversationId })).toMatchObject({ ok: false, error: { id: "attachment_invalid" } });
    expect(await sendAs(f.visitorA.socket)).toMatchObject({ ok: true });
  });

  // ---- sockets ----

  /** The role's socket on a namespace: its own when it has one, else a handshake with the best it holds (refused). */
  async function socketFor(namespace: "/visitor" | "/agent", role: Role): Promise<Socket | "refused"> {
    if (namespace === "/visitor" && role === "visitorA") return f.visitorA.socket;
    if (namespace === "/visitor" && role === "visitorB") return f.visitorB.socket;
    if (namespace === "/agent" && role === "agent") return f.agent.socket;
    if (namespace === "/agent" && role === "admin") return f.admin.socket;
    const credential: Record<Role, string | undefined> = {
      anonymous: undefined,
      visitorA: f.visitorA.token,
      visitorB: f.visitorB.token,
      agent: f.agent.token,
      admin: f.admin.token,
      disabled: f.disabled.token,
    };
    const auth = credential[role] === undefined ? {} : namespace === "/visitor" ? { visitorToken: credential[role] } : { token: credential[role] };
    try {
      const socket = await openSocket(`${stage.url}${namespace}`, auth);
      socket.disconnect();
      return socket;
    } catch {
      return "refused";
    }
  }

  const socketLines = Object.keys(MATRIX).filter((line) => line.startsWith("/"));
  it.each(socketLines)("%s", async (line) => {
    const [namespace, event = ""] = line.split(" ") as ["/visitor" | "/agent", string];
    const payloadOf = SOCKET_PAYLOADS[line];
    if (!payloadOf) throw new Error(`add a payload for ${line} to SOCKET_PAYLOADS`);
    const expected = expectations(line);
    const before = stage.errors.length;
    const outcomes: Partial<Record<Role, string>> = {};
    for (const role of ROLES) {
      const socket = await socketFor(namespace, role);
      if (socket === "refused") {
        outcomes[role] = "refused";
        continue;
      }
      if (!socket.connected) {
        outcomes[role] = "connected with a credential that should be refused";
        continue;
      }
      const ack = (await socket.timeout(15_000).emitWithAck(event, await payloadOf(f))) as Ack<unknown>;
      outcomes[role] = ack.ok ? "ok" : ack.error.id;
    }
    expect(outcomes, `${line}: outcome per role`).toEqual(expected);
    expect(errorsSince(stage, before)).toEqual([]);
  }, 60_000);
});
