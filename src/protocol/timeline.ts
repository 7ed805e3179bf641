import { z } from "zod";
import { recordingView } from "./callHistory.ts";
import { callView } from "./calls.ts";
import { type Ack, clientEventNames, conversationId } from "./chat.ts";
import { text } from "./text.ts";

// The console's conversation timeline (notes, changes, calls, ratings) and the widget's rating.
// Notes and timeline events go to agents only: no visitor event below carries them.

export const MAX_NOTE_LENGTH = 4000;
export const MAX_RATING_COMMENT_LENGTH = 1000;

export const timelineEventKind = z.enum(["note", "assigned", "unassigned", "resolved", "reopened", "rated", "labeled", "unlabeled", "callback_requested", "callback_done"]);
export type TimelineEventKind = z.infer<typeof timelineEventKind>;

const agentRef = z.object({ id: z.string(), name: z.string() });

export const timelineEventView = z.object({
  id: z.string(),
  conversationId: z.string(),
  kind: timelineEventKind,
  /** Who did it: an agent, the visitor (reopened by writing, rated) or the system. */
  actor: z.object({ type: z.enum(["agent", "visitor", "system"]), id: z.string().nullable(), name: z.string().nullable() }),
  /** A note's text, or a rating's comment. */
  body: z.string().nullable(),
  /** Agents a note mentions. */
  mentions: z.array(agentRef),
  /** The agent a conversation was assigned to. */
  assignee: agentRef.nullable(),
  /** A rating's score, 1 to 5. */
  score: z.number().nullable(),
  /** The label added or removed, as it was named then. */
  label: z.object({ id: z.string(), name: z.string(), colour: z.string() }).nullable(),
  createdAt: z.string(),
});
export type TimelineEventView = z.infer<typeof timelineEventView>;

export const ratingView = z.object({ conversationId: z.string(), score: z.number(), comment: z.string().nullable(), updatedAt: z.string() });
export type RatingView = z.infer<typeof ratingView>;

/** GET /api/conversations/:id/timeline: what the console shows between the messages, each list oldest first. */
export const timelineResponse = z.object({
  events: z.array(timelineEventView),
  calls: z.array(callView.extend({ recordings: z.array(recordingView) })),
  rating: ratingView.nullable(),
});
export type TimelineResponse = z.infer<typeof timelineResponse>;

/** A note mentions an agent: sent to that agent's consoles only. */
export interface MentionNotice {
  event: TimelineEventView;
  conversationId: string;
  visitorName: string | null;
}

export const noteSend = z.object({ conversationId, body: text().trim().min(1).max(MAX_NOTE_LENGTH) });
export const ratePayload = z.object({
  conversationId,
  score: z.number().int().min(1).max(5),
  comment: text().trim().max(MAX_RATING_COMMENT_LENGTH).optional(),
});

/** `/agent` events of the timeline. */
export interface AgentTimelineClientEvents {
  "note:send": (payload: z.input<typeof noteSend>, ack: (a: Ack<{ event: TimelineEventView }>) => void) => void;
}
export interface AgentTimelineServerEvents {
  /** A note or a change was added to a conversation's timeline (every console). */
  "timeline:event": (event: TimelineEventView) => void;
  /** This agent was mentioned in a note. */
  mention: (notice: MentionNotice) => void;
}

/** `/visitor` events of the rating. */
export interface VisitorTimelineClientEvents {
  "conversation:rate": (payload: z.input<typeof ratePayload>, ack: (a: Ack<{ rating: RatingView }>) => void) => void;
}

export const AGENT_TIMELINE_EVENTS = clientEventNames<AgentTimelineClientEvents>({ "note:send": true });
export const VISITOR_TIMELINE_EVENTS = clientEventNames<VisitorTimelineClientEvents>({ "conversation:rate": true });
