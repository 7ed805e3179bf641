import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import type { Config } from "../../config.ts";
import * as initial from "./migrations/0001_initial.ts";
import * as recordingMix from "./migrations/0002_recording_mix.ts";
import * as outboxOrder from "./migrations/0006_outbox_order.ts";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;
export type DbKind = Config["database"]["kind"];

export interface DatabaseHandle {
  db: Db;
  kind: DbKind;
  /** PostgreSQL schema the tables live in, when not the default one. */
  schema?: string;
  close(): Promise<void>;
}

// PostgreSQL returns bigint (int8) and count(*) as strings; our values are epoch ms and counts,
// which fit in a double, so read them as numbers on both dialects.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** Opens the configured database. `schema` lets tests isolate themselves in a PostgreSQL schema. */
export function openDatabase(config: Config["database"], options: { schema?: string } = {}): DatabaseHandle {
  if (config.kind === "sqlite") {
    mkdirSync(dirname(config.file), { recursive: true });
    const file = new SQLite(config.file);
    // WAL: readers never block the writer; NORMAL sync is durable across process crashes (not power loss).
    file.pragma("journal_mode = WAL");
    file.pragma("synchronous = NORMAL");
    file.pragma("foreign_keys = ON");
    file.pragma("busy_timeout = 5000");
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
    return { db, kind: "sqlite", close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    max: 10,
    connectionTimeoutMillis: 5000,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: "postgres", ...(options.schema ? { schema: options.schema } : {}), close: () => db.destroy() };
}

const migrations: Record<string, Migration> = {
  "0001_initial": initial,
  "0002_recording_mix": recordingMix,
  "0006_outbox_order": outboxOrder,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Applies every pending migration; returns the names applied. Safe to run on each start. */
export async function migrateToLatest({ db, schema }: Pick<DatabaseHandle, "db" | "schema">): Promise<string[]> {
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** A cheap round trip, for readiness checks. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
