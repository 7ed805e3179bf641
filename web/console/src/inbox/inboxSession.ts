import type { Translate } from "../../../shared/i18n";
import { createInboxApi } from "../api/inboxApi";
import { createInboxesApi, type InboxView } from "../api/inboxesApi";
import { createCallCenter } from "../calls/callCenter";
import type { AgentStatus, AgentStatusView, ConversationStatus, ConversationSummary, TeamAgent } from "../api/inboxTypes";
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
import { createCallbacksApi } from "../api/callbacksApi";
import { createCallbackStore } from "../callbacks/callbackStore";
import { conversationRoute, navigate } from "../router";
import { session } from "../session/sessionStore";
import { createStore } from "../state/store";
import { createLabelsApi } from "../api/labelsApi";
import { createLabelCatalogue } from "../labels/labelCatalogue";
import { createConversationListStore } from "./conversationListStore";
import { filtersFromQuery } from "./listFilterQuery";
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
	const labelsApi = createLabelsApi(session.request);
	const labels = createLabelCatalogue(labelsApi);
	// A bookmarked or shared inbox URL names its filters in the query.
	const list = createConversationListStore(api, agent.id, filtersFromQuery(location.search));
	const conversation = createOpenConversationStore({ api, socket, onRead: list.markRead });
	const outbox = createOutbox(agent.id);
	const sender = createOutboxSender({ outbox, socket, onSent: (message) => conversation.receiveMessage(message) });
	const team = createStore({ agents: null as TeamAgent[] | null });
	/** Each agent's chosen status and availability, live (`team:status`): the header, the assign menu, the team page. */
	const presence = createStore({ byAgent: {} as Record<string, AgentStatusView> });
	const applyTeam = (agents: TeamAgent[]) => {
		team.update({ agents });
		presence.update({ byAgent: Object.fromEntries(agents.map((a) => [a.id, { agentId: a.id, status: a.status, available: a.available }])) });
	};
	const applyStatus = (view: AgentStatusView) => {
		presence.update((state) => ({ byAgent: { ...state.byAgent, [view.agentId]: view } }));
		const agents = team.get().agents;
		if (agents) team.update({ agents: agents.map((a) => (a.id === view.agentId ? { ...a, status: view.status, available: view.available } : a)) });
	};
	const loadTeam = async () => applyTeam((await api.team()).agents);

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
	const callbacks = createCallbackStore(createCallbacksApi(session.request), socket);

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
		loadTeam().catch(logFailure("loading the team's status"));
		labels.reload().catch(logFailure("loading the labels"));
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
	socket.on("team:status", applyStatus);
	socket.on("labels:changed", () => labels.reload().catch(logFailure("loading the labels")));
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
		presence,
		inboxes,
		drafts,
		calls,
		timeline,
		mentions,
		labels,

		/** Puts a label on a conversation or takes it off; shown here at once, on other consoles through the socket. */
		async setLabel(conversationId: string, labelId: string, on: boolean): Promise<void> {
			const labels = on
				? await labelsApi.addToConversation(conversationId, labelId)
				: await labelsApi.removeFromConversation(conversationId, labelId);
			const open = conversation.get().summary;
			const summary = open?.id === conversationId ? open : list.get().conversations.find((item) => item.id === conversationId);
			if (summary) applySummary({ ...summary, labels });
		},
		callbacks,

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
			await loadTeam();
		},

		/** The agent chooses online, away or offline; every console hears it. */
		async setMyStatus(status: AgentStatus): Promise<void> {
			applyStatus(await socketRequest(socket, "status:set", { status }));
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
