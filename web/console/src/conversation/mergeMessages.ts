import type { MessageView } from "../api/inboxTypes";

/**
 * Adds messages to a seq-ordered list. A message already present is replaced (fresh attachment
 * URLs); the same message arriving by ack and by event is shown once.
 */
export function mergeMessages(current: MessageView[], incoming: MessageView[]): MessageView[] {
	const byId = new Map(current.map((message) => [message.id, message]));
	for (const message of incoming) byId.set(message.id, message);
	return [...byId.values()].sort((a, b) => a.seq - b.seq);
}
