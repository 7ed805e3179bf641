import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from "kysely";
import { isDatabaseOutage, type OutageLog } from "../outages.ts";

/**
 * Wraps a dialect so that a database that is away (connections cut, a read-only or full disk)
 * surfaces as a `ServiceOutage` (503 / `unavailable`) logged once, never as a raw driver error.
 * A successful write, or any query on PostgreSQL, ends the outage.
 */
export function guardDialect(dialect: Dialect, outages: OutageLog, kind: "sqlite" | "postgres"): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => new GuardedDriver(dialect.createDriver(), outages, kind),
  };
}

class GuardedDriver implements Driver {
  private readonly inner = new WeakMap<DatabaseConnection, DatabaseConnection>();
  /** Connections inside a transaction: their writes prove nothing until the commit succeeds. */
  private readonly inTransaction = new WeakSet<DatabaseConnection>();

  constructor(
    private readonly driver: Driver,
    private readonly outages: OutageLog,
    private readonly kind: "sqlite" | "postgres",
  ) {}

  private async guard<T>(work: () => Promise<T>, proof: "write" | "read" = "write"): Promise<T> {
    try {
      const result = await work();
      // A read-only SQLite file still answers reads: only a write proves it is back.
      if (proof === "write" || this.kind === "postgres") this.outages.restored("database");
      return result;
    } catch (error) {
      throw isDatabaseOutage(error) ? this.outages.lost("database", error) : error;
    }
  }

  private unwrap(connection: DatabaseConnection): DatabaseConnection {
    return this.inner.get(connection) ?? connection;
  }

  init(): Promise<void> {
    return this.guard(() => this.driver.init(), "read");
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.guard(() => this.driver.acquireConnection(), "read");
    const guarded: DatabaseConnection = {
      executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> =>
        this.guard(
          () => connection.executeQuery<R>(query),
          query.query.kind === "SelectQueryNode" || this.inTransaction.has(guarded) ? "read" : "write",
        ),
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => connection.streamQuery<R>(query, chunkSize),
    };
    this.inner.set(guarded, connection);
    return guarded;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await this.guard(() => this.driver.beginTransaction(this.unwrap(connection), settings), "read");
    this.inTransaction.add(connection);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    this.inTransaction.delete(connection);
    return this.guard(() => this.driver.commitTransaction(this.unwrap(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    this.inTransaction.delete(connection);
    return this.guard(async () => {
      try {
        await this.driver.rollbackTransaction(this.unwrap(connection));
      } catch (error) {
        // After an I/O error (a read-only or full disk) SQLite has already rolled the transaction
        // back itself; a failed ROLLBACK then would hide the outage that caused it.
        if (!(error instanceof Error && /no transaction is active/.test(error.message))) throw error;
      }
    }, "read");
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.driver.releaseConnection(this.unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.driver.destroy();
  }
}
