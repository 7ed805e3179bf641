import { randomUUID } from "node:crypto";
import type { Migrator } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../../src/adapters/db/database.ts";
import { openWithMigrator, testDatabases } from "../../support/databases.ts";

// Migration 0013 brings inboxes. An install from before it keeps working as it did: every
// conversation and call lands in the default inbox, and every agent becomes its member, so
// nobody loses sight of anything. It migrates back down cleanly too.
describe.each(testDatabases())("migration 0013 (inboxes) on $name", (database) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let migrator: Migrator;

  beforeAll(async () => {
    ({ handle, migrator } = await openWithMigrator(database));
  });
  afterAll(() => handle?.dispose());

  it("moves existing conversations, calls and agents into the default inbox", async () => {
    const down = await migrator.migrateTo("0012_conversation_timeline");
    expect(down.error).toBeUndefined();
    expect(down.results?.map((r) => [r.migrationName, r.status])).toContainEqual(["0013_inboxes", "Success"]);

    const agentIds = [randomUUID(), randomUUID()];
    await handle.db
      .insertInto("agents")
      .values(
        agentIds.map((id, i) => ({
          id, username: `old${i}-${id.slice(0, 6)}`, name: `Old ${i}`, password_hash: "x", role: i === 0 ? ("admin" as const) : ("agent" as const),
          telegram_chat_id: null, totp_secret: null, totp_pending_secret: null, totp_last_step: null, language: null, created_at: i, updated_at: i, disabled_at: null, last_login_at: null,
        })),
      )
      .execute();
    const visitorId = randomUUID();
    await handle.db
      .insertInto("visitors")
      .values({ id: visitorId, token_hash: randomUUID(), name: null, email: null, phone: null, language: null, user_agent: null, page_url: null, page_title: null, first_seen_at: 0, last_seen_at: 0, metadata: null })
      .execute();
    const conversationId = randomUUID();
    await handle.db
      .insertInto("conversations")
      .values({
        id: conversationId, visitor_id: visitorId, status: "open", assignee_id: null, page_url: null, last_seq: 0, last_message_at: 1, last_message_preview: null,
        last_message_author: null, visitor_delivered_seq: 0, visitor_read_seq: 0, agent_delivered_seq: 0, agent_read_seq: 0, unread_for_agents: 0, created_at: 1, updated_at: 1, resolved_at: null,
      })
      .execute();
    const callId = randomUUID();
    await handle.db
      .insertInto("calls")
      .values({
        id: callId, visitor_id: visitorId, conversation_id: conversationId, agent_id: null, status: "ended", media: "audio", recording_mode: "off",
        created_at: 2, answered_at: null, ended_at: 3, duration_ms: null, end_reason: "missed", mix_status: "skipped",
      })
      .execute();

    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();

    const inboxes = await handle.db.selectFrom("inboxes").select(["id", "name"]).execute();
    expect(inboxes).toEqual([{ id: "default", name: "Website" }]);
    const conversation = await handle.db.selectFrom("conversations").select("inbox_id").where("id", "=", conversationId).executeTakeFirstOrThrow();
    expect(conversation.inbox_id).toBe("default");
    const call = await handle.db.selectFrom("calls").select("inbox_id").where("id", "=", callId).executeTakeFirstOrThrow();
    expect(call.inbox_id).toBe("default");
    const members = await handle.db.selectFrom("inbox_members").select(["inbox_id", "agent_id"]).orderBy("agent_id").execute();
    expect(members).toEqual([...agentIds].sort().map((agent_id) => ({ inbox_id: "default", agent_id })));
  });
});
