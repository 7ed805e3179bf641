import type { BusinessHours } from "../../protocol/inboxes.ts";
import type { InboxHoursResponse } from "../../protocol/callbacks.ts";
import { audit } from "../audit.ts";
import { notFound } from "../errors.ts";
import type { Actor, DomainDeps } from "../ports.ts";
import { parseInboxSettings } from "./inboxSettings.ts";

// An inbox's business hours, edited by admins in the console. Only the `hours` key of the inbox's
// settings document changes, so this editor and the other settings forms never overwrite each other.

function storedDocument(json: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(json);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

async function inboxRow(deps: DomainDeps, inboxId: string) {
  const row = await deps.db.selectFrom("inboxes").select(["id", "settings"]).where("id", "=", inboxId).executeTakeFirst();
  if (!row) throw notFound("inbox_not_found", "No such inbox.");
  return row;
}

/** The inbox's business hours with every default filled in. */
export async function inboxHours(deps: DomainDeps, inboxId: string): Promise<InboxHoursResponse> {
  const row = await inboxRow(deps, inboxId);
  return { inboxId: row.id, hours: parseInboxSettings(row.settings).hours };
}

/** Replaces the inbox's business hours (already validated by `businessHours`); written to the audit log. */
export async function saveInboxHours(deps: DomainDeps, actor: Actor, inboxId: string, hours: BusinessHours, ip?: string): Promise<InboxHoursResponse> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("inboxes").select(["id", "settings"]).where("id", "=", inboxId).executeTakeFirst();
    if (!row) throw notFound("inbox_not_found", "No such inbox.");
    // The stored document as it is, with only `hours` replaced: other keys keep "not set" (their defaults).
    const stored = storedDocument(row.settings);
    await trx.updateTable("inboxes").set({ settings: JSON.stringify({ ...stored, hours }), updated_at: now }).where("id", "=", inboxId).execute();
    await audit(trx, now, {
      actor,
      action: "inbox.hours_update",
      target: { type: "inbox", id: inboxId },
      ip: ip ?? null,
      details: { enabled: hours.enabled, timezone: hours.timezone, holidays: hours.holidays.length },
    });
  });
  deps.events.publish({ type: "availability.changed", inboxId });
  return { inboxId, hours };
}
