import type { Logger } from "pino";
import { type Dependency, ServiceOutage } from "../domain/outage.ts";

// Error codes that mean "the database (or its disk, or the network to it) is away", not "this
// query is wrong": connection failures, PostgreSQL's connection and shutdown classes, and SQLite
// files that cannot be written.
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
const POSTGRES_OUTAGE = /^(08|53|57P0[1-3])/;
const SQLITE_OUTAGE = /^SQLITE_(READONLY|IOERR|FULL|CANTOPEN|BUSY|LOCKED|CORRUPT|NOTADB|PERM)/;
const PG_CONNECTION_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated unexpectedly|connect ECONNREFUSED/;

/** True when `error` says the database is unreachable or unwritable rather than the query being wrong. */
export function isDatabaseOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = "code" in error && typeof error.code === "string" ? error.code : "";
  return NETWORK_CODES.has(code) || POSTGRES_OUTAGE.test(code) || SQLITE_OUTAGE.test(code) || PG_CONNECTION_MESSAGES.test(error.message);
}

/** True when `error` comes from a Redis connection that is down (ioredis' own errors). */
export function isRedisOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = "code" in error && typeof error.code === "string" ? error.code : "";
  return (
    NETWORK_CODES.has(code) ||
    error.name === "MaxRetriesPerRequestError" ||
    /Connection is closed|Stream isn't writeable|enableOfflineQueue|Reached the max retries per request/.test(error.message)
  );
}

/**
 * Says once that a dependency went away and once that it came back, however many requests fail
 * in between: an outage is one event for the operator, not a line per request.
 */
export class OutageLog {
  private readonly down = new Map<Dependency, { since: number; refused: number }>();

  constructor(private readonly log: Logger) {}

  lost(dependency: Dependency, err: unknown): ServiceOutage {
    const current = this.down.get(dependency);
    if (current) current.refused++;
    else {
      this.down.set(dependency, { since: Date.now(), refused: 1 });
      this.log.error({ err, dependency }, `${dependency} unavailable`);
    }
    return err instanceof ServiceOutage ? err : new ServiceOutage(dependency, err);
  }

  restored(dependency: Dependency): void {
    const current = this.down.get(dependency);
    if (!current) return;
    this.down.delete(dependency);
    this.log.warn({ dependency, downForMs: Date.now() - current.since, refused: current.refused }, `${dependency} reachable again`);
  }

  isDown(dependency: Dependency): boolean {
    return this.down.has(dependency);
  }
}

/**
 * The outage behind an error that escaped a handler, if it is one: a database or Redis that is
 * away, or a cluster request (fetchSockets) that no peer answered in time.
 */
export function outageBehind(error: unknown): ServiceOutage | undefined {
  if (error instanceof ServiceOutage) return error;
  if (isDatabaseOutage(error)) return new ServiceOutage("database", error);
  if (isRedisOutage(error) || (error instanceof Error && /^timeout reached/.test(error.message))) return new ServiceOutage("redis", error);
  return undefined;
}
