import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/adapters/db/database.ts";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import { freshPostgresDatabase } from "./databases.ts";
import { DestekProcess, freePort, killAllDestek, waitFor } from "./process.ts";
import { addAgent, startTestApp, type TestApp } from "./testApp.ts";

/** Whether the cluster tests can run: PostgreSQL and Redis from the environment (CI must set both). */
export function clusterUrls(): { pgUrl: string; redisUrl: string } | undefined {
  const pgUrl = process.env.TEST_DATABASE_URL;
  const redisUrl = process.env.TEST_REDIS_URL;
  if (process.env.CI && (!pgUrl || !redisUrl)) throw new Error("CI must set TEST_DATABASE_URL and TEST_REDIS_URL for the failover tests");
  return pgUrl && redisUrl ? { pgUrl, redisUrl } : undefined;
}

/** The per-address limits of a spawned node, out of the way: every client of a test is 127.0.0.1. */
const GENEROUS_LIMITS = {
  VISITOR_HANDSHAKES_PER_MINUTE: "1000000",
  NEW_VISITORS_PER_HOUR: "1000000",
  NEW_CONVERSATIONS_PER_12H: "1000000",
  VISITOR_MESSAGES_PER_MINUTE: "1000000",
  CALLS_PER_ADDRESS_PER_DAY: "1000000",
  AUTH_RATE_LIMIT_PER_MINUTE: "1000",
};

/** One spawned `destek serve` of a cluster, with its port and log. */
export interface Node {
  name: string;
  port: number;
  url: string;
  process: DestekProcess;
  /** The JSON log lines the process printed so far. */
  log(): Array<Record<string, unknown> & { msg?: string }>;
}

/**
 * Two (or more) real `destek serve` processes on one fresh PostgreSQL database, one Redis and one
 * files directory, as "Scaling out" in the README runs them; plus an in-test app on the same
 * database (never listening) for fixtures: agents and sessions. Nodes can be killed and started again.
 */
export class Cluster {
  readonly dataDir = mkdtempSync(join(tmpdir(), "destek-failover-"));
  readonly secret = randomUUID() + randomUUID();
  readonly nodes: Node[] = [];
  private database: Awaited<ReturnType<typeof freshPostgresDatabase>> | undefined;
  fixtures!: TestApp;

  constructor(
    private readonly urls: { pgUrl: string; redisUrl: string },
    private readonly env: Record<string, string> = {},
  ) {}

  async open(): Promise<this> {
    this.database = await freshPostgresDatabase(this.urls.pgUrl);
    this.fixtures = await startTestApp({ database: openDatabase({ kind: "postgres", url: this.database.url }), env: { SECRET_KEY: this.secret } });
    return this;
  }

  get databaseUrl(): string {
    return this.database?.url ?? "";
  }

  /** Starts node `name` on `port` (a fresh one by default) and waits until it answers /health. */
  async start(name: string, port?: number): Promise<Node> {
    const own = port ?? (await freePort());
    const proc = new DestekProcess(["serve"], {
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.urls.redisUrl,
      SECRET_KEY: this.secret,
      DATA_DIR: this.dataDir,
      HOST: "127.0.0.1",
      PORT: String(own),
      LOG_LEVEL: "info",
      ...GENEROUS_LIMITS,
      ...this.env,
    });
    const url = `http://127.0.0.1:${own}`;
    const node: Node = {
      name,
      port: own,
      url,
      process: proc,
      log: () =>
        proc.stdout
          .split("\n")
          .filter((line) => line.startsWith("{"))
          .map((line) => JSON.parse(line) as Record<string, unknown>),
    };
    await waitFor(async () => ((await fetch(`${url}/health`).catch(() => undefined))?.ok ? true : undefined), 180_000, () => `${name} to answer /health\n${proc.describe()}`);
    const index = this.nodes.findIndex((n) => n.name === name);
    if (index >= 0) this.nodes[index] = node;
    else this.nodes.push(node);
    return node;
  }

  node(name: string): Node {
    const found = this.nodes.find((n) => n.name === name);
    if (!found) throw new Error(`no node ${name}`);
    return found;
  }

  /** An agent with a console session whose token every node accepts. */
  async agentToken(username: string, options: { admin?: boolean; telegramChatId?: string } = {}): Promise<{ id: string; token: string }> {
    await addAgent(this.fixtures.deps, username, options);
    const agent = (await findAgentByUsername(this.fixtures.deps.domain.db, username))!;
    return { id: agent.id, token: (await startSession(this.fixtures.deps.domain, agent, { ip: null, userAgent: null })).accessToken };
  }

  get db() {
    return this.fixtures.deps.domain.db;
  }

  async close(): Promise<void> {
    await killAllDestek();
    await this.fixtures?.close();
    await this.fixtures?.deps.database.close();
    await this.database?.dispose();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
