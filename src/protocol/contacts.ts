import { z } from "zod";
import { ratingView } from "./timeline.ts";
import { cursorPage, pageLimit } from "./paging.ts";
import { text } from "./text.ts";
import { contactConsent } from "./privacy.ts";

// Contacts over HTTP (`/api/contacts`): a contact is a visitor row as the console's contact page
// shows it, with the conversations and calls of all its devices. Clients import types only.

export const CONTACT_NOTES_MAX = 4000;

export const contactSummary = z.object({
  id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  company: z.string().nullable(),
  /** A signed-in user of the site (verified identity). */
  verified: z.boolean(),
  lastSeenAt: z.string(),
  conversationCount: z.number(),
});
export type ContactSummary = z.infer<typeof contactSummary>;

export const contactConversation = z.object({
  id: z.string(),
  status: z.enum(["open", "pending", "resolved"]),
  createdAt: z.string(),
  lastMessageAt: z.string(),
  lastMessage: z.string().nullable(),
  lastAttachment: z.enum(["image", "voice", "file"]).nullable(),
});
export type ContactConversation = z.infer<typeof contactConversation>;

export const contactCall = z.object({
  id: z.string(),
  status: z.enum(["queued", "ringing", "active", "ended", "missed", "rejected", "refused"]),
  media: z.enum(["audio", "video"]),
  agentName: z.string().nullable(),
  createdAt: z.string(),
  durationMs: z.number().nullable(),
  /** The recording consent the caller gave for this call (mode, when, wording version); null when none was asked. */
  consent: z.object({ mode: z.enum(["audio", "audio+video"]), at: z.string(), version: z.string() }).nullable(),
});
export type ContactCall = z.infer<typeof contactCall>;

export const contactDetail = contactSummary.extend({
  notes: z.string().nullable(),
  firstSeenAt: z.string(),
  /** Widgets that open this contact: its own token and a verified user's further devices. */
  deviceCount: z.number(),
  conversations: z.array(contactConversation),
  calls: z.array(contactCall),
  ratings: z.array(ratingView),
  /** Privacy notices agreed to and recording consents, newest first. */
  consents: z.array(contactConsent),
  /** Other contacts with the same e-mail address: likely the same person on another device. */
  duplicates: z.array(contactSummary),
});
export type ContactDetail = z.infer<typeof contactDetail>;

export const contactListResponse = cursorPage("contacts", contactSummary);
export type ContactList = z.infer<typeof contactListResponse>;

export const contactQuery = z.object({
  q: text().max(200).optional(),
  cursor: text().max(500).optional(),
  limit: pageLimit(30),
});

// An empty string clears a field. E-mail and phone formats are checked in the domain, for ids of their own.
const field = (max: number) => text().trim().max(max).nullable().optional();
export const contactChanges = z
  .object({ name: field(100), email: field(200), phone: field(40), company: field(200), notes: text().max(CONTACT_NOTES_MAX).nullable().optional() })
  .strict();
export type ContactChanges = z.infer<typeof contactChanges>;

export const contactMerge = z.object({ otherId: z.uuid() }).strict();

export const contactResponse = z.object({ contact: contactDetail });
export interface ContactResponse {
  contact: ContactDetail;
}

/** Erasing a contact: the console repeats the contact's id, so a stray request erases nobody. */
export const contactErase = z.object({ confirm: text().max(100) }).strict();

/** What an erase did (see domain/privacy/erasePerson.ts). */
export const eraseReportView = z.object({
  visitorIds: z.array(z.string()),
  counts: z.object({ conversations: z.number(), messages: z.number(), calls: z.number(), attachments: z.number(), recordings: z.number(), notes: z.number(), consents: z.number() }),
  files: z.object({ deleted: z.number(), failed: z.array(z.string()) }),
  telegram: z.object({ deleted: z.number(), left: z.array(z.object({ chatId: z.string(), messageId: z.number(), why: z.string() })) }),
});
export type EraseReportView = z.infer<typeof eraseReportView>;
export const eraseResponse = z.object({ report: eraseReportView });
