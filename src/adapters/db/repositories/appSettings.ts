import type { Selectable } from "kysely";
import type { Db } from "../database.ts";
import type { AppSettingsTable } from "../schema.ts";

export type AppSettingRow = Selectable<AppSettingsTable>;

/** Every install-wide setting an admin saved; keys absent here take the environment's value. */
export function listAppSettings(db: Db): Promise<AppSettingRow[]> {
  return db.selectFrom("app_settings").selectAll().execute();
}

/** Saves one setting (its value as JSON), replacing what was there. */
export function upsertAppSetting(db: Db, row: AppSettingRow): Promise<unknown> {
  return db
    .insertInto("app_settings")
    .values(row)
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: row.value, updated_at: row.updated_at, updated_by: row.updated_by }))
    .execute();
}

/** Forgets a saved setting: it takes the environment's value again. */
export function deleteAppSetting(db: Db, key: string): Promise<unknown> {
  return db.deleteFrom("app_settings").where("key", "=", key).execute();
}

export function findInboxSettingsRow(db: Db, inboxId: string): Promise<{ settings: string } | undefined> {
  return db.selectFrom("inboxes").select("settings").where("id", "=", inboxId).executeTakeFirst();
}

export function updateInboxSettingsRow(db: Db, inboxId: string, settings: string, at: number): Promise<unknown> {
  return db.updateTable("inboxes").set({ settings, updated_at: at }).where("id", "=", inboxId).execute();
}
