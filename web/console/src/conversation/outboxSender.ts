import { ApiError } from "../api/http";
import type { AttachmentView, MessageView } from "../api/inboxTypes";
import { type AgentSocket, isUndelivered, socketRequest } from "../realtime/agentSocket";
import type { Outbox, OutboxItem } from "./outbox";

/** A unique id for a reply; randomUUID needs a secure context, so plain-http LAN installs get a fallback. */
function newClientId(): string {
	if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** After an ack timeout on a live connection, send again this soon (the server deduplicates). */
const TIMEOUT_RETRY_MS = 5_000;

/**
 * Sends replies through the outbox: saved first, sent in order, removed on ack. A timeout or a lost
 * connection keeps the item for the next attempt; a refusal keeps it as failed for the agent.
 */
export function createOutboxSender(deps: {
	outbox: Outbox;
	socket: AgentSocket;
	/** Shows the confirmed message at once, before (or instead of) its message:new event. */
	onSent: (message: MessageView) => void;
}) {
	const { outbox, socket } = deps;
	const inFlight = new Set<string>();
	let queue: Promise<void> = Promise.resolve();
	let retryTimer: ReturnType<typeof setTimeout> | undefined;

	async function attempt(item: OutboxItem): Promise<void> {
		// Another tab or the message:new event may have settled it while it waited in the queue.
		if (!outbox.has(item.clientId) || inFlight.has(item.clientId) || !socket.connected) return;
		inFlight.add(item.clientId);
		try {
			const { message } = await socketRequest(socket, "message:send", {
				conversationId: item.conversationId,
				clientId: item.clientId,
				body: item.body,
				attachmentIds: item.attachments.map((attachment) => attachment.id),
			});
			outbox.remove(item.clientId);
			deps.onSent(message);
		} catch (error) {
			if (!isUndelivered(error)) {
				const { id, message } = error instanceof ApiError ? error : new ApiError(0, "unknown", "");
				outbox.setFailure(item.clientId, { id, message });
			} else if (socket.connected) {
				clearTimeout(retryTimer);
				retryTimer = setTimeout(flush, TIMEOUT_RETRY_MS);
			}
			// Disconnected: the connect handler flushes the outbox.
		} finally {
			inFlight.delete(item.clientId);
		}
	}

	function enqueue(item: OutboxItem): void {
		// One at a time, so replies keep the order the agent wrote them in.
		queue = queue.then(() => attempt(item));
	}

	/** Sends every waiting item; called after each (re)connect and on page load. */
	function flush(): void {
		for (const item of outbox.get().items) if (!item.failure) enqueue(item);
	}

	return {
		flush,

		send(conversationId: string, body: string, attachments: AttachmentView[]): void {
			const item: OutboxItem = {
				clientId: newClientId(),
				conversationId,
				body,
				attachments,
				createdAt: new Date().toISOString(),
				failure: null,
			};
			outbox.add(item);
			enqueue(item);
		},

		retry(clientId: string): void {
			outbox.setFailure(clientId, null);
			const item = outbox.get().items.find((candidate) => candidate.clientId === clientId);
			if (item) enqueue(item);
		},

		discard: (clientId: string) => outbox.remove(clientId),

		/** The server confirmed a message by event (e.g. the ack was lost): it is no longer pending. */
		confirm(clientId: string): void {
			if (outbox.has(clientId)) outbox.remove(clientId);
		},

		stop: () => clearTimeout(retryTimer),
	};
}

export type OutboxSender = ReturnType<typeof createOutboxSender>;
