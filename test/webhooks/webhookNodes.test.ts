import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentRow, findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { insertVisitor, type VisitorRow } from "../../src/adapters/db/repositories/chat.ts";
import { startWebhookJob, type WebhookJob } from "../../src/adapters/webhooks/webhookJob.ts";
import { sendVisitorMessage } from "../../src/domain/chat/messages.ts";
import { createWebhook } from "../../src/domain/webhooks/webhooks.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";
import { WebhookReceiver } from "../support/webhookReceiver.ts";

// Two nodes on one database, each running the webhook job: every delivery is claimed by one node
// and posted once, and each conversation's events still arrive in order, whichever node posts them.

// Nodes of one deployment share SECRET_KEY: the signing secrets are sealed under a key derived from it.
const SHARED_SECRET = "webhook-nodes-test-secret-0123456789abcdef";

describe.each(testDatabases())("webhook deliveries across two nodes on $name", (database: TestDatabase) => {
  let dispose: () => Promise<void>;
  const nodes: TestApp[] = [];
  const jobs: WebhookJob[] = [];
  let receiver: WebhookReceiver;
  let admin: AgentRow;

  beforeAll(async () => {
    const db = await database.open();
    dispose = db.dispose;
    for (let i = 0; i < 2; i++) nodes.push(await startTestApp({ database: db, env: { WEBHOOK_ALLOW_PRIVATE: "true", SECRET_KEY: SHARED_SECRET } }));
    const [first] = nodes;
    if (!first) throw new Error("no node");
    await addAgent(first.deps, "admin", { admin: true });
    admin = (await findAgentByUsername(first.deps.domain.db, "admin"))!;
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    for (const job of jobs) await job.stop();
    for (const node of nodes) await node.close();
    await receiver?.stop();
    await dispose?.();
  });

  it("posts each delivery once, in order per conversation, with both nodes working", async () => {
    const [a, b] = nodes as [TestApp, TestApp];
    const webhook = await createWebhook(a.deps.domain, { type: "agent", agentId: admin.id, sessionId: "s", role: "admin" }, { url: receiver.url, events: ["message.created"] }, { allowPrivate: true });
    receiver.secret = webhook.secret;
    for (const node of nodes) jobs.push(startWebhookJob(node.deps, { idleMs: 5, timeoutMs: 10_000, concurrency: 4 }));

    // Visitors write through either node, a few messages each.
    const visitors: VisitorRow[] = [];
    for (let i = 0; i < 6; i++) {
      const row: VisitorRow = {
        id: randomUUID(), token_hash: randomUUID(), name: `V${i}`, email: null, phone: null, language: null, user_agent: null, page_url: null,
        page_title: null, first_seen_at: 0, last_seen_at: 0, metadata: null, external_id: null, company: null, notes: null, merged_into: null, merged_at: null,
      };
      await insertVisitor(a.deps.domain.db, row);
      visitors.push(row);
    }
    const perVisitor = 5;
    for (let n = 1; n <= perVisitor; n++) {
      for (const [i, visitor] of visitors.entries()) {
        const node = i % 2 === 0 ? a : b;
        await sendVisitorMessage(node.deps.domain, visitor, { clientId: randomUUID(), body: `${visitor.name} #${n}`, attachmentIds: [], origin: { address: "127.0.0.1" } });
      }
    }
    const total = visitors.length * perVisitor;
    await expect.poll(() => receiver.received.length, { timeout: 30_000, interval: 25 }).toBe(total);
    expect(new Set(receiver.received.map((r) => r.deliveryId)).size).toBe(total);
    expect(receiver.received.filter((r) => !r.signatureValid).map((r) => r.deliveryId)).toEqual([]);
    for (const visitor of visitors) {
      const bodies = receiver.received.map((r) => (r.payload.event === "message.created" ? r.payload.data.message.body : "")).filter((body) => body.startsWith(`${visitor.name} #`));
      expect(bodies).toEqual(Array.from({ length: perVisitor }, (_, n) => `${visitor.name} #${n + 1}`));
    }
    // The receiver answers before the worker marks the row delivered: wait for the last marks.
    const rows = () => a.deps.domain.db.selectFrom("webhook_deliveries").select(["status", "attempts"]).execute();
    await expect.poll(async () => (await rows()).filter((row) => row.status !== "delivered"), { timeout: 30_000 }).toEqual([]);
    expect(await rows()).toHaveLength(total);
    expect((await rows()).filter((row) => row.attempts !== 1)).toEqual([]);
    expect(receiver.received).toHaveLength(total);
  }, 60_000);
});
