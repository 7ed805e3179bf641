import { findInboxSettingsRow, updateInboxSettingsRow } from "../../adapters/db/repositories/appSettings.ts";
import { inboxSettings } from "../../protocol/inboxes.ts";
import type { InboxSettingsView } from "../../protocol/settings.ts";
import { audit } from "../audit.ts";
import { forbidden, invalid, notFound } from "../errors.ts";
import { parseInboxSettings } from "../inboxes/inboxSettings.ts";
import type { Actor } from "../ports.ts";
import type { SettingsDeps } from "./installSettings.ts";
import { changesBetween } from "./settingsDiff.ts";

// An inbox's own settings (widget look, hours, calls, assignment, Telegram chat): one JSON
// document per inbox, read fresh on every use, so a save is live on every node at once.

const adminOnly = () => forbidden("admin_only", "Only admins can change an inbox's settings.");
const noInbox = () => notFound("inbox_not_found", "No such inbox.");

/** An inbox's settings with every default filled in (admins). */
export async function inboxSettingsFor(deps: Pick<SettingsDeps, "db">, actor: Actor, inboxId: string): Promise<InboxSettingsView> {
  if (actor.type !== "agent" || actor.role !== "admin") throw adminOnly();
  const row = await findInboxSettingsRow(deps.db, inboxId);
  if (!row) throw noInbox();
  return { inboxId, settings: parseInboxSettings(row.settings) };
}

/**
 * Replaces an inbox's settings with a whole, valid document (missing keys take their defaults).
 * The audit log gets each changed value's path, old and new value.
 */
export async function saveInboxSettings(deps: Pick<SettingsDeps, "db" | "clock">, actor: Actor, inboxId: string, input: unknown): Promise<InboxSettingsView> {
  if (actor.type !== "agent" || actor.role !== "admin") throw adminOnly();
  const parsed = inboxSettings.safeParse(input);
  if (!parsed.success) throw invalid("invalid_inbox_settings", parsed.error.issues.map((i) => `${i.path.join(".") || "settings"} ${i.message}`).join("; "));
  const now = deps.clock.now();
  const settings = parsed.data;
  await deps.db.transaction().execute(async (trx) => {
    const row = await findInboxSettingsRow(trx, inboxId);
    if (!row) throw noInbox();
    const changes = changesBetween(parseInboxSettings(row.settings), settings);
    await updateInboxSettingsRow(trx, inboxId, JSON.stringify(settings), now);
    if (changes.keys.length > 0) {
      await audit(trx, now, { actor, action: "inbox.settings_changed", target: { type: "inbox", id: inboxId }, details: { keys: changes.keys, changes: changes.changes } });
    }
  });
  return { inboxId, settings };
}
