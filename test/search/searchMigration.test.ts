import { randomUUID } from "node:crypto";
import type { Migrator } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, MIGRATIONS } from "../../src/adapters/db/database.ts";
import { searchInboxPage } from "../../src/domain/search/searchInbox.ts";
import { parseSearch } from "../../src/domain/search/query.ts";
import { openWithMigrator, testDatabases } from "../support/databases.ts";

// Migration 0010 indexes what was written before search existed, on both engines; deletes reach
// the index by cascade.
describe.each(testDatabases())("search migration 0010 on $name", (database) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let migrator: Migrator;

  beforeAll(async () => {
    ({ handle, migrator } = await openWithMigrator(database));
  });
  afterAll(() => handle?.dispose());

  // Both plans (hits first, and walking conversations as for a common word) give the same answer.
  const find = async (q: string) => {
    const terms = parseSearch(q);
    const filter = { status: "open", assignee: { kind: "all" }, limit: 50 } as const;
    const rare = await searchInboxPage(handle, filter, terms);
    const common = await searchInboxPage(handle, filter, terms, 1);
    expect(common).toEqual(rare);
    return rare.rows.map((row) => row.id);
  };

  it("backfills existing messages and visitors, and forgets deleted ones", async () => {
    const names = Object.keys(MIGRATIONS);
    const before = names[names.indexOf("0010_search") - 1]!;
    const down = await migrator.migrateTo(before);
    expect(down.error).toBeUndefined();

    const visitorId = randomUUID();
    const conversationId = randomUUID();
    await handle.db
      .insertInto("visitors")
      .values({ id: visitorId, token_hash: randomUUID(), name: "Işıl Öztürk", email: null, phone: null, language: null, user_agent: null, page_url: null, page_title: null, first_seen_at: 0, last_seen_at: 0, metadata: null })
      .execute();
    await handle.db
      .insertInto("conversations")
      .values({
        id: conversationId, visitor_id: visitorId, status: "open", assignee_id: null, page_url: null, last_seq: 2, last_message_at: 2, last_message_preview: null,
        last_message_author: "visitor", visitor_delivered_seq: 0, visitor_read_seq: 0, agent_delivered_seq: 0, agent_read_seq: 0, unread_for_agents: 0, created_at: 1, updated_at: 2, resolved_at: null,
      })
      .execute();
    const message = (seq: number, body: string) => ({ id: randomUUID(), conversation_id: conversationId, seq, client_id: randomUUID(), author_type: "visitor" as const, author_id: visitorId, body, via: "widget" as const, created_at: seq });
    await handle.db.insertInto("messages").values([message(1, "İADE talebim var"), message(2, "")]).execute();

    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    expect(await find("iade ")).toEqual([conversationId]);
    expect(await find("ISIL ")).toEqual([conversationId]);
    expect(await find("ozturk")).toEqual([conversationId]);
    expect(await handle.db.selectFrom("search_documents").select("message_id").where("conversation_id", "=", conversationId).execute()).toHaveLength(1);

    await handle.db.deleteFrom("messages").where("conversation_id", "=", conversationId).execute();
    expect(await find("iade ")).toEqual([]);
    expect(await find("isil ")).toEqual([conversationId]);
    await handle.db.deleteFrom("conversations").where("id", "=", conversationId).execute();
    await handle.db.deleteFrom("visitors").where("id", "=", visitorId).execute();
    expect(await find("isil ")).toEqual([]);
    expect(await handle.db.selectFrom("search_documents").select("id").execute()).toEqual([]);

    // And down again, cleanly.
    expect((await migrator.migrateTo(before)).error).toBeUndefined();
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
  });
});
