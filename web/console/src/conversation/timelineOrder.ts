import type { MessageView, TimelineEventView, TimelineResponse } from "../api/inboxTypes";
import type { TimelineState } from "./timelineStore";

export type TimelineEntry = { type: "event"; at: string; event: TimelineEventView } | { type: "call"; at: string; call: TimelineResponse["calls"][number] };

/**
 * The notes, changes and calls that belong after `previous` and up to `next` (a message), oldest
 * first; with older messages not loaded yet, nothing before the first loaded message is shown.
 */
export function timelineBetween(state: TimelineState, previous: MessageView | undefined, next: MessageView | undefined, hasOlder: boolean): TimelineEntry[] {
	const from = previous?.createdAt;
	const to = next?.createdAt;
	if (!from && hasOlder) return [];
	const inRange = (at: string) => (!from || at >= from) && (!to || at < to);
	const entries: TimelineEntry[] = [
		...state.events.filter((event) => inRange(event.createdAt)).map((event) => ({ type: "event" as const, at: event.createdAt, event })),
		...state.calls.filter((call) => inRange(call.createdAt)).map((call) => ({ type: "call" as const, at: call.createdAt, call })),
	];
	return entries.sort((a, b) => a.at.localeCompare(b.at));
}
