import type { Db } from "../../adapters/db/database.ts";
import { compiledOnce } from "../../adapters/db/compiledOnce.ts";
import { type InboxSettings, inboxSettings } from "../../protocol/inboxes.ts";

/**
 * An inbox's settings with every default filled in. Stored JSON that no longer parses (a setting
 * removed or narrowed since) falls back to defaults key by key rather than failing the widget.
 */
export function parseInboxSettings(json: string | null | undefined): InboxSettings {
  let raw: unknown = {};
  try {
    raw = json ? JSON.parse(json) : {};
  } catch {
    raw = {};
  }
  const whole = inboxSettings.safeParse(raw);
  if (whole.success) return whole.data;
  const fallback = inboxSettings.parse({});
  const record = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const merged: Record<string, unknown> = {};
  for (const key of Object.keys(fallback) as (keyof InboxSettings)[]) {
    const one = inboxSettings.shape[key].safeParse(record[key]);
    merged[key] = one.success ? one.data : fallback[key];
  }
  return inboxSettings.parse(merged);
}

/** The settings of one inbox; undefined when there is no such inbox. */
// Read for every visitor message (the privacy-notice check): compiled once (see compiledOnce.ts).
const inboxSettingsQuery = compiledOnce((db: Db, inboxId: string) => db.selectFrom("inboxes").select("settings").where("id", "=", inboxId));

export async function loadInboxSettings(db: Db, inboxId: string): Promise<InboxSettings | undefined> {
  const [row] = await inboxSettingsQuery(db, inboxId);
  return row ? parseInboxSettings(row.settings) : undefined;
}
