import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Migrator } from "kysely";
import pg from "pg";
import type { Logger } from "pino";
import { type DatabaseHandle, MIGRATIONS, migrateToLatest, openDatabase } from "../../src/adapters/db/database.ts";

export interface TestDatabase {
  name: "sqlite" | "postgres";
  open(): Promise<DatabaseHandle & { dispose(): Promise<void> }>;
}

/**
 * The databases every data-layer test runs on: a real SQLite file always, and PostgreSQL when
 * TEST_DATABASE_URL is set. In CI a missing TEST_DATABASE_URL is an error, never a silent skip.
 */
export function testDatabases(): TestDatabase[] {
  const url = process.env.TEST_DATABASE_URL;
  if (!url && process.env.CI) throw new Error("CI must set TEST_DATABASE_URL so PostgreSQL tests run");
  const list: TestDatabase[] = [{ name: "sqlite", open: openSqlite }];
  if (url) list.push({ name: "postgres", open: () => openPostgres(url) });
  return list;
}

/**
 * A fresh database of `database` with a Migrator over destek's migrations, for the tests that take
 * it down to an older schema, write rows as the old code did, and migrate up again.
 */
export async function openWithMigrator(database: TestDatabase): Promise<{ handle: DatabaseHandle & { dispose(): Promise<void> }; migrator: Migrator }> {
  const handle = await database.open();
  const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => MIGRATIONS }, ...(handle.schema ? { migrationTableSchema: handle.schema } : {}) });
  return { handle, migrator };
}

export async function openSqlite(log?: Logger) {
  const dir = mkdtempSync(join(tmpdir(), "destek-test-"));
  const file = join(dir, "test.sqlite");
  const handle = openDatabase({ kind: "sqlite", file }, log ? { log } : {});
  await migrateToLatest(handle);
  return {
    ...handle,
    file,
    async dispose() {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh database per test file, so parallel workers never see each other's rows, and never each
 * other's tables either: Kysely's migrator looks at every schema of its database
 * (`has_schema_privilege` per schema), which fails when another test drops its schema meanwhile.
 */
async function openPostgres(url: string) {
  const fresh = await freshPostgresDatabase(url);
  const handle = openDatabase({ kind: "postgres", url: fresh.url });
  return {
    ...handle,
    async dispose() {
      await handle.close();
      await fresh.dispose();
    },
  };
}

/**
 * A fresh, migrated PostgreSQL database of its own on the server of `url`, for a test file or a
 * spawned destek process. `url` is the connection URL of the new database; dispose drops it.
 */
export async function freshPostgresDatabase(url: string): Promise<{ url: string; name: string; dispose(): Promise<void> }> {
  const name = `test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const own = new URL(url);
  own.pathname = `/${name}`;
  const handle = openDatabase({ kind: "postgres", url: own.toString() });
  await migrateToLatest(handle);
  await handle.close();
  return {
    url: own.toString(),
    name,
    async dispose() {
      // Connections a test left open (a killed child process) must not keep the database alive.
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
