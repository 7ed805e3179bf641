import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import pino, { type Logger } from "pino";
import { buildApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import type { DatabaseHandle } from "../../src/adapters/db/database.ts";
import { type AgentRow, findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { type AppDeps, createDeps } from "../../src/deps.ts";
import { createAgent } from "../../src/domain/agents.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import type { Clock } from "../../src/domain/ports.ts";
import { startBackgroundJobs } from "../../src/jobs.ts";
import { openSqlite, type TestDatabase } from "./databases.ts";
import { FakeTelegram } from "./fakeTelegram.ts";

/** Real time plus a jump tests can make, to expire codes, tickets and tokens without waiting. */
export class ManualClock implements Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

export interface TestApp {
  app: FastifyInstance;
  deps: AppDeps;
  clock: ManualClock;
  close(): Promise<void>;
}

export async function startTestApp(options: {
  database: DatabaseHandle;
  telegram?: FakeTelegram;
  env?: Record<string, string>;
  /** Start the background jobs `main` starts (ring timeout, recording mixing and retention). */
  jobs?: boolean;
  /** The app's logger, for a test that reads what it logs. */
  log?: Logger;
}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), "destek-app-"));
  const config = loadConfig({
    ...(process.env.TEST_LOG ? { LOG_LEVEL: process.env.TEST_LOG } : {}),
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    AUTH_RATE_LIMIT_PER_MINUTE: "1000",
    // Every test client connects from 127.0.0.1, and parallel files share Redis: the per-address
    // limits are tested on their own (test/abuse, with addresses of their own) and kept out of the way here.
    VISITOR_HANDSHAKES_PER_MINUTE: "1000000",
    NEW_VISITORS_PER_HOUR: "1000000",
    NEW_CONVERSATIONS_PER_12H: "1000000",
    VISITOR_MESSAGES_PER_MINUTE: "1000000",
    CALLS_PER_ADDRESS_PER_DAY: "1000000",
    UPLOAD_MB_PER_DAY: "1000000",
    ...(options.telegram ? { TELEGRAM_BOT_TOKEN: options.telegram.token, TELEGRAM_API_ROOT: options.telegram.apiRoot } : {}),
    ...options.env,
  });
  const clock = new ManualClock();
  const deps = createDeps(config, { database: options.database, clock, log: options.log ?? pino({ level: process.env.TEST_LOG ?? "silent" }) });
  const app = await buildApp(deps);
  await app.ready();
  const jobs = options.jobs ? startBackgroundJobs(deps, app.io) : undefined;
  return {
    app,
    deps,
    clock,
    async close() {
      await jobs?.stop();
      await app.close();
      await deps.recorder.close();
      await deps.telegram?.stop();
      await deps.bus.close();
      await deps.redis?.quit();
      deps.bucket?.close();
    },
  };
}

/**
 * The app's deps alone on `database`, without the app or its background jobs: for tests that drive
 * the work themselves (no job may take it first).
 */
export function depsWithoutApp(database: DatabaseHandle, clock: Clock): AppDeps {
  return createDeps(loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), "destek-deps-")) }), { database, clock, log: pino({ level: "silent" }) });
}

export const PASSWORD = "correct horse battery";

export function addAgent(deps: AppDeps, username: string, extra: { telegramChatId?: string; admin?: boolean } = {}) {
  return createAgent(deps.domain, { type: "system" }, {
    username,
    name: `Agent ${username}`,
    password: PASSWORD,
    role: extra.admin ? "admin" : "agent",
    telegramChatId: extra.telegramChatId,
  });
}

/** Adds agent `username` and starts a session for them, as a sign-in would: their row and access token. */
export async function addAgentWithSession(deps: AppDeps, username: string, extra: { telegramChatId?: string; admin?: boolean } = {}): Promise<{ row: AgentRow; accessToken: string }> {
  await addAgent(deps, username, extra);
  const row = await findAgentByUsername(deps.domain.db, username);
  if (!row) throw new Error(`agent ${username} was not added`);
  const { accessToken } = await startSession(deps.domain, row, { ip: null, userAgent: null });
  return { row, accessToken };
}

/** Keeps the cookies a browser would, across inject() calls. */
export class CookieJar {
  private values = new Map<string, string>();
  take(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      const expired = cookie.maxAge === 0 || (cookie.expires && cookie.expires.getTime() < Date.now()) || cookie.value === "";
      if (expired) this.values.delete(cookie.name);
      else this.values.set(cookie.name, cookie.value);
    }
  }
  get(name: string): string | undefined {
    return this.values.get(name);
  }
  set(name: string, value: string): void {
    this.values.set(name, value);
  }
  header(): string {
    return [...this.values].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

export function codeFrom(text: string | undefined): string {
  const match = text?.match(/\b(\d{6})\b/);
  if (!match) throw new Error(`no code in ${text}`);
  return match[1]!;
}

export interface TestServer extends TestApp {
  /** http://127.0.0.1:<port> of the listening app. */
  url: string;
  telegram: FakeTelegram;
  /** The SQLite file the app runs on, for another process (the CLI) to open. */
  databaseFile: string;
}

/**
 * The usual setup of socket, Telegram and browser tests: a fresh SQLite file, a fake Bot API
 * server, the app listening on a free port. `close()` tears all of it down.
 */
export async function startTestServer(options: { env?: Record<string, string>; jobs?: boolean; log?: Logger } = {}): Promise<TestServer> {
  const telegram = await new FakeTelegram().start();
  const database = await openSqlite(options.log);
  const t = await startTestApp({ database, telegram, ...(options.env ? { env: options.env } : {}), jobs: options.jobs ?? false, ...(options.log ? { log: options.log } : {}) });
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  return {
    ...t,
    telegram,
    databaseFile: database.file,
    url: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`,
    async close() {
      await t.close();
      await telegram.stop();
      await database.dispose();
    },
  };
}

/** What startTestApp takes besides the database. */
type AppOnOptions = Omit<Parameters<typeof startTestApp>[0], "database">;

/** The app on a fresh database of `database` (either engine); `close()` disposes the database too. */
export async function startTestAppOn(database: TestDatabase, options: AppOnOptions = {}): Promise<TestApp> {
  const db = await database.open();
  const t = await startTestApp({ database: db, ...options });
  return {
    ...t,
    async close() {
      await t.close();
      await db.dispose();
    },
  };
}

export interface ListeningTestApp extends TestApp {
  /** http://127.0.0.1:<port> of the listening app. */
  url: string;
}

/** The usual setup of socket tests on either engine: startTestAppOn, listening on a free port. */
export async function startListeningApp(database: TestDatabase, options: AppOnOptions = {}): Promise<ListeningTestApp> {
  const t = await startTestAppOn(database, options);
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  return { ...t, url: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}` };
}
