import { Fragment } from "preact";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { MessageView } from "../api/inboxTypes";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { visitorName } from "../inbox/visitorName";
import { useStore } from "../state/store";
import { Button } from "../ui/Button";
import { daysAgo, formatDay } from "../ui/formatTime";
import { Icon } from "../ui/Icon";
import { MessageBubble } from "./MessageBubble";
import type { OutboxItem } from "./outbox";
import { PendingMessage } from "./PendingMessage";
import { TimelineCallItem, TimelineEventItem } from "./TimelineItem";
import { timelineBetween } from "./timelineOrder";
import { logFailure } from "../../../shared/logFailure";

/** Within this distance of the bottom, new messages keep the view pinned to the latest one. */
const PINNED_THRESHOLD_PX = 80;

function dayKey(iso: string): string {
	return new Date(iso).toDateString();
}

/** The scrolling history: day separators, messages, pending replies and the typing indicator. */
export function MessageList({ pending }: { pending: OutboxItem[] }) {
	const { t, language } = useI18n();
	const { conversation, timeline } = useInbox();
	const state = useStore(conversation, (value) => value);
	const extras = useStore(timeline, (value) => value);
	const { messages, summary } = state;
	const scroller = useRef<HTMLDivElement>(null);
	const topSentinel = useRef<HTMLDivElement>(null);
	const pinned = useRef(true);
	const heightBefore = useRef(0);
	const firstSeq = useRef<number | null>(null);
	const latestId = useRef<string | undefined>(undefined);
	const [unseenBelow, setUnseenBelow] = useState(false);

	const scrollToLatest = useCallback(() => {
		const element = scroller.current;
		if (element) element.scrollTop = element.scrollHeight;
		setUnseenBelow(false);
	}, []);

	// Before paint: keep the reading position when older messages are prepended, else follow the latest.
	const lastId = messages.at(-1)?.id;
	useLayoutEffect(() => {
		const element = scroller.current;
		if (!element) return;
		const oldestSeq = messages[0]?.seq ?? null;
		const prepended = firstSeq.current !== null && oldestSeq !== null && oldestSeq < firstSeq.current;
		if (prepended) element.scrollTop += element.scrollHeight - heightBefore.current;
		else if (pinned.current) element.scrollTop = element.scrollHeight;
		else if (lastId !== latestId.current) setUnseenBelow(true);
		firstSeq.current = oldestSeq;
		latestId.current = lastId;
		heightBefore.current = element.scrollHeight;
	}, [messages, lastId, pending.length, state.visitorTyping, extras]);

	const onScroll = () => {
		const element = scroller.current;
		if (!element) return;
		pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < PINNED_THRESHOLD_PX;
		if (pinned.current) setUnseenBelow(false);
		heightBefore.current = element.scrollHeight;
	};

	// Opened from a search hit: once that message is in, scroll to it (once) instead of the latest.
	const focused = useRef<number | null>(null);
	useLayoutEffect(() => {
		const seq = state.focusSeq;
		if (seq === null || focused.current === seq) return;
		const element = scroller.current?.querySelector(`[data-message-seq="${seq}"]`);
		if (!element) return;
		focused.current = seq;
		pinned.current = false;
		element.scrollIntoView({ block: "center" });
		heightBefore.current = scroller.current?.scrollHeight ?? 0;
	}, [state.focusSeq, messages]);

	// Older pages load when the top of the history scrolls into view.
	useEffect(() => {
		const element = topSentinel.current;
		if (!element || !state.hasOlder) return;
		const observer = new IntersectionObserver(
			(entries) => {
				if (entries.some((entry) => entry.isIntersecting)) conversation.loadOlder().catch(logFailure("loading older messages"));
			},
			{ root: scroller.current },
		);
		observer.observe(element);
		return () => observer.disconnect();
	}, [conversation, state.hasOlder, state.loadingOlder]);

	const visitor = summary ? visitorName(summary.visitor, t) : "";
	const authorName = (message: MessageView) =>
		message.author.type === "visitor" ? message.author.name || visitor : message.author.name || t("message.team");

	return (
		<div class="message-area">
			{/* biome-ignore lint/a11y/noNoninteractiveTabindex: the history must scroll with the keyboard too. */}
			<div class="message-scroll" ref={scroller} onScroll={onScroll} tabIndex={0} role="log" aria-label={t("conversation.messages")}>
				{state.hasOlder && (
					<div class="load-older" ref={topSentinel}>
						<Button variant="link" busy={state.loadingOlder} onClick={() => conversation.loadOlder().catch(logFailure("loading older messages"))}>
							{state.loadingOlder ? t("app.loading") : t("conversation.loadOlder")}
						</Button>
					</div>
				)}
				{state.phase === "loading" && <p class="list-note muted">{t("app.loading")}</p>}
				<ol class="messages">
					{messages.map((message, index) => {
						const previous = messages[index - 1];
						const newDay = !previous || dayKey(previous.createdAt) !== dayKey(message.createdAt);
						const days = daysAgo(message.createdAt);
						const sameAuthor =
							previous && previous.author.type === message.author.type && previous.author.id === message.author.id;
						const before = timelineBetween(extras, previous, message, state.hasOlder);
						return (
							<Fragment key={message.id}>
								{before.map((item) =>
									item.type === "event" ? <TimelineEventItem key={item.event.id} event={item.event} /> : <TimelineCallItem key={item.call.id} call={item.call} />,
								)}
								{newDay && (
									<li class="day-separator">
										<span>{days === 0 ? t("day.today") : days === 1 ? t("day.yesterday") : formatDay(message.createdAt, language)}</span>
									</li>
								)}
								<MessageBubble
									message={message}
									authorName={authorName(message)}
									showAuthor={newDay || !sameAuthor}
									receipts={summary?.visitorReceipts ?? null}
									focused={message.seq === state.focusSeq}
									onMediaLoad={() => pinned.current && scrollToLatest()}
								/>
							</Fragment>
						);
					})}
					{timelineBetween(extras, messages.at(-1), undefined, state.hasOlder).map((item) =>
						item.type === "event" ? <TimelineEventItem key={item.event.id} event={item.event} /> : <TimelineCallItem key={item.call.id} call={item.call} />,
					)}
					{pending.map((item) => (
						<PendingMessage key={item.clientId} item={item} />
					))}
				</ol>
				{state.phase === "ready" && messages.length === 0 && pending.length === 0 && (
					<p class="list-note muted">{t("conversation.noMessages")}</p>
				)}
			</div>
			<p class="typing-indicator" aria-live="polite">
				{state.visitorTyping && (
					<>
						<span class="typing-dots" aria-hidden="true">
							<span />
							<span />
							<span />
						</span>
						{t("conversation.visitorTyping", { name: visitor })}
					</>
				)}
			</p>
			{unseenBelow && (
				<button type="button" class="jump-to-latest" onClick={scrollToLatest}>
					<Icon name="arrowDown" />
					{t("conversation.newBelow")}
				</button>
			)}
		</div>
	);
}
