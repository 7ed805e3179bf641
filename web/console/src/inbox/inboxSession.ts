import type { Translate } from "../../../shared/i18n";
import { createInboxApi } from "../api/inboxApi";
import { createInboxesApi, type InboxView } from "../api/inboxesApi";
import { createCallCenter } from "../calls/callCenter";
import type { ConversationStatus, ConversationSummary, TeamAgent } from "../api/inboxTypes";
import type { Agent } from "../api/types";
import { createOpenConversationStore } from "../conversation/openConversationStore";
import { createOutbox } from "../conversation/outbox";
import { createOutboxSender } from "../conversation/outboxSender";
import { createTimelineStore } from "../conversation/timelineStore";
import { showToast } from "../ui/toasts";
import type { MessageKey } from "../i18n";
import { unlockAudioOnFirstGesture } from "../notifications/ding";
import { createNewMessageAlerts } from "../notifications/newMessageAlerts";
import { connectAgentSocket, socketRequest } from "../realtime/agentSocket";
import { conversationRoute, navigate } from "../router";
import { session } from "../session/sessionStore";
import { createStore } from "../state/store";
import { createConversationListStore } from "./conversationListStore";
import { logFailure } from "../../../shared/logFailure";

export type ConnectionState = "connecting" | "online" | "offline";

/**
 * Everything the signed-in console keeps live: one socket, the inbox list, the open conversation,
 * the outbox and the alerts. Lives as long as the session, so alerts also ring on the settings page.
 */
export function createInboxSession(agent: Agent, translate: () => Translate<MessageKey>) {
	const api = createInboxApi(session.request);
	const { socket, close: closeSocket } = connectAgentSocket();
	const connection = createStore({ state: "connecting" as ConnectionState });
	const list = createConversationListStore(api, agent.id);
	const conversation = createOpenConversationStore({ api, socket, onRead: list.markRead });
	const outbox = createOutbox(agent.id);
	const sender = createOutboxSender({ outbox, socket, onSent: (message) => conversation.receiveMessage(message) });
	const team = createStore({ agents: null as TeamAgent[] | null });
	/** The inboxes this agent sees (admins: all), for the inbox name on each conversation when there are several. */
	const inboxes = createStore({ list: [] as InboxView[] });
	const inboxesApi = createInboxesApi(session.request);
	const loadInboxes = () =>
		inboxesApi
			.list()
			.then((list) => inboxes.update({ list }))
			.catch(logFailure("loading the inboxes"));
	const timeline = createTimelineStore(api);
	/** Conversations with a note that mentions this agent, not opened since (a badge in the list). */
	const mentions = createStore({ conversationIds: [] as string[] });
	const loadTimeline = (id: string) => timeline.load(id).catch(logFailure("loading the timeline"));
	conversation.subscribe(() => {
		const { id } = conversation.get();
		if (id && id !== timeline.get().conversationId) {
			loadTimeline(id);
			mentions.update((state) => ({ conversationIds: state.conversationIds.filter((c) => c !== id) }));
		}
	});
	/** Unsent reply text per conversation, so switching conversations keeps a half-written reply. */
	const drafts = new Map<string, string>();
	const alertVisitorMessage = createNewMessageAlerts({
		translate,
		isViewing: conversation.isViewing,
		openConversation: (id) => navigate(conversationRoute(id)),
	});
	const stopAudioUnlock = unlockAudioOnFirstGesture();
	const calls = createCallCenter({ socket, agentId: agent.id, translate });

	/** A changed conversation from an ack or event, applied everywhere it is shown. */
	function applySummary(summary: ConversationSummary, newActivity = false): void {
		list.apply(summary, newActivity);
		conversation.applySummary(summary);
	}

	socket.on("connect", () => {
		connection.update({ state: "online" });
		// Whatever happened while offline: reload the list, counts and the open conversation.
		list.reload().catch(logFailure("reloading the inbox"));
		list.refreshCounts().catch(logFailure("refreshing the inbox counts"));
		conversation.resync();
		timeline.reload().catch(logFailure("loading the timeline"));
		sender.flush();
		loadInboxes();
	});
	// Inboxes or their members changed: which conversations this agent sees may have too.
	socket.on("inboxes:changed", () => {
		loadInboxes();
		list.reload().catch(logFailure("reloading the inbox"));
		list.refreshCounts().catch(logFailure("refreshing the inbox counts"));
	});
	socket.on("disconnect", (reason) => {
		// Reconnecting with a rotated token is deliberate and quick: no "Reconnecting…" flash for it.
		if (reason !== "io client disconnect") connection.update({ state: "offline" });
	});

	socket.on("message:new", ({ message, conversation: summary }) => {
		applySummary(summary, true);
		conversation.receiveMessage(message);
		sender.confirm(message.clientId);
		if (message.author.type !== "visitor") return;
		// The agent sees it now: receiveMessage sent "read". Otherwise tell the visitor it arrived.
		if (!conversation.isViewing(summary.id)) {
			socket.emit("receipt", { conversationId: summary.id, seq: message.seq, kind: "delivered" });
		}
		alertVisitorMessage(message, summary);
	});
	socket.on("conversation:updated", (summary) => applySummary(summary));
	socket.on("typing", ({ conversationId, typing }) => conversation.setVisitorTyping(conversationId, typing));
	socket.on("receipts", ({ conversationId, deliveredSeq, readSeq }) =>
		conversation.applyReceipts(conversationId, { deliveredSeq, readSeq }),
	);

	socket.on("timeline:event", (event) => timeline.receive(event));
	socket.on("mention", ({ event, conversationId, visitorName }) => {
		const t = translate();
		showToast(t("note.mentioned", { name: event.actor.name ?? t("message.team"), visitor: visitorName ?? t("note.aVisitor") }));
		if (!conversation.isViewing(conversationId)) {
			mentions.update((state) => ({ conversationIds: [...new Set([...state.conversationIds, conversationId])] }));
		}
	});
	socket.on("call:ended", () => timeline.reload().catch(logFailure("loading the timeline")));

	const onVisibilityChange = () => conversation.maybeSendRead();
	document.addEventListener("visibilitychange", onVisibilityChange);

	return {
		agent,
		api,
		connection,
		list,
		conversation,
		outbox,
		sender,
		team,
		inboxes,
		drafts,
		calls,
		timeline,
		mentions,

		/** A private note on the conversation: agents see it, the visitor never does. */
		async addNote(conversationId: string, body: string): Promise<void> {
			const { event } = await socketRequest(socket, "note:send", { conversationId, body });
			timeline.receive(event);
		},

		/** Assigns to an agent, or unassigns with null; rejects with the server's error. */
		async assign(conversationId: string, agentId: string | null): Promise<void> {
			const { conversation: summary } = await socketRequest(socket, "conversation:assign", { conversationId, agentId });
			applySummary(summary);
		},

		async setStatus(conversationId: string, status: ConversationStatus): Promise<void> {
			const { conversation: summary } = await socketRequest(socket, "conversation:status", { conversationId, status });
			applySummary(summary);
		},

		/** The team for the assign menu, fetched again each time the menu opens (presence changes). */
		async loadTeam(): Promise<void> {
			team.update({ agents: (await api.team()).agents });
		},

		sendTyping(conversationId: string, typing: boolean): void {
			if (socket.connected) socket.emit("typing", { conversationId, typing });
		},

		stop(): void {
			calls.stop();
			closeSocket();
			list.stop();
			conversation.stop();
			sender.stop();
			outbox.close();
			stopAudioUnlock();
			document.removeEventListener("visibilitychange", onVisibilityChange);
		},
	};
}

export type InboxSession = ReturnType<typeof createInboxSession>;
