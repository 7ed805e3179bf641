import type { InboxApi } from "../api/inboxApi";
import { MESSAGE_PAGE_SIZE } from "../api/inboxApi";
import type { ConversationDetails, ConversationSummary, MessageView, ReceiptsView } from "../api/inboxTypes";
import { type AgentSocket, socketRequest } from "../realtime/agentSocket";
import { createStore } from "../state/store";
import { mergeMessages } from "./mergeMessages";
import { logFailure } from "../../../shared/logFailure";

export interface OpenConversationState {
	id: string | null;
	summary: ConversationSummary | null;
	/** Visitor profile and other conversations, loaded over REST beside the socket open. */
	details: ConversationDetails | null;
	detailsError: unknown;
	messages: MessageView[];
	phase: "idle" | "loading" | "ready" | "error";
	error: unknown;
	hasOlder: boolean;
	loadingOlder: boolean;
	visitorTyping: boolean;
	/** A message to scroll to and highlight (a search hit), once it is loaded. */
	focusSeq: number | null;
}

/** conversation:open with afterSeq 0 returns at most this many of the latest messages. */
const OPEN_PAGE_SIZE = 100;
/** A visitor whose "stopped typing" got lost stops showing as typing after this long. */
const TYPING_TIMEOUT_MS = 8_000;
/** Expired attachment URLs are renewed at most this often, so a broken file cannot loop. */
const URL_REFRESH_INTERVAL_MS = 15_000;
const MAX_URL_REFRESH_PAGES = 20;
/** Opening at a search hit loads older pages until it is in, at most this many. */
const MAX_FOCUS_PAGES = 40;

const EMPTY: OpenConversationState = {
	id: null,
	summary: null,
	details: null,
	detailsError: null,
	messages: [],
	phase: "idle",
	error: null,
	hasOlder: false,
	loadingOlder: false,
	visitorTyping: false,
	focusSeq: null,
};

const lastSeq = (messages: MessageView[]) => messages.at(-1)?.seq ?? 0;

/** The conversation the agent has open: its messages, typing and receipts; sends read receipts. */
export function createOpenConversationStore(deps: {
	api: InboxApi;
	socket: AgentSocket;
	/** Called after a read receipt went out, to clear the conversation's unread badge. */
	onRead: (conversationId: string) => void;
}) {
	const { api, socket } = deps;
	const store = createStore<OpenConversationState>(EMPTY);
	let paneVisible = true;
	let readSentSeq = 0;
	let typingTimer: ReturnType<typeof setTimeout> | undefined;
	let lastUrlRefresh = 0;
	// A search hit to open at: set before the conversation opens, applied once its messages are in.
	let pendingFocus: { id: string; seq: number } | null = null;

	const isCurrent = (id: string) => store.get().id === id;

	/** True when the agent can see this conversation's messages right now. */
	function isViewing(id: string): boolean {
		return isCurrent(id) && paneVisible && document.visibilityState === "visible";
	}

	function merge(incoming: MessageView[]): void {
		if (incoming.length === 0) return;
		store.update((state) => ({ messages: mergeMessages(state.messages, incoming) }));
		maybeSendRead();
	}

	function maybeSendRead(): void {
		const { id, messages } = store.get();
		if (!id || !isViewing(id) || !socket.connected) return;
		const newestVisitorSeq = messages.reduce(
			(newest, message) => (message.author.type === "visitor" ? Math.max(newest, message.seq) : newest),
			0,
		);
		if (newestVisitorSeq <= readSentSeq) return;
		readSentSeq = lastSeq(messages);
		socket.emit("receipt", { conversationId: id, seq: readSentSeq, kind: "read" });
		deps.onRead(id);
	}

	async function fetchMessagesAfter(id: string, afterSeq: number): Promise<void> {
		try {
			const { conversation, messages } = await socketRequest(socket, "conversation:open", { conversationId: id, afterSeq });
			if (!isCurrent(id)) return;
			const firstLoad = store.get().phase !== "ready";
			store.update({ summary: conversation, phase: "ready", error: null });
			if (firstLoad) {
				const oldest = messages[0]?.seq ?? 0;
				store.update({ hasOlder: messages.length >= OPEN_PAGE_SIZE && oldest > 1 });
			}
			merge(messages);
			if (pendingFocus?.id === id) await reachFocus(id);
		} catch (error) {
			// Offline is not an error here: the reconnect handler opens the conversation again.
			if (isCurrent(id) && socket.connected && store.get().phase !== "ready") store.update({ phase: "error", error });
		}
	}

	async function fetchDetails(id: string): Promise<void> {
		try {
			const details = await api.conversation(id);
			if (!isCurrent(id)) return;
			store.update((state) => ({ details, detailsError: null, summary: state.summary ?? details.conversation }));
			if (store.get().phase !== "ready" && !socket.connected) await showLatestOverRest(id, details.conversation.lastSeq);
		} catch (error) {
			if (isCurrent(id)) store.update({ detailsError: error });
		}
	}

	/** Without a socket the history still shows: the latest page over REST; the socket adds the rest later. */
	async function showLatestOverRest(id: string, conversationLastSeq: number): Promise<void> {
		const { messages } = await api.olderMessages(id, conversationLastSeq + 1);
		if (!isCurrent(id) || store.get().phase === "ready") return;
		const oldest = messages[0]?.seq ?? 0;
		store.update({ phase: "ready", hasOlder: messages.length >= MESSAGE_PAGE_SIZE && oldest > 1 });
		merge(messages);
	}

	function open(id: string): void {
		if (isCurrent(id)) return;
		clearTimeout(typingTimer);
		readSentSeq = 0;
		store.update({ ...EMPTY, id, phase: "loading" });
		fetchDetails(id).catch(logFailure("loading the conversation"));
		fetchMessagesAfter(id, 0).catch(logFailure("loading the messages"));
	}

	/** Loads older pages until the pending focus message is in, then asks the list to show it. */
	async function reachFocus(id: string): Promise<void> {
		if (!pendingFocus || pendingFocus.id !== id) return;
		const { seq } = pendingFocus;
		pendingFocus = null;
		store.update({ focusSeq: seq });
		for (let page = 0; page < MAX_FOCUS_PAGES && isCurrent(id); page++) {
			const { messages, hasOlder } = store.get();
			if (!hasOlder || (messages[0]?.seq ?? 0) <= seq) return;
			await loadOlder();
		}
	}

	/** Opens a conversation at one of its messages (a search hit). */
	function openAt(id: string, seq: number): void {
		pendingFocus = { id, seq };
		if (isCurrent(id) && store.get().phase === "ready") reachFocus(id).catch(logFailure("loading the message found"));
		else open(id);
	}

	/** After a (re)connect: fetch what was missed while the socket was down. */
	function resync(): void {
		const { id, phase, messages, details } = store.get();
		if (!id) return;
		fetchMessagesAfter(id, phase === "ready" ? lastSeq(messages) : 0).catch(logFailure("loading new messages"));
		if (!details) fetchDetails(id).catch(logFailure("loading the conversation"));
	}

	async function loadOlder(): Promise<void> {
		const { id, messages, hasOlder, loadingOlder } = store.get();
		const oldest = messages[0]?.seq;
		if (!id || !hasOlder || loadingOlder || oldest === undefined) return;
		store.update({ loadingOlder: true });
		try {
			const page = await api.olderMessages(id, oldest);
			if (!isCurrent(id)) return;
			const reachedStart = page.messages.length < MESSAGE_PAGE_SIZE || (page.messages[0]?.seq ?? 0) <= 1;
			store.update({ hasOlder: !reachedStart });
			merge(page.messages);
		} catch (error) {
			if (isCurrent(id)) store.update({ error });
		} finally {
			if (isCurrent(id)) store.update({ loadingOlder: false });
		}
	}

	/** Attachment URLs are signed and expire: re-open the conversation to get fresh ones. */
	async function refreshAttachmentUrls(): Promise<void> {
		const { id, messages } = store.get();
		if (!id || Date.now() - lastUrlRefresh < URL_REFRESH_INTERVAL_MS) return;
		lastUrlRefresh = Date.now();
		const oldestLoaded = messages[0]?.seq ?? 0;
		try {
			const latest = await socketRequest(socket, "conversation:open", { conversationId: id, afterSeq: 0 });
			if (!isCurrent(id)) return;
			merge(latest.messages);
			// conversation:open renews only the latest messages; older loaded pages come again over REST.
			let before = latest.messages[0]?.seq;
			for (let page = 0; before !== undefined && before > oldestLoaded && page < MAX_URL_REFRESH_PAGES; page++) {
				const { messages: older } = await api.olderMessages(id, before);
				if (!isCurrent(id)) return;
				merge(older);
				before = older[0]?.seq;
			}
		} catch {
			// The broken preview stays; the next failure tries again after the interval.
		}
	}

	/** The visitor did something live (wrote, typed): the panel's "Last seen" moves with it, not only on reload. */
	function visitorActive(at: string): void {
		const { details } = store.get();
		if (!details || Date.parse(at) <= Date.parse(details.visitor.lastSeenAt)) return;
		store.update({ details: { ...details, visitor: { ...details.visitor, lastSeenAt: at } } });
	}

	return {
		...store,
		open,
		openAt,
		resync,
		loadOlder,
		refreshAttachmentUrls,
		isViewing,
		maybeSendRead,
		close: () => store.update(EMPTY),

		setPaneVisible(visible: boolean): void {
			paneVisible = visible;
			maybeSendRead();
		},

		receiveMessage(message: MessageView): void {
			if (!isCurrent(message.conversationId)) return;
			if (message.author.type === "visitor") {
				store.update({ visitorTyping: false });
				visitorActive(message.createdAt);
			}
			merge([message]);
		},

		applySummary(summary: ConversationSummary): void {
			if (isCurrent(summary.id)) store.update({ summary });
		},

		applyReceipts(conversationId: string, receipts: ReceiptsView): void {
			const { summary } = store.get();
			if (summary && summary.id === conversationId) store.update({ summary: { ...summary, visitorReceipts: receipts } });
		},

		setVisitorTyping(conversationId: string, typing: boolean): void {
			if (!isCurrent(conversationId)) return;
			clearTimeout(typingTimer);
			if (typing) typingTimer = setTimeout(() => store.update({ visitorTyping: false }), TYPING_TIMEOUT_MS);
			store.update({ visitorTyping: typing });
			if (typing) visitorActive(new Date().toISOString());
		},

		stop: () => clearTimeout(typingTimer),
	};
}

export type OpenConversationStore = ReturnType<typeof createOpenConversationStore>;
