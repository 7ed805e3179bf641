import type { WidgetAvailability } from "../../protocol/callbacks.ts";
import { type InboxSettings, inboxSettings } from "../../protocol/inboxes.ts";
import { conflict } from "../errors.ts";
import type { DomainDeps } from "../ports.ts";
import { isOpen, nextOpening } from "./businessHours.ts";
import { loadInboxSettings, parseInboxSettings } from "./inboxSettings.ts";
import { widgetInbox } from "./visibility.ts";

// What the widget offers, per inbox: within business hours AND someone to answer. Outside hours or
// with nobody there, it offers no Call but "Request a call back"; the call start path checks the
// same rule, so a stale or hand-made client cannot ring a closed team.

/** Who could answer right now: a console open anywhere, or a Telegram chat or a push device to ring. */
export interface Reach {
  agentsOnline: boolean;
  canRingAway: () => Promise<boolean>;
}

/** The settings of an inbox; an unknown one (a stale snippet) reads as the defaults rather than failing the widget. */
async function settingsOf(deps: DomainDeps, inboxId: string): Promise<InboxSettings> {
  return (await loadInboxSettings(deps.db, inboxId)) ?? inboxSettings.parse({});
}

/** The inbox the widget names (its snippet's `data-inbox`), the default one when it names none or an unknown one. */
export async function inboxOfVisitor(deps: DomainDeps, named?: unknown): Promise<string> {
  return (await widgetInbox(deps, named)).inboxId;
}

/** Within hours, the next opening, and whether Call or `Request a call back` is offered. */
export async function widgetAvailability(deps: DomainDeps, inboxId: string, reach: Reach): Promise<WidgetAvailability> {
  const settings = await settingsOf(deps, inboxId);
  const now = deps.clock.now();
  const open = isOpen(settings.hours, now);
  const next = open ? null : nextOpening(settings.hours, now);
  const calls = open && settings.calls.enabled && (reach.agentsOnline || (await reach.canRingAway()));
  return { open, nextOpening: next === null ? null : new Date(next).toISOString(), calls, callbacks: settings.calls.enabled && !calls };
}

/** Refuses a call the widget should not have offered: calls (or video) off for the inbox, or outside its hours. */
export async function assertCallsOpen(deps: DomainDeps, inboxId: string, media: "audio" | "video" = "audio"): Promise<void> {
  const settings = await settingsOf(deps, inboxId);
  if (!settings.calls.enabled) throw conflict("calls_off", "This website does not take calls. Leave a message instead.");
  if (media === "video" && !settings.calls.video) throw conflict("video_off", "This website takes voice calls only. Call without video.");
  if (!isOpen(settings.hours, deps.clock.now())) {
    throw conflict("outside_hours", "We are outside business hours. Leave a message or request a call back.");
  }
}

/** Whether each inbox is within its business hours now: the hours job compares one minute with the next. */
export async function inboxesOpenNow(deps: DomainDeps): Promise<Map<string, boolean>> {
  const rows = await deps.db.selectFrom("inboxes").select(["id", "settings"]).execute();
  const now = deps.clock.now();
  return new Map(rows.map((row) => [row.id, isOpen(parseInboxSettings(row.settings).hours, now)]));
}
