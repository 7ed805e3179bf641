import { randomUUID } from "node:crypto";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexAllNotedMessages } from "../../src/adapters/db/repositories/searchIndex.ts";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { listAudit } from "../../src/adapters/db/repositories/audit.ts";
import { insertCall } from "../../src/adapters/db/repositories/calls.ts";
import { setConversationStatus } from "../../src/domain/chat/conversations.ts";
import { identityHash, identitySecret } from "../../src/domain/chat/identity.ts";
import type { ConversationSummary, MessageView } from "../../src/protocol/chat.ts";
import type { ContactDetail, ContactList } from "../../src/protocol/contacts.ts";
import { newClientId, newVisitorToken, nextEvent, openSocket, request } from "../support/chatClients.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { type ListeningTestApp, startListeningApp, addAgentWithSession } from "../support/testApp.ts";

// Contacts over HTTP on both engines: the list and its search, editing with stable validation ids,
// the audit log, and a merge that moves everything of one person to the other, including a widget
// that is connected while it happens.

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

describe.each(testDatabases())("contacts on $name", (database: TestDatabase) => {
  let t: ListeningTestApp;
  let url = "";
  const tokens = { admin: "", ayse: "" };
  const sockets: Socket[] = [];

  const call = (who: keyof typeof tokens, method: "GET" | "POST" | "PATCH", path: string, payload?: object) =>
    t.app.inject({ method, url: path, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
  const errorOf = (res: { statusCode: number; json(): unknown }) => ({ status: res.statusCode, id: (res.json() as { error: { id: string } }).error.id });
  const contact = async (id: string) => {
    const res = await call("ayse", "GET", `/api/contacts/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { contact: ContactDetail }).contact;
  };
  const list = async (query = "") => {
    const res = await call("ayse", "GET", `/api/contacts${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as ContactList;
  };
  const visitorIdOf = async (conversationId: string) =>
    (await t.deps.domain.db.selectFrom("conversations").select("visitor_id").where("id", "=", conversationId).executeTakeFirstOrThrow()).visitor_id;

  /** A widget that leaves an e-mail address and writes; returns its token, socket, conversation and visitor. */
  async function person(email: string, text: string) {
    const token = newVisitorToken();
    const socket = await openSocket(`${url}/visitor`, { visitorToken: token, language: "en" });
    sockets.push(socket);
    await request(socket, "profile:update", { email });
    const { message } = await request<{ message: MessageView }>(socket, "message:send", { clientId: newClientId(), body: text });
    return { token, socket, conversationId: message.conversationId, visitorId: await visitorIdOf(message.conversationId) };
  }

  beforeAll(async () => {
    t = await startListeningApp(database);
    url = t.url;
    for (const name of ["admin", "ayse"] as const) {
      tokens[name] = (await addAgentWithSession(t.deps, name, { admin: name === "admin" })).accessToken;
    }
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t?.close();
  });

  it("edits a contact, keeps the search in step and writes a light audit entry", async () => {
    const zeynep = await person("zeynep@example.com", "Siparişim nerede?");
    // A console sees the new name on the conversation at once.
    const console = await openSocket(`${url}/agent`, { token: tokens.ayse });
    sockets.push(console);
    const renamed = nextEvent<ConversationSummary>(console, "conversation:updated", (c) => c.id === zeynep.conversationId && c.visitor.name === "Zeynep Kaya");
    const res = await call("ayse", "PATCH", `/api/contacts/${zeynep.visitorId}`, { name: "Zeynep Kaya", company: "Işık Ltd", phone: "+90 555 123 45 67", notes: "Prefers e-mail." });
    expect(res.statusCode, res.body).toBe(200);
    const edited = (res.json() as { contact: ContactDetail }).contact;
    expect(edited).toMatchObject({ name: "Zeynep Kaya", company: "Işık Ltd", phone: "+90 555 123 45 67", notes: "Prefers e-mail.", email: "zeynep@example.com", conversationCount: 1 });
    expect(edited.conversations.map((c) => c.id)).toEqual([zeynep.conversationId]);
    await renamed;

    // The company is searchable at once, Turkish dotless ı folded like the rest of search.
    expect((await list("?q=ISIK")).contacts.map((c) => c.id)).toEqual([zeynep.visitorId]);
    expect((await list("?q=zeynep%20kaya")).contacts.map((c) => c.id)).toEqual([zeynep.visitorId]);
    expect((await list("?q=nobody-like-this")).contacts).toEqual([]);

    // An empty value clears a field.
    const cleared = await call("ayse", "PATCH", `/api/contacts/${zeynep.visitorId}`, { company: "" });
    expect((cleared.json() as { contact: ContactDetail }).contact.company).toBeNull();
    expect((await list("?q=isik")).contacts).toEqual([]);

    const entries = await listAudit(t.deps.domain.db, { limit: 10, action: "contact.update" });
    expect(entries.map((e) => [e.target_id, JSON.parse(e.details ?? "{}").fields])).toEqual([
      [zeynep.visitorId, ["company"]],
      [zeynep.visitorId, ["name", "phone", "company", "notes"]],
    ]);
    // Values are not copied into the log: notes may be personal.
    expect(entries.some((e) => e.details?.includes("Prefers"))).toBe(false);
  });

  it("refuses bad edits with stable ids", async () => {
    const mert = await person("mert@example.com", "Hello");
    const patch = (body: object, id = mert.visitorId) => call("ayse", "PATCH", `/api/contacts/${id}`, body);
    expect(errorOf(await patch({ email: "not an address" }))).toEqual({ status: 400, id: "invalid_email" });
    expect(errorOf(await patch({ phone: "call me maybe" }))).toEqual({ status: 400, id: "invalid_phone" });
    expect(errorOf(await patch({ company: "x".repeat(201) }))).toEqual({ status: 400, id: "invalid_request" });
    expect(errorOf(await patch({ notes: "n".repeat(4001) }))).toEqual({ status: 400, id: "invalid_request" });
    expect(errorOf(await patch({ favouriteColour: "blue" }))).toEqual({ status: 400, id: "invalid_request" });
    expect(errorOf(await patch({ name: 42 }))).toEqual({ status: 400, id: "invalid_request" });
    expect(errorOf(await patch({ name: "a\u0000b" }))).toEqual({ status: 400, id: "invalid_request" });
    expect(errorOf(await patch({ name: "X" }, "not-a-uuid"))).toEqual({ status: 400, id: "invalid_request" });
    expect(errorOf(await patch({ name: "X" }, randomUUID()))).toEqual({ status: 404, id: "contact_not_found" });
    expect(errorOf(await call("ayse", "GET", "/api/contacts?cursor=garbage"))).toEqual({ status: 400, id: "invalid_cursor" });
    expect((await contact(mert.visitorId)).email).toBe("mert@example.com");
  });

  it("pages the list, most recently seen first", async () => {
    const first = await list("?limit=1");
    expect(first.contacts).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await list(`?limit=1&cursor=${first.nextCursor}`);
    expect(second.contacts).toHaveLength(1);
    expect(second.contacts[0]?.id).not.toBe(first.contacts[0]?.id);
    expect(Date.parse(second.contacts[0]!.lastSeenAt)).toBeLessThanOrEqual(Date.parse(first.contacts[0]!.lastSeenAt));
  });

  it("merges a duplicate: conversations, calls, ratings, uploads, search and the widget's token move to the primary", async () => {
    const primary = await person("deniz@example.com", "First device asks about the invoice");
    const secondary = await person("deniz@example.com", "Second device: kargomuz gecikti");
    await call("ayse", "PATCH", `/api/contacts/${secondary.visitorId}`, { company: "Deniz Kargo", notes: "VIP" });
    // A rated conversation, a call with recording consent, and an upload not yet sent, all of the secondary.
    await setConversationStatus(t.deps.domain, secondary.conversationId, "resolved");
    await request(secondary.socket, "conversation:rate", { conversationId: secondary.conversationId, score: 5 });
    const callId = randomUUID();
    const now = t.deps.domain.clock.now();
    await insertCall(t.deps.domain.db, {
      id: callId, visitor_id: secondary.visitorId, conversation_id: secondary.conversationId, agent_id: null, status: "ended", media: "audio",
      recording_mode: "audio", created_at: now, answered_at: now, ended_at: now + 60_000, duration_ms: 60_000, end_reason: "caller_hung_up",
      consent_mode: "audio", consent_at: now, consent_version: "v1",
    });
    const form = new FormData();
    form.append("file", new Blob([PNG]), "dot.png");
    const upload = await fetch(`${url}/api/widget/attachments`, { method: "POST", headers: { authorization: `Visitor ${secondary.token}` }, body: form });
    expect(upload.status).toBe(201);
    const attachmentId = ((await upload.json()) as { attachment: { id: string } }).attachment.id;

    expect((await contact(primary.visitorId)).duplicates.map((d) => d.id)).toEqual([secondary.visitorId]);

    // Agents may look and edit; merging is for admins.
    expect(errorOf(await call("ayse", "POST", `/api/contacts/${primary.visitorId}/merge`, { otherId: secondary.visitorId }))).toEqual({ status: 403, id: "admin_only" });
    expect(errorOf(await call("admin", "POST", `/api/contacts/${primary.visitorId}/merge`, { otherId: primary.visitorId }))).toEqual({ status: 400, id: "merge_same_contact" });
    expect(errorOf(await call("admin", "POST", `/api/contacts/${primary.visitorId}/merge`, {}))).toEqual({ status: 400, id: "invalid_request" });

    const res = await call("admin", "POST", `/api/contacts/${primary.visitorId}/merge`, { otherId: secondary.visitorId });
    expect(res.statusCode, res.body).toBe(200);
    const merged = (res.json() as { contact: ContactDetail }).contact;
    expect(merged.conversations.map((c) => c.id).sort()).toEqual([primary.conversationId, secondary.conversationId].sort());
    expect(merged).toMatchObject({ company: "Deniz Kargo", notes: "VIP", email: "deniz@example.com", duplicates: [], deviceCount: 2 });
    expect(merged.calls).toMatchObject([{ id: callId, consent: { mode: "audio", version: "v1" } }]);
    expect(merged.ratings).toMatchObject([{ conversationId: secondary.conversationId, score: 5 }]);

    // The secondary is gone from the list and answers where it went.
    const gone = await call("ayse", "GET", `/api/contacts/${secondary.visitorId}`);
    expect(errorOf(gone)).toEqual({ status: 404, id: "contact_merged" });
    expect((await list("?q=deniz")).contacts.map((c) => c.id)).toEqual([primary.visitorId]);
    // The secondary's message words find the primary's contact and conversation.
    expect((await list("?q=kargo")).contacts.map((c) => c.id)).toEqual([primary.visitorId]);
    await indexAllNotedMessages(t.deps.domain.db);
    const docs = await t.deps.domain.db.selectFrom("search_documents").select("visitor_id").where("conversation_id", "=", secondary.conversationId).execute();
    expect(docs.map((d) => d.visitor_id)).toEqual([primary.visitorId]);
    const attachment = await t.deps.domain.db.selectFrom("attachments").select("uploaded_by").where("id", "=", attachmentId).executeTakeFirstOrThrow();
    expect(attachment.uploaded_by).toBe(`visitor:${primary.visitorId}`);

    // The console's audit log names the kept contact.
    const log = await call("admin", "GET", "/api/audit?action=contact.merge");
    expect((log.json() as { entries: Array<{ target: { name: string | null } }> }).entries[0]?.target.name).toBe("deniz@example.com");
    const [entry] = await listAudit(t.deps.domain.db, { limit: 1, action: "contact.merge" });
    const admin = (await findAgentByUsername(t.deps.domain.db, "admin"))!;
    expect(entry).toMatchObject({ actor_type: "agent", actor_id: admin.id, target_id: primary.visitorId });
    expect(JSON.parse(entry?.details ?? "{}")).toMatchObject({ primary: { id: primary.visitorId }, secondary: { id: secondary.visitorId, email: "deniz@example.com" } });

    // The secondary's widget, still connected, now writes as the primary, with the upload it made before.
    const { message } = await request<{ message: MessageView }>(secondary.socket, "message:send", { clientId: newClientId(), body: "still me", attachmentIds: [attachmentId] });
    expect(await visitorIdOf(message.conversationId)).toBe(primary.visitorId);
    // And its token opens the primary on a new connection.
    secondary.socket.close();
    const again = await openSocket(`${url}/visitor`, { visitorToken: secondary.token, language: "en" });
    sockets.push(again);
    const { message: later } = await request<{ message: MessageView }>(again, "message:send", { clientId: newClientId(), body: "back again" });
    expect(await visitorIdOf(later.conversationId)).toBe(primary.visitorId);
    expect((await contact(primary.visitorId)).deviceCount).toBe(2);
  });

  it("shows a signed-in user's devices on one contact, with the chat a device had before signing in", async () => {
    const secret = identitySecret(t.deps.domain);
    const userId = `site-user-${randomUUID()}`;
    const identity = { userId, userHash: identityHash(secret, userId), name: "Kaan Aydın", email: "kaan@example.com" };
    const laptop = await openSocket(`${url}/visitor`, { visitorToken: newVisitorToken(), language: "en", identity });
    sockets.push(laptop);
    const { message: signedIn } = await request<{ message: MessageView }>(laptop, "message:send", { clientId: newClientId(), body: "signed in on my laptop" });
    // The phone chats anonymously first, then signs in on the site.
    const phoneToken = newVisitorToken();
    const phone = await openSocket(`${url}/visitor`, { visitorToken: phoneToken, language: "en" });
    const { message: before } = await request<{ message: MessageView }>(phone, "message:send", { clientId: newClientId(), body: "anonymous on my phone" });
    phone.close();
    const again = await openSocket(`${url}/visitor`, { visitorToken: phoneToken, language: "en", identity });
    sockets.push(again);

    const kaan = await contact(await visitorIdOf(signedIn.conversationId));
    expect(kaan).toMatchObject({ verified: true, deviceCount: 2, name: "Kaan Aydın" });
    expect(kaan.conversations.map((c) => c.id).sort()).toEqual([signedIn.conversationId, before.conversationId].sort());
    // The retired anonymous visitor is not a contact of its own.
    expect((await list("?q=kaan")).contacts.map((c) => [c.id, c.conversationCount])).toEqual([[kaan.id, 2]]);
    expect(errorOf(await call("ayse", "GET", `/api/contacts/${await visitorIdOf(before.conversationId)}`))).toEqual({ status: 404, id: "contact_merged" });
  });

  it("refuses to merge two signed-in users of the site, and a merged contact twice", async () => {
    const a = await person("one@example.com", "a");
    const b = await person("two@example.com", "b");
    for (const id of [a.visitorId, b.visitorId]) await t.deps.domain.db.updateTable("visitors").set({ external_id: `site-${randomUUID()}` }).where("id", "=", id).execute();
    expect(errorOf(await call("admin", "POST", `/api/contacts/${a.visitorId}/merge`, { otherId: b.visitorId }))).toEqual({ status: 409, id: "merge_two_verified" });
    const c = await person("three@example.com", "c");
    expect((await call("admin", "POST", `/api/contacts/${a.visitorId}/merge`, { otherId: c.visitorId })).statusCode).toBe(200);
    expect(errorOf(await call("admin", "POST", `/api/contacts/${b.visitorId}/merge`, { otherId: c.visitorId }))).toEqual({ status: 404, id: "contact_merged" });
    expect(errorOf(await call("admin", "POST", `/api/contacts/${randomUUID()}/merge`, { otherId: b.visitorId }))).toEqual({ status: 404, id: "contact_not_found" });

    // A contact waiting in the call queue is merged after the call.
    const d = await person("four@example.com", "d");
    const now = t.deps.domain.clock.now();
    await insertCall(t.deps.domain.db, {
      id: randomUUID(), visitor_id: d.visitorId, conversation_id: null, agent_id: null, status: "queued", media: "audio",
      recording_mode: "off", created_at: now, answered_at: null, ended_at: null, duration_ms: null, end_reason: null,
    });
    expect(errorOf(await call("admin", "POST", `/api/contacts/${b.visitorId}/merge`, { otherId: d.visitorId }))).toEqual({ status: 409, id: "contact_in_call" });
    expect((await contact(d.visitorId)).conversations).toHaveLength(1);
  });

  it("merges a pair asked both ways at once only once, never into each other", async () => {
    const x = await person("twice@example.com", "x");
    const y = await person("twice@example.com", "y");
    const results = await Promise.all([
      call("admin", "POST", `/api/contacts/${x.visitorId}/merge`, { otherId: y.visitorId }),
      call("admin", "POST", `/api/contacts/${y.visitorId}/merge`, { otherId: x.visitorId }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 404]);
    expect(errorOf(results.find((r) => r.statusCode === 404)!).id).toBe("contact_merged");
    const rows = await t.deps.domain.db.selectFrom("visitors").select(["id", "merged_into"]).where("id", "in", [x.visitorId, y.visitorId]).execute();
    expect(rows.filter((r) => r.merged_into === null)).toHaveLength(1);
    const kept = rows.find((r) => r.merged_into === null)!;
    expect((await contact(kept.id)).conversations).toHaveLength(2);
  });

  it("shows an agent only the conversations of their own inboxes on a contact page", async () => {
    const now = Date.now();
    await t.deps.domain.db.insertInto("inboxes").values({ id: "second-site", name: "Second site", settings: "{}", created_at: now, updated_at: now }).execute();
    const token = newVisitorToken();
    const onDefault = await openSocket(`${url}/visitor`, { visitorToken: token, language: "en" });
    const onSecond = await openSocket(`${url}/visitor`, { visitorToken: token, language: "en", inbox: "second-site" });
    sockets.push(onDefault, onSecond);
    const first = await request<{ message: MessageView }>(onDefault, "message:send", { clientId: newClientId(), body: "On the first site" });
    const second = await request<{ message: MessageView }>(onSecond, "message:send", { clientId: newClientId(), body: "On the second site" });
    const visitorId = await visitorIdOf(first.message.conversationId);
    // Ayşe is a member of the default inbox only; the admin sees every inbox.
    expect((await contact(visitorId)).conversations.map((c) => c.id)).toEqual([first.message.conversationId]);
    const asAdmin = (await call("admin", "GET", `/api/contacts/${visitorId}`)).json() as { contact: { conversations: Array<{ id: string }> } };
    expect(asAdmin.contact.conversations.map((c) => c.id).sort()).toEqual([first.message.conversationId, second.message.conversationId].sort());
  });
});
