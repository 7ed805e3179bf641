import type { Insertable, Selectable } from "kysely";
import type { Db } from "../database.ts";
import type { ApiTokensTable } from "../schema.ts";

export type ApiTokenRow = Selectable<ApiTokensTable>;

export async function insertApiToken(db: Db, row: Insertable<ApiTokensTable>): Promise<void> {
  await db.insertInto("api_tokens").values(row).execute();
}

/** Every token, newest first (a team has a handful; no paging). */
export function listApiTokenRows(db: Db): Promise<ApiTokenRow[]> {
  return db.selectFrom("api_tokens").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").execute();
}

export function findApiToken(db: Db, id: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom("api_tokens").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findApiTokenByHash(db: Db, tokenHash: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom("api_tokens").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
}

/** Marks a live token revoked; false when it was already revoked (or is unknown). */
export async function revokeApiTokenRow(db: Db, id: string, at: number): Promise<boolean> {
  const result = await db.updateTable("api_tokens").set({ revoked_at: at }).where("id", "=", id).where("revoked_at", "is", null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function touchApiToken(db: Db, id: string, at: number): Promise<void> {
  await db.updateTable("api_tokens").set({ last_used_at: at }).where("id", "=", id).execute();
}
