import { z } from "zod";
import { text } from "./text.ts";

// Labels on conversations over HTTP: the catalogue (`/api/labels`, every agent reads, admins change
// it) and a conversation's set (`/api/conversations/:id/labels`, any agent). Clients import types only.

export const MAX_LABEL_NAME_LENGTH = 40;
/** A bound on the catalogue, so one list (and the filter menu) stays small. */
export const MAX_LABELS = 200;
/** A bound on the labels of one conversation. */
export const MAX_LABELS_PER_CONVERSATION = 20;

/** A #rrggbb colour; the console offers a palette and a picker, both of which give this form. */
export const labelColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a colour such as #2f80ed");

export const labelView = z.object({
  id: z.string(),
  name: z.string(),
  colour: z.string(),
});
export type LabelView = z.infer<typeof labelView>;

// The name's length and emptiness are checked in the domain (after trimming), for ids of their own.
const labelName = text().max(MAX_LABEL_NAME_LENGTH * 4);

export const newLabel = z.object({ name: labelName, colour: labelColour });
export const labelChanges = z.object({ name: labelName.optional(), colour: labelColour.optional() }).strict();
export const labelIdParams = z.object({ id: z.uuid() });
export const conversationLabelParams = z.object({ id: z.uuid(), labelId: z.uuid() });
export const addConversationLabel = z.object({ labelId: z.uuid() });

export const labelList = z.object({ labels: z.array(labelView) });
export type LabelList = z.infer<typeof labelList>;

/** A conversation's labels after a change. */
export const conversationLabels = z.object({ labels: z.array(labelView) });
export type ConversationLabels = z.infer<typeof conversationLabels>;

/** What the inbox's filters offer: the inboxes the agent sees, the labels and the team. */
export const filterOptions = z.object({
  inboxes: z.array(z.object({ id: z.string(), name: z.string() })),
  labels: z.array(labelView),
  agents: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type FilterOptions = z.infer<typeof filterOptions>;

/** `/agent` events of labels (server to console). */
export interface AgentLabelServerEvents {
  /** The label catalogue changed: fetch it again (chips and filters follow renames and deletions). */
  "labels:changed": () => void;
}
