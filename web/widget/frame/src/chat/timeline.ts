import type { MessageView } from "../protocol";

/** Adds server messages to the timeline: one copy per id, ordered by the server's seq. */
export function mergeMessages(current: readonly MessageView[], incoming: readonly MessageView[]): MessageView[] {
	if (incoming.length === 0) return current as MessageView[];
	const byId = new Map(current.map((message) => [message.id, message]));
	for (const message of incoming) byId.set(message.id, message);
	return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/** The seq to sync after: everything up to it is already on screen. */
export function lastSeq(messages: readonly MessageView[]): number {
	return messages.at(-1)?.seq ?? 0;
}

/** Highest seq of a message not written by the visitor (what read receipts are about). */
export function lastIncomingSeq(messages: readonly MessageView[]): number {
	for (let i = messages.length - 1; i >= 0; i--) {
		const message = messages[i];
		if (message && message.author.type !== "visitor") return message.seq;
	}
	return 0;
}
