import { useLayoutEffect, useRef } from "preact/hooks";
import { chatState } from "../chat/chatStore";
import { agentTyping } from "../chat/typingSignals";
import { uploads } from "../chat/uploadQueue";
import { frameOptions } from "../frameOptions";
import { useI18n } from "../i18n";
import type { MessageView } from "../protocol";
import { useStore } from "../state/store";
import { widgetConfig } from "../widgetConfig";
import { PendingMessage } from "./PendingMessage";
import { PendingUpload } from "./PendingUpload";
import { ServerMessage } from "./ServerMessage";

/** How close to the bottom (px) still counts as "following the conversation". */
const STICKY_BOTTOM_PX = 96;

function sameAuthor(previous: MessageView | undefined, message: MessageView): boolean {
	return previous?.author.type === message.author.type && previous.author.id === message.author.id;
}

/** The conversation: greeting, offline note, messages, pending messages and uploads, typing. */
export function MessageLog() {
	const { t } = useI18n();
	const chat = useStore(chatState);
	const pendingUploads = useStore(uploads);
	const typing = useStore(agentTyping);
	const config = useStore(widgetConfig);
	const scroller = useRef<HTMLDivElement>(null);
	const following = useRef(true);
	const ownCount = chat.pending.length + pendingUploads.length;
	const lastOwnCount = useRef(ownCount);

	// Keep the newest message in view, unless the visitor scrolled up to read older ones;
	// something they just sent always scrolls into view.
	useLayoutEffect(() => {
		const element = scroller.current;
		const sentSomething = ownCount > lastOwnCount.current;
		lastOwnCount.current = ownCount;
		if (element && (following.current || sentSomething)) element.scrollTop = element.scrollHeight;
	});

	const onScroll = () => {
		const element = scroller.current;
		if (element) following.current = element.scrollHeight - element.scrollTop - element.clientHeight < STICKY_BOTTOM_PX;
	};

	const agentsOnline = chat.agentsOnline ?? config?.agentsOnline ?? true;
	const receipts = chat.conversation?.agentReceipts ?? null;
	const empty = chat.messages.length === 0;
	return (
		<div class="log-scroller" ref={scroller} onScroll={onScroll}>
			{/* The greeting stays the first item of the conversation, not only of an empty one. */}
			<p class="greeting">{frameOptions.greeting || config?.greeting || t("chat.greeting")}</p>
			{!agentsOnline && <p class="offline-note">{t("chat.offline")}</p>}
			{empty && !chat.synced && chat.connection !== "connected" && (
				<p class="connection-note">{t("chat.connecting")}</p>
			)}
			<div class="log" role="log" aria-live="polite" aria-label={t("chat.log")}>
				{chat.messages.map((message, index) => (
					<ServerMessage
						key={message.id}
						message={message}
						receipts={receipts}
						continues={sameAuthor(chat.messages[index - 1], message)}
					/>
				))}
				{chat.pending.map((pending) => (
					<PendingMessage key={pending.clientId} pending={pending} />
				))}
				{pendingUploads.map((upload) => (
					<PendingUpload key={upload.id} upload={upload} />
				))}
			</div>
			<p class="typing" role="status">
				{typing && (typing.name ? t("chat.typing", { name: typing.name }) : t("chat.typingAnonymous"))}
			</p>
		</div>
	);
}
