import { randomUUID } from "node:crypto";
import type { Migrator } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../../src/adapters/db/database.ts";
import { openWithMigrator, testDatabases } from "../../support/databases.ts";

// Migration 0003 sets "one live call per visitor and per agent" as unique indexes. A database that
// the old code left with two live calls of one visitor (or agent) must still migrate: the older
// ones end ("superseded"), the newest stays live. And it migrates back down cleanly.
describe.each(testDatabases())("migration 0003 (consent, one live call) on $name", (database) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let migrator: Migrator;

  beforeAll(async () => {
    ({ handle, migrator } = await openWithMigrator(database));
  });
  afterAll(() => handle?.dispose());

  it("ends all but the newest live call of a visitor and of an agent, then enforces one", async () => {
    // Back to the schema before 0003 (every later migration goes down too), where duplicates were possible.
    const down = await migrator.migrateTo("0002_recording_mix");
    expect(down.error).toBeUndefined();
    expect(down.results?.map((r) => [r.migrationName, r.status])).toContainEqual(["0003_call_consent_and_live_calls", "Success"]);

    const visitorId = randomUUID();
    const agentId = randomUUID();
    await handle.db
      .insertInto("visitors")
      .values({ id: visitorId, token_hash: randomUUID(), name: null, email: null, phone: null, language: null, user_agent: null, page_url: null, page_title: null, first_seen_at: 0, last_seen_at: 0, metadata: null })
      .execute();
    await handle.db
      .insertInto("agents")
      .values({ id: agentId, username: `old-${agentId.slice(0, 6)}`, name: "Old", password_hash: "x", role: "agent", telegram_chat_id: null, totp_secret: null, totp_pending_secret: null, totp_last_step: null, language: null, created_at: 0, updated_at: 0, disabled_at: null, last_login_at: null })
      .execute();
    const call = (createdAt: number, status: "queued" | "active", agent: string | null) => ({
      id: randomUUID(), visitor_id: visitorId, conversation_id: null, agent_id: agent, status, media: "audio" as const, recording_mode: "off" as const,
      created_at: createdAt, answered_at: status === "active" ? createdAt : null, ended_at: null, duration_ms: null, end_reason: null, mix_status: "skipped" as const,
    });
    const rows = [call(1000, "queued", null), call(2000, "active", agentId), call(3000, "queued", null)];
    // The same agent in two live calls, from another visitor's older call.
    const otherVisitor = randomUUID();
    await handle.db
      .insertInto("visitors")
      .values({ id: otherVisitor, token_hash: randomUUID(), name: null, email: null, phone: null, language: null, user_agent: null, page_url: null, page_title: null, first_seen_at: 0, last_seen_at: 0, metadata: null })
      .execute();
    const agentsOlder = { ...call(500, "active", agentId), visitor_id: otherVisitor };
    await handle.db.insertInto("calls").values([...rows, agentsOlder]).execute();

    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    const after = await handle.db.selectFrom("calls").select(["id", "status", "end_reason"]).execute();
    const statusOf = (id: string) => after.find((r) => r.id === id);
    expect(statusOf(rows[2]!.id)).toMatchObject({ status: "queued" });
    expect(statusOf(rows[0]!.id)).toMatchObject({ status: "ended", end_reason: "superseded" });
    expect(statusOf(rows[1]!.id)).toMatchObject({ status: "ended", end_reason: "superseded" });
    expect(statusOf(agentsOlder.id)).toMatchObject({ status: "active" });

    // From now on the database refuses a second live call of either.
    await expect(handle.db.insertInto("calls").values(call(4000, "queued", null)).execute()).rejects.toThrow();
    const thirdVisitor = randomUUID();
    await handle.db
      .insertInto("visitors")
      .values({ id: thirdVisitor, token_hash: randomUUID(), name: null, email: null, phone: null, language: null, user_agent: null, page_url: null, page_title: null, first_seen_at: 0, last_seen_at: 0, metadata: null })
      .execute();
    await expect(handle.db.insertInto("calls").values({ ...call(4000, "active", agentId), visitor_id: thirdVisitor }).execute()).rejects.toThrow();
    await handle.db.insertInto("calls").values({ ...call(4000, "queued", null), visitor_id: thirdVisitor }).execute();
  });
});
