import { hostState, postToHost } from "../host/hostBridge";
import type { Ack, AttachmentView, MessageView, VisitorConversationView, VisitorMailState, VisitorProfile, WidgetAvailability } from "../protocol";
import { createStore } from "../state/store";
import { newClientId } from "./clientId";
import { addToOutbox, type OutboxEntry, readOutbox, removeFromOutbox } from "./outbox";
import { lastSeq, mergeMessages } from "./timeline";
import { ACK_TIMEOUT_MS, NO_ANSWER_ID, settleAck, type VisitorSocket } from "./visitorSocket";
import { logFailure } from "../../../../shared/logFailure";
import { freshWidgetConfig } from "../widgetConfig";

/** A failure the visitor is told about, with the server's stable id. */
export interface ChatError {
	id: string;
	message: string;
	/** Set when a limit refused it: how long until trying again makes sense. */
	retryAfterMs?: number;
}

/** A message in the outbox; `error` is null while it is (or waits to be) sent. */
export interface PendingMessage extends OutboxEntry {
	error: ChatError | null;
}

export interface ChatState {
	connection: "connecting" | "connected" | "disconnected";
	/** The first conversation:sync has answered, so `conversation` is known. */
	synced: boolean;
	conversation: VisitorConversationView | null;
	/** Messages the server has, ordered by seq. */
	messages: MessageView[];
	pending: PendingMessage[];
	/** Null until the server has said. */
	agentsOnline: boolean | null;
	/** Whether a call can reach anyone (an agent online, or a Telegram chat to ring); null until the server has said. */
	callsAvailable: boolean | null;
	/** Whether the team mails visitors, and has this visitor's address; null until the server has said. */
	mail: VisitorMailState | null;
	/** Business hours and what is offered instead of a call; null until the server has said. */
	availability: WidgetAvailability | null;
	/** The server refused the connection (a limit): why, and when the widget tries again by itself. */
	refusal: { id: string; retryAt: number } | null;
	/** The privacy notice version the visitor agreed to (on the server, or ticked now); sent with each message. */
	privacyConsent: string | null;
}

export const chatState = createStore<ChatState>({
	connection: "connecting",
	synced: false,
	conversation: null,
	messages: [],
	// Filled from the outbox by attachChat, once storage is loaded.
	pending: [],
	agentsOnline: null,
	callsAvailable: null,
	mail: null,
	availability: null,
	refusal: null,
	privacyConsent: null,
});

const SYNC_RETRY_MS = 3_000;

let socket: VisitorSocket | null = null;
/** Messages are sent one at a time so the server numbers them in the order they were written. */
let sendChain: Promise<void> = Promise.resolve();
const queued = new Set<string>();

function patch(change: Partial<ChatState>): void {
	chatState.update((state) => ({ ...state, ...change }));
}

function setPendingError(clientId: string, error: ChatError | null): void {
	chatState.update((state) => ({
		...state,
		pending: state.pending.map((p) => (p.clientId === clientId ? { ...p, error } : p)),
	}));
}

/** Puts server messages on screen and retires the pending copies they stand for. */
/** Adds messages to the conversation; `live` ones the page hears of (window.destek.on), each once, unlike history. */
function absorb(messages: MessageView[], live?: boolean): void {
	for (const m of messages)
		if (live && !chatState.get().messages.some((known) => known.id === m.id))
			postToHost({ type: "destek:message", from: m.author.type, name: m.author.name, text: m.body });
	const arrived = new Set(messages.map((message) => message.clientId));
	const done = chatState.get().pending.filter((p) => arrived.has(p.clientId));
	removeFromOutbox(done.map((p) => p.clientId));
	chatState.update((state) => ({
		...state,
		messages: mergeMessages(state.messages, messages),
		pending: state.pending.filter((p) => !arrived.has(p.clientId)),
	}));
}

/** Fetches what happened since the last seq on screen; retried while connected until it answers. */
async function sync(connection: VisitorSocket): Promise<void> {
	const afterSeq = lastSeq(chatState.get().messages);
	const answer = await new Promise<Ack<{ conversation: VisitorConversationView | null; messages: MessageView[]; agentsOnline: boolean; callsAvailable: boolean; mail: VisitorMailState; availability: WidgetAvailability; privacyConsent: string | null }>>(
		(resolve) => connection.timeout(ACK_TIMEOUT_MS).emit("conversation:sync", { afterSeq }, settleAck(resolve)),
	);
	if (!answer.ok) {
		setTimeout(() => {
			if (connection.connected) sync(connection).catch(logFailure("syncing the conversation"));
		}, SYNC_RETRY_MS);
		return;
	}
	const { conversation, messages, agentsOnline, callsAvailable, mail, availability, privacyConsent } = answer.data;
	const shown = chatState.get().conversation;
	if (shown && conversation && shown.id !== conversation.id) {
		// The server moved us to another conversation: its seqs start over, so fetch it from the start.
		patch({ conversation: null, messages: [] });
		return sync(connection);
	}
	patch({ conversation, agentsOnline, callsAvailable, mail, availability, synced: true, privacyConsent });
	absorb(messages);
}

async function sendOne(clientId: string): Promise<void> {
	const entry = chatState.get().pending.find((p) => p.clientId === clientId);
	const connection = socket;
	// Offline: the entry stays in the outbox and goes out after the next connect.
	if (!entry || !connection?.connected) return;
	setPendingError(clientId, null);
	const payload = {
		clientId,
		body: entry.body,
		attachmentIds: entry.attachmentIds,
		...(entry.pageUrl ? { pageUrl: entry.pageUrl } : {}),
		privacyConsent: chatState.get().privacyConsent ?? undefined,
	};
	const answer = await new Promise<Ack<{ message: MessageView }>>((resolve) =>
		connection.timeout(ACK_TIMEOUT_MS).emit("message:send", payload, settleAck(resolve)),
	);
	if (answer.ok) {
		absorb([answer.data.message], true);
		// The first message opens the conversation, and one long after a resolve opens a new one
		// (REOPEN_WINDOW_MS on the server): fetch it for its receipts and status (sync starts a new one afresh).
		if (chatState.get().conversation?.id !== answer.data.message.conversationId) sync(connection).catch(logFailure("syncing the conversation"));
	} else if (answer.error.id !== NO_ANSWER_ID || connection.connected) {
		// A refusal, or silence on a live connection: the visitor decides (Retry). A dropped
		// connection needs no decision: the outbox is resent on reconnect.
		setPendingError(clientId, answer.error);
		// The notice changed since the widget loaded: show the new one, to be agreed to again.
		if (answer.error.id === "consent_required") {
			patch({ privacyConsent: null });
			freshWidgetConfig().catch(logFailure("reloading the widget config"));
		}
	}
}

/** The visitor ticked (a version) or unticked (null) the privacy notice's checkbox. */
export function agreeToNotice(version: string | null): void {
	patch({ privacyConsent: version });
}

function queueSend(clientId: string): void {
	if (queued.has(clientId)) return;
	queued.add(clientId);
	sendChain = sendChain.then(() => sendOne(clientId)).finally(() => queued.delete(clientId));
}

/** Resending is always safe: the server answers a repeated clientId with the message it already has. */
function flushOutbox(): void {
	for (const pending of chatState.get().pending) queueSend(pending.clientId);
}

/** Writes a message to the outbox first, shows it as sending, then sends it. */
export function sendMessage(body: string, attachments: AttachmentView[] = []): void {
	const entry: OutboxEntry = {
		clientId: newClientId(),
		body,
		attachmentIds: attachments.map((attachment) => attachment.id),
		attachments,
		pageUrl: hostState.get().pageUrl,
		createdAt: new Date().toISOString(),
	};
	addToOutbox(entry);
	chatState.update((state) => ({ ...state, pending: [...state.pending, { ...entry, error: null }] }));
	queueSend(entry.clientId);
}

export function retryMessage(clientId: string): void {
	setPendingError(clientId, null);
	queueSend(clientId);
}

/** Drops a message the visitor gave up on (e.g. one the server keeps refusing). */
export function discardMessage(clientId: string): void {
	removeFromOutbox([clientId]);
	chatState.update((state) => ({ ...state, pending: state.pending.filter((p) => p.clientId !== clientId) }));
}

/** Saves the pre-chat form; resolves with the error to show, or null. */
export async function updateProfile(profile: VisitorProfile): Promise<ChatError | null> {
	const connection = socket;
	if (!connection) return { id: NO_ANSWER_ID, message: "" };
	const answer = await new Promise<Ack<{ ok: true }>>((resolve) =>
		connection.timeout(ACK_TIMEOUT_MS).emit("profile:update", profile, settleAck(resolve)),
	);
	if (answer.ok && profile.email) {
		const { mail } = chatState.get();
		patch({ mail: { enabled: mail?.enabled ?? false, known: true } });
	}
	return answer.ok ? null : answer.error;
}

/** Asks for the transcript by e-mail (to `email`, or the address the server knows). */
export async function requestTranscript(email: string | undefined): Promise<ChatError | null> {
	const connection = socket;
	if (!connection) return { id: NO_ANSWER_ID, message: "" };
	const answer = await new Promise<Ack<{ email: string }>>((resolve) =>
		connection.timeout(ACK_TIMEOUT_MS).emit("transcript:request", email ? { email } : {}, settleAck(resolve)),
	);
	return answer.ok ? null : answer.error;
}

/** Rates the resolved conversation (1-5, optional comment); rating again replaces it. Resolves with the error, or null. */
export async function rateConversation(conversationId: string, score: number, comment: string): Promise<ChatError | null> {
	const connection = socket;
	if (!connection) return { id: NO_ANSWER_ID, message: "" };
	const answer = await new Promise<Ack<unknown>>((resolve) =>
		connection.timeout(ACK_TIMEOUT_MS).emit("conversation:rate", { conversationId, score, comment: comment.trim() }, settleAck(resolve)),
	);
	return answer.ok ? null : answer.error;
}

/** Server events that change the conversation, its messages and presence. */
export function attachChat(connection: VisitorSocket): void {
	socket = connection;
	patch({ pending: readOutbox().map((entry) => ({ ...entry, error: null })) });
	connection.on("connect", () => {
		patch({ connection: "connected" });
		// Sync first so a message the server already has is recognised before it would be resent.
		sync(connection).then(flushOutbox).catch(logFailure("syncing the conversation"));
	});
	connection.on("disconnect", () => patch({ connection: "disconnected" }));
	connection.on("message:new", (message) => absorb([message], true));
	// Whether anyone answers (business hours too) and a call can ring someone is the server's to say.
	connection.on("agents:presence", () => sync(connection).catch(logFailure("syncing the conversation")));
	connection.on("conversation:updated", (conversation) => patch({ conversation }));
	connection.on("receipts", ({ conversationId, deliveredSeq, readSeq }) => {
		const { conversation } = chatState.get();
		if (conversation?.id !== conversationId) {
			sync(connection).catch(logFailure("syncing the conversation"));
			return;
		}
		patch({ conversation: { ...conversation, agentReceipts: { deliveredSeq, readSeq } } });
	});
}
