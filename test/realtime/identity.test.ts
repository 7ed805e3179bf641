import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { constantTimeEqual } from "../../src/domain/auth/secrets.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import { identityHash } from "../../src/domain/chat/identity.ts";
import type { ConversationSummary, MessageView, VisitorConversationView } from "../../src/protocol/chat.ts";
import { newClientId, newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { addAgent, startTestApp } from "../support/testApp.ts";

// The real comparison runs; the spy only proves the signature check goes through it.
vi.mock("../../src/domain/auth/secrets.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/domain/auth/secrets.ts")>();
  return { ...real, constantTimeEqual: vi.fn(real.constantTimeEqual) };
});

type Sync = { conversation: VisitorConversationView | null; messages: MessageView[]; agentsOnline: boolean };
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

async function startIdentityApp(database: TestDatabase, env: Record<string, string> = {}) {
  const db = await database.open();
  const t = await startTestApp({ database: db, env });
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const secret = (await import("../../src/domain/chat/identity.ts")).identitySecret(t.deps.domain);
  const sockets: Socket[] = [];
  return {
    t,
    url,
    secret,
    claim: (userId: string, extra: { name?: string; email?: string } = {}) => ({ userId, userHash: identityHash(secret, userId), ...extra }),
    async visitor(auth: Record<string, unknown>) {
      const socket = await openSocket(`${url}/visitor`, { language: "en", ...auth });
      sockets.push(socket);
      return socket;
    },
    /** The id the server refused a handshake with. */
    async refusal(auth: Record<string, unknown>): Promise<string> {
      const error = await openSocket(`${url}/visitor`, { language: "en", ...auth }).then(
        (socket) => {
          sockets.push(socket);
          throw new Error("the handshake was accepted");
        },
        (failure: Error) => failure,
      );
      return error.message;
    },
    upload(token: string, headers: Record<string, string> = {}) {
      const form = new FormData();
      form.append("file", new Blob([PNG]), "dot.png");
      return fetch(`${url}/api/widget/attachments`, { method: "POST", headers: { authorization: `Visitor ${token}`, ...headers }, body: form });
    },
    closeSockets() {
      for (const socket of sockets.splice(0)) socket.close();
    },
    async close() {
      for (const socket of sockets.splice(0)) socket.close();
      await t.close();
      await db.dispose();
    },
  };
}

describe.each(testDatabases())("identity verification of signed-in site users on $name", (database: TestDatabase) => {
  let s: Awaited<ReturnType<typeof startIdentityApp>>;
  let agentAuth: Record<string, string>;

  beforeAll(async () => {
    s = await startIdentityApp(database);
    await addAgent(s.t.deps, "irmak");
    const agent = (await findAgentByUsername(s.t.deps.domain.db, "irmak"))!;
    agentAuth = { authorization: `Bearer ${(await startSession(s.t.deps.domain, agent, { ip: null, userAgent: null })).accessToken}` };
  });
  afterEach(() => s.closeSockets());
  afterAll(() => s.close());

  const inbox = async () =>
    (await s.t.app.inject({ method: "GET", url: "/api/conversations?status=open", headers: agentAuth })).json().conversations as ConversationSummary[];

  it("marks a verified visitor for agents, with the name and e-mail the site gave", async () => {
    const userId = `user-${randomUUID()}`;
    const widget = await s.visitor({ visitorToken: newVisitorToken(), identity: s.claim(userId, { name: "Selin Kaya", email: "Selin@Example.com" }) });
    const { message } = await request<{ message: MessageView }>(widget, "message:send", { clientId: newClientId(), body: "I am signed in" });
    const listed = (await inbox()).find((c) => c.lastMessage?.body === "I am signed in");
    expect(listed?.visitor).toMatchObject({ name: "Selin Kaya", email: "selin@example.com", verified: true });
    expect(message.author.name).toBe("Selin Kaya");

    const anonymous = await s.visitor({ visitorToken: newVisitorToken() });
    await request(anonymous, "message:send", { clientId: newClientId(), body: "I am anonymous" });
    expect((await inbox()).find((c) => c.lastMessage?.body === "I am anonymous")?.visitor.verified).toBe(false);
  });

  it("refuses a bad signature with identity_invalid, through a constant-time comparison; the visitor may go on anonymously", async () => {
    const userId = `user-${randomUUID()}`;
    const token = newVisitorToken();
    const forged = { userId, userHash: identityHash("not the secret", userId) };
    vi.mocked(constantTimeEqual).mockClear();
    expect(await s.refusal({ visitorToken: token, identity: forged })).toBe("identity_invalid");
    expect(constantTimeEqual).toHaveBeenCalledWith(identityHash(s.secret, userId), forged.userHash);
    // Malformed claims are refused the same way, never a server error.
    for (const identity of [{ userId }, { userId: 42, userHash: forged.userHash }, "user", { userId: "", userHash: "00" }]) {
      expect(await s.refusal({ visitorToken: token, identity })).toBe("identity_invalid");
    }
    const widget = await s.visitor({ visitorToken: token });
    expect(await request<Sync>(widget, "conversation:sync", { afterSeq: 0 })).toMatchObject({ conversation: null, messages: [] });
  });

  it("keeps one history across devices: a second token of the same verified user sees the first one's conversation", async () => {
    const userId = `user-${randomUUID()}`;
    const phone = await s.visitor({ visitorToken: newVisitorToken(), identity: s.claim(userId) });
    const { message } = await request<{ message: MessageView }>(phone, "message:send", { clientId: newClientId(), body: "sent from my phone" });
    const phoneSync = await request<Sync>(phone, "conversation:sync", { afterSeq: 0 });

    const laptopToken = newVisitorToken();
    const laptop = await s.visitor({ visitorToken: laptopToken, identity: s.claim(userId) });
    const laptopSync = await request<Sync>(laptop, "conversation:sync", { afterSeq: 0 });
    expect(laptopSync.conversation?.id).toBe(phoneSync.conversation?.id);
    expect(laptopSync.messages.map((m) => m.id)).toEqual([message.id]);
    const reply = await request<{ message: MessageView }>(laptop, "message:send", { clientId: newClientId(), body: "and now from my laptop" });
    expect(reply.message.seq).toBe(2);
    expect((await inbox()).filter((c) => c.id === phoneSync.conversation?.id)).toHaveLength(1);

    // The laptop's uploads belong to the same contact, with the signature in the headers.
    const upload = await s.upload(laptopToken, { "x-destek-user-id": encodeURIComponent(userId), "x-destek-user-hash": s.claim(userId).userHash });
    expect(upload.status).toBe(201);
  });

  it("never opens one user's history to another user, or to the same token without the signature", async () => {
    const alice = `alice-${randomUUID()}`;
    const bob = `bob-${randomUUID()}`;
    const aliceToken = newVisitorToken();
    const widget = await s.visitor({ visitorToken: aliceToken, identity: s.claim(alice) });
    await request(widget, "message:send", { clientId: newClientId(), body: "alice's secret" });
    widget.close();

    // Bob, validly signed, on a fresh device: nothing of Alice's.
    const bobs = await s.visitor({ visitorToken: newVisitorToken(), identity: s.claim(bob) });
    expect(await request<Sync>(bobs, "conversation:sync", { afterSeq: 0 })).toMatchObject({ conversation: null, messages: [] });
    // Alice's device token with Bob's signature, or with none (the site signed her out), is refused.
    expect(await s.refusal({ visitorToken: aliceToken, identity: s.claim(bob) })).toBe("identity_invalid");
    expect(await s.refusal({ visitorToken: aliceToken })).toBe("identity_invalid");
    expect((await s.upload(aliceToken)).status).toBe(401);
    // Alice's user id with Bob's signature is not Alice.
    expect(await s.refusal({ visitorToken: newVisitorToken(), identity: { userId: alice, userHash: s.claim(bob).userHash } })).toBe("identity_invalid");
  });

  it("shows the identity secret to admins only", async () => {
    await addAgent(s.t.deps, "yonetici", { admin: true });
    const admin = (await findAgentByUsername(s.t.deps.domain.db, "yonetici"))!;
    const adminAuth = { authorization: `Bearer ${(await startSession(s.t.deps.domain, admin, { ip: null, userAgent: null })).accessToken}` };
    const shown = await s.t.app.inject({ method: "GET", url: "/api/settings/identity", headers: adminAuth });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toEqual({ secret: s.secret, required: false });
    expect(s.secret).toMatch(/^[0-9a-f]{64}$/);

    const agent = await s.t.app.inject({ method: "GET", url: "/api/settings/identity", headers: agentAuth });
    expect(agent.statusCode).toBe(403);
    expect(agent.json().error.id).toBe("admin_only");
    const anonymous = await s.t.app.inject({ method: "GET", url: "/api/settings/identity" });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe.each(testDatabases())("IDENTITY_REQUIRED=true on $name", (database: TestDatabase) => {
  let s: Awaited<ReturnType<typeof startIdentityApp>>;
  beforeAll(async () => {
    s = await startIdentityApp(database, { IDENTITY_REQUIRED: "true" });
  });
  afterAll(() => s.close());

  it("refuses anonymous and unverified visitors with identity_required, and lets verified ones chat and upload", async () => {
    const userId = `user-${randomUUID()}`;
    const token = newVisitorToken();
    expect(await s.refusal({ visitorToken: token })).toBe("identity_required");
    expect(await s.refusal({ visitorToken: token, identity: { userId, userHash: identityHash("guess", userId) } })).toBe("identity_required");
    const refusedUpload = await s.upload(token);
    expect(refusedUpload.status).toBe(401);
    expect(((await refusedUpload.json()) as { error: { id: string } }).error.id).toBe("identity_required");

    const widget = await s.visitor({ visitorToken: token, identity: s.claim(userId) });
    const { message } = await request<{ message: MessageView }>(widget, "message:send", { clientId: newClientId(), body: "verified" });
    expect(message.seq).toBe(1);
    const headers = { "x-destek-user-id": encodeURIComponent(userId), "x-destek-user-hash": s.claim(userId).userHash };
    expect((await s.upload(token, headers)).status).toBe(201);
  });
});
