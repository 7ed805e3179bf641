import { z } from "zod";
import { cursorPage, pageLimit } from "./paging.ts";
import { text } from "./text.ts";

// The access log over HTTP (admins): who played or downloaded which recording or attachment, when
// and from where. Clients import types only.

export const accessItemKind = z.enum(["recording", "attachment"]);
export const accessAction = z.enum(["play", "download"]);

export const accessLogEntryView = z.object({
  id: z.string(),
  at: z.string(),
  agent: z.object({ id: z.string(), name: z.string() }),
  kind: accessItemKind,
  itemId: z.string(),
  callId: z.string().nullable(),
  conversationId: z.string().nullable(),
  action: accessAction,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export type AccessLogEntry = z.infer<typeof accessLogEntryView>;

/** Filters shared by the page and the CSV export; `from` is inclusive and `to` exclusive (ISO 8601 times). */
export const accessLogFilter = z.object({
  callId: z.uuid().optional(),
  agentId: z.uuid().optional(),
  conversationId: z.uuid().optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type AccessLogFilter = z.infer<typeof accessLogFilter>;

export const accessLogQuery = accessLogFilter.extend({
  cursor: text().min(1).max(200).optional(),
  limit: pageLimit(50),
});
export type AccessLogQuery = z.input<typeof accessLogQuery>;

export const accessLogPage = cursorPage("entries", accessLogEntryView);
export type AccessLogPage = z.infer<typeof accessLogPage>;
