import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername, type AgentRow } from "../../src/adapters/db/repositories/agents.ts";
import { insertVisitor } from "../../src/adapters/db/repositories/chat.ts";
import { insertWebhook } from "../../src/adapters/db/repositories/webhooks.ts";
import { startWebhookJob, type WebhookJob } from "../../src/adapters/webhooks/webhookJob.ts";
import { postWebhook } from "../../src/adapters/webhooks/webhookSender.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import { encryptSecret } from "../../src/domain/auth/secrets.ts";
import { sendVisitorMessage } from "../../src/domain/chat/messages.ts";
import { loadConfig } from "../../src/config.ts";
import { checkWebhookUrl, isPrivateAddress } from "../../src/domain/webhooks/webhookAddress.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";
import { WebhookReceiver } from "../support/webhookReceiver.ts";

// Webhook URLs may not reach the server's own machine or private network (SSRF) unless
// WEBHOOK_ALLOW_PRIVATE is set: refused when saved (literal addresses, local names), and refused at
// each delivery after resolving the name, so a public-looking name that resolves to 127.0.0.1 posts nothing.

describe("which addresses count as private", () => {
  it.each([
    "127.0.0.1", "127.255.255.254", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1", "fc00::abcd", "::ffff:127.0.0.1", "::ffff:7f00:1",
    "::ffff:10.0.0.1", "64:ff9b::a00:1", "ff02::1", "not-an-address",
  ])("%s is private", (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });
  it.each(["8.8.8.8", "1.1.1.1", "172.32.0.1", "192.169.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])("%s is public", (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it("reads WEBHOOK_ALLOW_PRIVATE as a flag, off by default", () => {
    expect(loadConfig({}).webhooks).toEqual({ allowPrivate: false });
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: "true" }).webhooks).toEqual({ allowPrivate: true });
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE: "sometimes" })).toThrow(/WEBHOOK_ALLOW_PRIVATE must be true or false/);
  });

  it("refuses private URLs when saved, unless allowed", () => {
    for (const url of [
      "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://LOCALHOST./hook", "http://api.localhost/hook", "http://[::1]/hook",
      "http://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data", "http://[::ffff:127.0.0.1]/hook", "http://2130706433/hook",
      "http://0x7f.1/hook", "http://printer.local/hook", "http://db.internal/hook",
    ]) {
      expect(() => checkWebhookUrl(url, false), url).toThrow(expect.objectContaining({ id: "webhook_url_private" }));
      expect(() => checkWebhookUrl(url, true), url).not.toThrow();
    }
    expect(checkWebhookUrl("https://hooks.example.com/destek", false)).toBe("https://hooks.example.com/destek");
  });
});

describe("one try of a delivery", () => {
  it("gives up on a receiver that does not answer within the time limit, and follows no redirect", async () => {
    const sockets = new Set<import("node:net").Socket>();
    const silent = createServer((request, response) => {
      if (request.url === "/redirect") response.writeHead(307, { location: "http://169.254.169.254/" }).end("moved");
      // Otherwise: never answers.
    });
    silent.on("connection", (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const post = { body: "{}", secret: "s", deliveryId: randomUUID(), event: "message.created", timestamp: 1 };
    try {
      const started = Date.now();
      const slow = await postWebhook({ ...post, url: `${base}/hook` }, { timeoutMs: 300, allowPrivate: true });
      expect(slow).toEqual({ status: null, snippet: null, error: "timed out after 0.3 s" });
      expect(Date.now() - started).toBeLessThan(5000);
      const moved = await postWebhook({ ...post, url: `${base}/redirect` }, { timeoutMs: 5000, allowPrivate: true });
      expect(moved).toEqual({ status: 307, snippet: "moved", error: "HTTP 307" });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe.each(testDatabases())("webhook address rules on $name", (database: TestDatabase) => {
  let t: TestApp;
  let dispose: () => Promise<void>;
  let admin: AgentRow;
  let receiver: WebhookReceiver;
  let job: WebhookJob | undefined;

  const call = async (method: "POST" | "PATCH", url: string, payload: object) => {
    const token = (await startSession(t.deps.domain, admin, { ip: null, userAgent: null })).accessToken;
    return t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload });
  };

  beforeAll(async () => {
    const db = await database.open();
    dispose = db.dispose;
    t = await startTestApp({ database: db });
    await addAgent(t.deps, "admin", { admin: true });
    admin = (await findAgentByUsername(t.deps.domain.db, "admin"))!;
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    await job?.stop();
    await receiver?.stop();
    await t?.close();
    await dispose?.();
  });

  it("refuses a webhook URL pointing at a loopback or private address, on create and on edit", async () => {
    for (const url of [receiver.url, "http://localhost:9/x", "http://[::1]/x", "http://192.168.0.10/x", "http://169.254.169.254/x"]) {
      const res = await call("POST", "/api/webhooks", { url, events: ["message.created"] });
      expect({ url, status: res.statusCode, id: (res.json() as { error?: { id: string } }).error?.id }).toEqual({ url, status: 400, id: "webhook_url_private" });
    }
    const created = await call("POST", "/api/webhooks", { url: "https://hooks.example.com/destek", events: ["message.created"] });
    expect(created.statusCode, created.body).toBe(201);
    const { webhook } = created.json() as { webhook: { id: string } };
    const edited = await call("PATCH", `/api/webhooks/${webhook.id}`, { url: "http://127.0.0.1:3000/api" });
    expect(edited.statusCode).toBe(400);
    expect((edited.json() as { error: { id: string } }).error.id).toBe("webhook_url_private");
    await t.deps.domain.db.deleteFrom("webhooks").execute();
  });

  it("posts nothing to a name that resolves to a loopback address, nor to one saved before the rule", async () => {
    // `localhost` resolves to 127.0.0.1 or ::1: the lookup is checked, and the post never leaves.
    const byName = await postWebhook(
      { url: receiver.url.replace("127.0.0.1", "localhost"), body: "{}", secret: "s", deliveryId: randomUUID(), event: "message.created", timestamp: 1 },
      { timeoutMs: 10_000, allowPrivate: false },
    );
    expect(byName).toMatchObject({ status: null, error: expect.stringMatching(/private or loopback/) });

    // A webhook stored while private addresses were allowed: the job refuses it at delivery time.
    const now = t.deps.domain.clock.now();
    const webhookId = randomUUID();
    await insertWebhook(t.deps.domain.db, {
      id: webhookId, url: receiver.url, events: JSON.stringify(["message.created"]), secret: encryptSecret(t.deps.domain.keys.webhookSecrets, "whsec_test"),
      enabled: 1, created_at: now, updated_at: now,
    });
    job = startWebhookJob(t.deps, { idleMs: 20, timeoutMs: 10_000 });
    const visitorId = randomUUID();
    await insertVisitor(t.deps.domain.db, {
      id: visitorId, token_hash: randomUUID(), name: "V", email: null, phone: null, language: null, user_agent: null, page_url: null, page_title: null,
      first_seen_at: now, last_seen_at: now, metadata: null,
    });
    const visitor = (await t.deps.domain.db.selectFrom("visitors").selectAll().where("id", "=", visitorId).executeTakeFirstOrThrow());
    await sendVisitorMessage(t.deps.domain, visitor, { clientId: randomUUID(), body: "hello", attachmentIds: [], origin: { address: "127.0.0.1" } });
    await expect
      .poll(async () => (await t.deps.domain.db.selectFrom("webhook_deliveries").select(["last_error", "lease_owner"]).where("webhook_id", "=", webhookId).executeTakeFirst())?.last_error ?? null, { timeout: 15_000, interval: 25 })
      .toMatch(/private or loopback/);
    expect(receiver.received).toEqual([]);
  });
});
