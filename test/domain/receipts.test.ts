import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/db/database.ts";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { findConversation, insertVisitor, type VisitorRow } from "../../src/adapters/db/repositories/chat.ts";
import { loadConfig } from "../../src/config.ts";
import { type AppDeps, createDeps } from "../../src/deps.ts";
import { recordAgentReceipt, recordVisitorReceipt } from "../../src/domain/chat/conversations.ts";
import { sendAgentMessage, sendVisitorMessage } from "../../src/domain/chat/messages.ts";
import { testDatabases } from "../support/databases.ts";
import { addAgent, ManualClock } from "../support/testApp.ts";

// Two consoles (or two widget tabs) report how far they read, in any order: the stored position
// only ever moves forward.
describe.each(testDatabases())("read positions on $name", (database) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let deps: AppDeps;

  beforeAll(async () => {
    handle = await database.open();
    deps = createDeps(loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), "destek-receipts-")), NEW_CONVERSATIONS_PER_12H: "1000" }), { database: handle, clock: new ManualClock(), log: pino({ level: "silent" }) });
    await addAgent(deps, "reader");
  });
  afterAll(() => handle?.dispose());

  async function conversationWith(visitorMessages: number, agentMessages: number) {
    const visitor: VisitorRow = {
      id: randomUUID(), token_hash: randomUUID(), name: null, email: null, phone: null, language: null, user_agent: null,
      page_url: null, page_title: null, first_seen_at: 0, last_seen_at: 0, metadata: null, external_id: null,
      company: null, notes: null, merged_into: null, merged_at: null,
    };
    await insertVisitor(handle.db, visitor);
    let conversationId = "";
    for (let i = 0; i < visitorMessages; i++) {
      const sent = await sendVisitorMessage(deps.domain, visitor, { clientId: randomUUID(), body: `question ${i}`, attachmentIds: [], origin: { address: "127.0.0.1" } });
      conversationId = sent.message.conversationId;
    }
    const agent = (await findAgentByUsername(handle.db, "reader"))!;
    for (let i = 0; i < agentMessages; i++) {
      await sendAgentMessage(deps.domain, agent, { conversationId, clientId: randomUUID(), body: `answer ${i}`, attachmentIds: [], via: "console" });
    }
    return { visitor, conversationId };
  }

  it("keeps the higher of two agent receipts that arrive out of order", async () => {
    for (let round = 0; round < 5; round++) {
      const { conversationId } = await conversationWith(6, 0);
      await Promise.all([recordAgentReceipt(deps.domain, conversationId, 6, "read"), recordAgentReceipt(deps.domain, conversationId, 2, "read")]);
      const stored = (await findConversation(handle.db, conversationId))!;
      expect(stored).toMatchObject({ agent_read_seq: 6, agent_delivered_seq: 6, unread_for_agents: 0 });
      // A late, lower receipt from the other console moves nothing.
      await recordAgentReceipt(deps.domain, conversationId, 3, "delivered");
      await recordAgentReceipt(deps.domain, conversationId, 1, "read");
      expect(await findConversation(handle.db, conversationId)).toMatchObject({ agent_read_seq: 6, agent_delivered_seq: 6, unread_for_agents: 0 });
    }
  });

  it("keeps the higher of two visitor receipts that arrive out of order", async () => {
    for (let round = 0; round < 5; round++) {
      const { visitor, conversationId } = await conversationWith(1, 5);
      await Promise.all([recordVisitorReceipt(deps.domain, visitor, 6, "read"), recordVisitorReceipt(deps.domain, visitor, 3, "read")]);
      expect(await findConversation(handle.db, conversationId)).toMatchObject({ visitor_read_seq: 6, visitor_delivered_seq: 6 });
      await recordVisitorReceipt(deps.domain, visitor, 2, "delivered");
      expect(await findConversation(handle.db, conversationId)).toMatchObject({ visitor_read_seq: 6, visitor_delivered_seq: 6 });
    }
  });
});
