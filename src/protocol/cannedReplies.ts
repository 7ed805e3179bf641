import { z } from "zod";
import { CANNED_TEXT_MAX, SHORTCUT_MAX } from "./cannedReplyText.ts";
import { text } from "./text.ts";

// Canned replies over HTTP (`/api/canned-replies`). Clients import types only from here; the text
// rules they run themselves are in cannedReplyText.ts.

export const cannedReplyScope = z.enum(["shared", "personal"]);
export type CannedReplyScope = z.infer<typeof cannedReplyScope>;

export const cannedReplyView = z.object({
  id: z.string(),
  scope: cannedReplyScope,
  shortcut: z.string(),
  text: z.string(),
  /** Whether the asking agent may change or delete it (their own personal one; shared ones for admins). */
  editable: z.boolean(),
  updatedAt: z.string(),
});
export type CannedReplyView = z.infer<typeof cannedReplyView>;

// Shortcut format and unknown variables are checked in the domain, for ids of their own.
const shortcut = text().trim().min(1).max(SHORTCUT_MAX + 8);
const body = text().max(CANNED_TEXT_MAX);

export const newCannedReply = z.object({ scope: cannedReplyScope.default("personal"), shortcut, text: body });
export const cannedReplyChanges = z.object({ shortcut: shortcut.optional(), text: body.optional() }).strict();
export const cannedReplyQuery = z.object({ q: text().max(100).optional() });

export interface CannedReplyList {
  cannedReplies: CannedReplyView[];
}
