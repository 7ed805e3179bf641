import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { migrateToLatest, openDatabase } from "../../../src/adapters/db/database.ts";

// An erased person's words must not survive in the SQLite file: a deleted row's bytes would stay
// in the freed page until it is reused. With secure_delete, SQLite overwrites them as it frees
// them; the WAL holds them until a checkpoint, which SQLite runs on its own as the WAL grows.
describe("SQLite: deleted text does not survive in the database file", () => {
  const dir = mkdtempSync(join(tmpdir(), "destek-secure-delete-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("overwrites a deleted row's bytes", async () => {
    const file = join(dir, "destek.sqlite");
    const handle = openDatabase({ kind: "sqlite", file });
    const marker = `erase-me-${randomBytes(8).toString("hex")}`;
    try {
      await migrateToLatest(handle);
      // Enough rows that the deleted one shares its page with others that stay (the page is not just dropped).
      for (let i = 0; i < 50; i++) {
        await handle.db.insertInto("audit_log").values({
          id: randomUUID(), at: Date.now(), actor_type: "system", actor_id: null, action: "test.row", target_type: null, target_id: null, ip: null,
          details: i === 25 ? marker : `kept row ${i}`,
        }).execute();
      }
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(handle.db);
      expect(readFileSync(file).includes(Buffer.from(marker))).toBe(true);

      await handle.db.deleteFrom("audit_log").where("details", "=", marker).execute();
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(handle.db);
      expect(readFileSync(file).includes(Buffer.from(marker))).toBe(false);
      expect(readFileSync(file).includes(Buffer.from("kept row 24"))).toBe(true);
    } finally {
      await handle.close();
    }
  });
});
