import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { Logger } from "pino";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../../src/adapters/db/database.ts";

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

/** A fresh schema per test file, so parallel workers never see each other's rows. */
async function openPostgres(url: string) {
  const schema = `test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const handle = openDatabase({ kind: "postgres", url }, { schema });
  await migrateToLatest(handle);
  return {
    ...handle,
    async dispose() {
      await handle.close();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    },
  };
}

/**
 * A fresh, migrated PostgreSQL schema and a connection URL whose sessions use it, for a spawned
 * destek process: its rows stay out of every other test's way. Migrated here, naming the schema:
 * a process that only has the search path would see other tests' migration tables (Kysely looks
 * for them in every schema) and never create its own.
 */
export async function postgresSchemaUrl(url: string): Promise<{ url: string; name: string; dispose(): Promise<void> }> {
  const schema = `test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const handle = openDatabase({ kind: "postgres", url }, { schema });
  await migrateToLatest(handle);
  await handle.close();
  const withSchema = new URL(url);
  withSchema.searchParams.set("options", `-c search_path=${schema}`);
  return {
    url: withSchema.toString(),
    name: schema,
    async dispose() {
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    },
  };
}
