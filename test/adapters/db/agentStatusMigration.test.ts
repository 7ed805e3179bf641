import { randomUUID } from "node:crypto";
import { type Migrator, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, MIGRATIONS } from "../../../src/adapters/db/database.ts";
import { openWithMigrator, testDatabases } from "../../support/databases.ts";

// Migration 0014 on both engines: agents who existed before status did are "online" (nothing
// changes for them), and it goes down and up again cleanly.
describe.each(testDatabases())("agent status migration 0014 on $name", (database) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let migrator: Migrator;

  beforeAll(async () => {
    ({ handle, migrator } = await openWithMigrator(database));
  });
  afterAll(() => handle?.dispose());

  it("starts existing agents online, and migrates down and up again", async () => {
    const names = Object.keys(MIGRATIONS);
    const before = names[names.indexOf("0014_agent_status") - 1] as string;
    expect((await migrator.migrateTo(before)).error).toBeUndefined();
    const id = randomUUID();
    await sql`insert into agents (id, username, name, password_hash, role, created_at, updated_at) values (${id}, ${`old${id.slice(0, 6)}`}, 'Old', 'x', 'agent', 1, 1)`.execute(handle.db);

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const row = await handle.db
      .selectFrom("agents")
      .select(["status", "status_changed_at", "last_auto_assigned_at", "unavailable_since"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "online", status_changed_at: null, last_auto_assigned_at: null, unavailable_since: null });

    expect((await migrator.migrateTo(before)).error).toBeUndefined();
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect((await handle.db.selectFrom("agents").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status).toBe("online");
  });
});
