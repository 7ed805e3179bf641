import { z } from "zod";
import { callView } from "./calls.ts";
import { clientId, conversationSummary, MAX_MESSAGE_LENGTH, messageView } from "./chat.ts";
import { cursorPage, pageLimit } from "./paging.ts";
import { text } from "./text.ts";

// The public REST API (`/api/v1`, Bearer API tokens): request and response schemas. The OpenAPI
// document at /api/openapi.json is generated from these. Shapes reuse the console's views, so the
// API and the console tell the same story.

export const apiError = z.object({ error: z.object({ id: z.string(), message: z.string() }) }).describe("An error with a stable id");

export const apiIdParams = z.object({ id: z.uuid() });
/** The body of an action that takes none: nothing, `{}` or JSON null. */
export const apiNoBody = z.object({}).strict().nullish();

export const apiConversationQuery = z.object({
  status: z.enum(["open", "pending", "resolved", "all"]).default("open"),
  /** "me" (the token's owner), "unassigned", "all", or an agent's id. */
  assignee: z.union([z.enum(["me", "unassigned", "all"]), z.uuid()]).default("all"),
  inbox: text().min(1).max(100).optional().describe("An inbox id"),
  label: z.uuid().optional(),
  q: text().max(200).optional().describe("Full-text search over the messages"),
  cursor: text().max(500).optional().describe("nextCursor of the previous page"),
  limit: pageLimit(30),
});
export const apiConversationList = cursorPage("conversations", conversationSummary);

export const apiVisitor = z.object({
  id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  language: z.string().nullable(),
  pageUrl: z.string().nullable(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
});
export const apiConversationDetail = z.object({ conversation: conversationSummary, visitor: apiVisitor });
export const apiConversationResponse = z.object({ conversation: conversationSummary });

export const apiAssign = z.object({ agentId: z.uuid().nullable().describe("The agent to assign; null unassigns") }).strict();

export const apiMessageQuery = z
  .object({
    afterSeq: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe("Messages after this sequence number"),
    beforeSeq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().describe("Messages before this sequence number"),
    limit: pageLimit(50),
  })
  .refine((q) => q.afterSeq === undefined || q.beforeSeq === undefined, "give afterSeq or beforeSeq, not both");
export const apiMessageList = z.object({ messages: z.array(messageView) });

export const apiSendMessage = z
  .object({
    body: text().trim().min(1).max(MAX_MESSAGE_LENGTH),
    /** Idempotency key: sending the same clientId twice stores one message. */
    clientId: clientId.optional(),
  })
  .strict();
export const apiSentMessage = z.object({ message: messageView, duplicate: z.boolean() });

export const apiCallQuery = z.object({
  status: z.enum(["queued", "active", "ended", "missed", "rejected"]).optional(),
  agentId: z.uuid().optional(),
  before: text().min(1).max(200).optional().describe("nextCursor of the previous page"),
  limit: pageLimit(25),
});
export const apiCallList = cursorPage("calls", callView);
export const apiCallResponse = z.object({ call: callView });
