import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect, SqliteDialect, type SqliteDialectConfig, sql } from "kysely";
import pg from "pg";
import pino, { type Logger } from "pino";
import type { Config } from "../../config.ts";
import { OutageLog } from "../outages.ts";
import { guardDialect } from "./guardedDialect.ts";
import * as initial from "./migrations/0001_initial.ts";
import * as recordingMix from "./migrations/0002_recording_mix.ts";
import * as callConsentAndLiveCalls from "./migrations/0003_call_consent_and_live_calls.ts";
import * as verifiedVisitors from "./migrations/0005_verified_visitors.ts";
import * as outboxOrder from "./migrations/0006_outbox_order.ts";
import * as recordingSegments from "./migrations/0007_recording_segments.ts";
import * as cannedReplies from "./migrations/0008_canned_replies.ts";
import * as teamAdmin from "./migrations/0009_team_admin.ts";
import * as search from "./migrations/0010_search.ts";
import * as email from "./migrations/0011_email.ts";
import * as conversationTimeline from "./migrations/0012_conversation_timeline.ts";
import * as accessLog from "./migrations/0022_access_log.ts";
import * as inboxes from "./migrations/0013_inboxes.ts";
import * as contacts from "./migrations/0016_contacts.ts";
import * as secureSearchDelete from "./migrations/0020_secure_search_delete.ts";
import * as agentStatus from "./migrations/0014_agent_status.ts";
import * as labels from "./migrations/0017_labels.ts";
import * as callbackRequests from "./migrations/0015_callback_requests.ts";
import * as retention from "./migrations/0021_retention.ts";
import * as consents from "./migrations/0023_consents.ts";
import * as apiTokens from "./migrations/0024_api_tokens.ts";
import * as webhooks from "./migrations/0025_webhooks.ts";
import * as push from "./migrations/0026_push.ts";
import * as reports from "./migrations/0027_reports.ts";
import * as searchBacklog from "./migrations/0028_search_backlog.ts";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;
export type DbKind = Config["database"]["kind"];

export interface DatabaseHandle {
  db: Db;
  kind: DbKind;
  /** PostgreSQL schema the tables live in, when not the default one. */
  schema?: string;
  /** SQLite's database file. */
  file?: string;
  close(): Promise<void>;
}

// PostgreSQL returns bigint (int8) and count(*) as strings; our values are epoch ms and counts,
// which fit in a double, so read them as numbers on both dialects.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * Opens the configured database. `schema` lets tests isolate themselves in a PostgreSQL schema;
 * `log` hears about outages (once each) and recoveries.
 */
export function openDatabase(config: Config["database"], options: { schema?: string; log?: Logger } = {}): DatabaseHandle {
  const outages = new OutageLog(options.log ?? pino({ level: "silent" }));
  if (config.kind === "sqlite") {
    mkdirSync(dirname(config.file), { recursive: true });
    const file = new SQLite(config.file);
    // WAL: readers never block the writer; NORMAL sync is durable across process crashes (not power loss).
    file.pragma("journal_mode = WAL");
    file.pragma("synchronous = NORMAL");
    file.pragma("foreign_keys = ON");
    file.pragma("busy_timeout = 5000");
    // Freed pages are overwritten with zeros, so erased text does not linger in the file (privacy);
    // the cost is a little more writing on deletes.
    file.pragma("secure_delete = ON");
    const db = new Kysely<Database>({ dialect: guardDialect(new SqliteDialect({ database: withStatementCache(file) }), outages, "sqlite") });
    return { db, kind: "sqlite", file: config.file, close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    max: 10,
    connectionTimeoutMillis: 5000,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle pooled connection that the server drops (restart, failover) emits `error` on the pool;
  // without a listener that would throw and take the process down. The pool replaces it by itself.
  pool.on("error", (err) => outages.lost("database", err));
  // A connection in use when it drops emits `error` on its client, where the pool listens only
  // while the client is idle: listen on every client for its whole life.
  pool.on("connect", (client) => client.on("error", (err) => outages.lost("database", err)));
  const db = new Kysely<Database>({ dialect: guardDialect(new PostgresDialect({ pool }), outages, "postgres") });
  return { db, kind: "postgres", ...(options.schema ? { schema: options.schema } : {}), close: () => db.destroy() };
}

/** How many prepared statements an SQLite connection keeps (distinct SQL texts, least recently used out). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query anew, and preparing (parsing and planning the SQL)
 * cost more than running most queries: a fifth of the server's CPU per chat message. Queries built
 * by Kysely have stable SQL texts with bound parameters, so a statement is kept per text and run
 * again. A statement still being iterated (a streamed query) is busy: a fresh one is made instead.
 */
function withStatementCache(file: SQLite.Database): SqliteDialectConfig["database"] {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close() {
      cache.clear();
      file.close();
    },
    prepare(text: string) {
      const cached = cache.get(text);
      if (cached && !cached.busy) {
        // Most recently used last, so the first key is the one to evict.
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = file.prepare(text);
      if (!cached) {
        cache.set(text, statement);
        if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      return statement;
    },
  };
}

/** Every migration by name, in order; exported for tests that migrate step by step. */
export const MIGRATIONS: Record<string, Migration> = {
  "0001_initial": initial,
  "0002_recording_mix": recordingMix,
  "0003_call_consent_and_live_calls": callConsentAndLiveCalls,
  "0005_verified_visitors": verifiedVisitors,
  "0006_outbox_order": outboxOrder,
  "0007_recording_segments": recordingSegments,
  "0008_canned_replies": cannedReplies,
  "0009_team_admin": teamAdmin,
  "0010_search": search,
  "0011_email": email,
  "0012_conversation_timeline": conversationTimeline,
  "0013_inboxes": inboxes,
  "0016_contacts": contacts,
  "0020_secure_search_delete": secureSearchDelete,
  "0014_agent_status": agentStatus,
  "0017_labels": labels,
  "0015_callback_requests": callbackRequests,
  "0021_retention": retention,
  "0022_access_log": accessLog,
  "0023_consents": consents,
  "0024_api_tokens": apiTokens,
  "0025_webhooks": webhooks,
  "0026_push": push,
  "0027_reports": reports,
  "0028_search_backlog": searchBacklog,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Applies every pending migration; returns the names applied. Safe to run on each start. */
export async function migrateToLatest({ db, schema }: Pick<DatabaseHandle, "db" | "schema">): Promise<string[]> {
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/**
 * Proves the database takes writes, for readiness: a read-only or full SQLite file still answers
 * `select 1`, and so does a PostgreSQL replica after a failover.
 */
export async function probeDatabaseWrites({ db, kind }: Pick<DatabaseHandle, "db" | "kind">): Promise<void> {
  if (kind === "sqlite") {
    // A row written and removed in one committed transaction reaches the WAL like any write (an
    // update that changes nothing would not). The migrator's lock table holds it for an instant;
    // the migrator only reads its own row.
    await db.transaction().execute(async (trx) => {
      await sql`insert into kysely_migration_lock (id, is_locked) values ('ready_probe', 0)`.execute(trx);
      await sql`delete from kysely_migration_lock where id = 'ready_probe'`.execute(trx);
    });
    return;
  }
  const { rows } = await sql<{ read_only: string }>`select current_setting('transaction_read_only') as read_only`.execute(db);
  if (rows[0]?.read_only !== "off") throw new Error("the database is read-only (a standby?)");
}
