import { statSync } from "node:fs";
import { sql } from "kysely";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { startSqliteCheckpoints } from "../../../src/adapters/db/sqliteCheckpoints.ts";
import { openSqlite } from "../../support/databases.ts";
import { waitFor } from "../../support/process.ts";

// Checkpoints (copying the write-ahead log into the database file, with an fsync) run in a worker
// thread, not inside the server's commits; the server's own connection keeps a far threshold.
describe("SQLite checkpoints in a worker thread", () => {
  const autoCheckpoint = async (db: Awaited<ReturnType<typeof openSqlite>>["db"]) =>
    (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db)).rows[0]?.wal_autocheckpoint;

  it("copies committed pages into the database file while the server's connection leaves them", async () => {
    const database = await openSqlite();
    try {
      const db = database.db;
      await sql`create table filler (body text not null)`.execute(db);
      const job = startSqliteCheckpoints(database, pino({ level: "silent" }));
      try {
        await waitFor(async () => ((await autoCheckpoint(db)) === 10_000 ? true : undefined), 5_000, () => "the server's threshold to be raised");
        const before = statSync(database.file).size;
        // About 2 MB in 500 commits: under the server's own threshold (40 MB), so only the worker copies it.
        for (let i = 0; i < 500; i++) await db.transaction().execute((trx) => sql`insert into filler (body) values (${"x".repeat(4000)})`.execute(trx));
        await waitFor(() => (statSync(database.file).size > before + 1_500_000 ? true : undefined), 10_000, () => `the database file to grow past ${before + 1_500_000} bytes (it is ${statSync(database.file).size})`);
      } finally {
        await job.stop();
      }
      expect(await autoCheckpoint(db)).toBe(1_000);
    } finally {
      await database.dispose();
    }
  });

  it("does nothing on a database that is not an SQLite file", async () => {
    const job = startSqliteCheckpoints({ kind: "postgres", db: undefined as never, close: async () => {} }, pino({ level: "silent" }));
    await job.stop();
  });
});
