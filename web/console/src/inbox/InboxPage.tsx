import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ConversationPane } from "../conversation/ConversationPane";
import { VisitorDetailsPanel } from "../details/VisitorDetailsPanel";
import { useI18n } from "../i18n";
import { navigate, ROUTES } from "../router";
import { PHONE_QUERY, useMediaQuery } from "../ui/useMediaQuery";
import { ConversationList } from "./ConversationList";
import { useInbox } from "./InboxContext";
import { runShortcut } from "../shortcuts/shortcutActions";
import { useShortcutHandler } from "../shortcuts/useShortcuts";

function NoConversationSelected() {
	const { t } = useI18n();
	return (
		<section class="conversation conversation-empty" aria-label={t("conversation.region")}>
			<p class="empty-title">{t("conversation.noneSelected")}</p>
			<p class="muted">
				{t("conversation.shortcutsHint")}{" "}
				<button type="button" class="link-button" onClick={() => runShortcut("help")}>
					{t("shortcuts.showSheet")}
				</button>
			</p>
		</section>
	);
}

/**
 * The inbox: list, open conversation and visitor details side by side on a desktop; on a phone one
 * of them at a time, with back buttons and Escape.
 */
export function InboxPage({ conversationId }: { conversationId: string | null }) {
	const { t } = useI18n();
	const inbox = useInbox();
	const isPhone = useMediaQuery(PHONE_QUERY);
	const [detailsOpen, setDetailsOpen] = useState(false);
	const lastOpened = useRef<string | null>(null);

	useEffect(() => {
		if (conversationId) {
			inbox.conversation.open(conversationId);
			lastOpened.current = conversationId;
			return;
		}
		inbox.conversation.close();
		// Back from a conversation: focus returns to its row, so the agent keeps their place.
		const row = lastOpened.current && document.querySelector<HTMLElement>(`[data-conversation-link="${CSS.escape(lastOpened.current)}"]`);
		if (row && row.getClientRects().length > 0) row.focus();
	}, [conversationId, inbox]);
	useEffect(() => () => inbox.conversation.close(), [inbox]);

	// On a phone the details replace the messages, which then are not "seen" for read receipts.
	useEffect(() => inbox.conversation.setPaneVisible(!(isPhone && detailsOpen)), [inbox, isPhone, detailsOpen]);

	const closeDetails = useCallback(() => {
		setDetailsOpen(false);
		document.querySelector<HTMLElement>("[data-details-toggle]")?.focus();
	}, []);

	const back = useCallback(() => {
		if (detailsOpen) closeDetails();
		else if (conversationId) navigate(ROUTES.home);
	}, [detailsOpen, conversationId, closeDetails]);
	// Escape: details slid over the conversation close at any width; on a phone it also goes back to the list.
	useShortcutHandler("back", () => {
		if (!isPhone && !detailsOpen) return false;
		back();
		return true;
	});

	const view = !conversationId ? "list" : detailsOpen ? "details" : "conversation";
	return (
		<div class="inbox" data-view={view} data-details={detailsOpen ? "open" : "closed"}>
			<h1 class="visually-hidden">{t("nav.inbox")}</h1>
			<ConversationList selectedId={conversationId} />
			{conversationId ? (
				<ConversationPane
					key={conversationId}
					conversationId={conversationId}
					isPhone={isPhone}
					detailsOpen={detailsOpen}
					onToggleDetails={() => (detailsOpen ? closeDetails() : setDetailsOpen(true))}
				/>
			) : (
				<NoConversationSelected />
			)}
			{conversationId && <VisitorDetailsPanel onClose={closeDetails} />}
		</div>
	);
}
