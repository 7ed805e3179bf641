import { z } from "zod";
import { businessHours } from "./inboxes.ts";
import { text } from "./text.ts";

// Business hours as the widget sees them, and "Request a call back": outside hours or with nobody
// to answer, the widget offers no Call and takes a phone number instead, which lands in the console
// as a task (the `Call backs` page) until an agent marks it done.

export const MAX_CALLBACK_NOTE_LENGTH = 500;

/** Whether the team answers now, when it opens next, and what the widget offers instead of a call. */
export const widgetAvailability = z.object({
  /** Within business hours (always true with hours switched off). */
  open: z.boolean(),
  /** ISO time of the next opening while closed by the hours; null while open or with none ahead. */
  nextOpening: z.string().nullable(),
  /** Whether the widget offers Call: within hours, calls on, and someone to ring. */
  calls: z.boolean(),
  /** Whether the widget offers `Request a call back` (calls on, but none offered now). */
  callbacks: z.boolean(),
});
export type WidgetAvailability = z.infer<typeof widgetAvailability>;

/** POST /api/widget/callbacks: the visitor's number and an optional note; the inbox the widget serves. */
export const newCallbackRequest = z.object({
  phone: z.string().trim().regex(/^\+?[\d\s().-]{5,30}$/, "must be a phone number"),
  note: text().trim().max(MAX_CALLBACK_NOTE_LENGTH).optional(),
  inbox: text().min(1).max(64).optional(),
});

export const callbackStatus = z.enum(["open", "done"]);
export type CallbackStatus = z.infer<typeof callbackStatus>;

export const callbackView = z.object({
  id: z.string(),
  inboxId: z.string(),
  conversationId: z.string().nullable(),
  visitor: z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable(), label: z.string() }),
  phone: z.string(),
  note: z.string().nullable(),
  status: callbackStatus,
  createdAt: z.string(),
  doneAt: z.string().nullable(),
  doneBy: z.object({ id: z.string(), name: z.string() }).nullable(),
});
export type CallbackView = z.infer<typeof callbackView>;

/** GET /api/callbacks?status=open|done: newest first for done, oldest first (who waited longest) for open. */
export const callbackQuery = z.object({ status: callbackStatus.default("open") });
export const callbackList = z.object({ callbacks: z.array(callbackView), openCount: z.number() });
export type CallbackList = z.infer<typeof callbackList>;

/** What a visitor gets back: enough to say "we will call you". */
export const callbackReceipt = z.object({ callback: z.object({ id: z.string(), createdAt: z.string() }) });

/** GET/PUT /api/inboxes/:id/hours: the whole business-hours document of one inbox. */
export const inboxHoursResponse = z.object({ inboxId: z.string(), hours: businessHours });
export type InboxHoursResponse = z.infer<typeof inboxHoursResponse>;

/** `/agent` event: a call-back request was made or marked done (every console; the badge counts open ones). */
export interface AgentCallbackServerEvents {
  "callbacks:changed": (payload: { callback: CallbackView }) => void;
}
