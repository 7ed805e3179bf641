import { randomUUID } from "node:crypto";
import { type Migrator, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, MIGRATIONS } from "../../../src/adapters/db/database.ts";
import { openWithMigrator, testDatabases } from "../../support/databases.ts";

// Migration 0027 on both engines: conversations from before it get their first reply from the
// messages (an agent's earliest; none when no agent wrote), and it goes down and up again cleanly.
describe.each(testDatabases())("reports migration 0027 on $name", (database) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let migrator: Migrator;

  beforeAll(async () => {
    ({ handle, migrator } = await openWithMigrator(database));
  });
  afterAll(() => handle?.dispose());

  it("fills in first replies from the messages, and migrates down and up again", async () => {
    const names = Object.keys(MIGRATIONS);
    const before = names[names.indexOf("0027_reports") - 1] as string;
    expect((await migrator.migrateTo(before)).error).toBeUndefined();
    const visitor = randomUUID();
    await sql`insert into visitors (id, token_hash, first_seen_at, last_seen_at) values (${visitor}, ${randomUUID()}, 1, 1)`.execute(handle.db);
    const conversation = async (messages: Array<["visitor" | "agent", number]>) => {
      const id = randomUUID();
      await sql`insert into conversations (id, visitor_id, status, last_seq, last_message_at, visitor_delivered_seq, visitor_read_seq, agent_delivered_seq, agent_read_seq, unread_for_agents, created_at, updated_at)
        values (${id}, ${visitor}, 'open', ${messages.length}, 1000, 0, 0, 0, 0, 0, 1000, 1000)`.execute(handle.db);
      for (const [i, [author, at]] of messages.entries()) {
        await sql`insert into messages (id, conversation_id, seq, client_id, author_type, body, via, created_at) values (${randomUUID()}, ${id}, ${i + 1}, ${randomUUID()}, ${author}, 'x', 'widget', ${at})`.execute(handle.db);
      }
      return id;
    };
    const answered = await conversation([["visitor", 1000], ["visitor", 2000], ["agent", 5000], ["agent", 4000 + 5000]]);
    const waiting = await conversation([["visitor", 1000]]);

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const firstReply = async (id: string) => (await handle.db.selectFrom("conversations").select("first_reply_at").where("id", "=", id).executeTakeFirstOrThrow()).first_reply_at;
    expect(await firstReply(answered)).toBe(5000);
    expect(await firstReply(waiting)).toBeNull();

    expect((await migrator.migrateTo(before)).error).toBeUndefined();
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(await firstReply(answered)).toBe(5000);
  });
});
