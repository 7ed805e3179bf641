import { useState } from "preact/hooks";
import { FALLBACK_CONFIG } from "../api/widgetApi";
import { chatState } from "../chat/chatStore";
import { useI18n } from "../i18n";
import { readStored, writeStored } from "../safeStorage";
import { siteIdentity } from "../visitorIdentity";
import { useStore } from "../state/store";
import { widgetConfig } from "../widgetConfig";
import { useFileQueue } from "./AttachButton";
import { Composer } from "./Composer";
import { CallPanel } from "./CallPanel";
import { Header } from "./Header";
import { MailPromptSlot } from "./MailPromptSlot";
import { MessageLog } from "./MessageLog";
import { PreChatForm } from "./PreChatForm";
import { PrivacySlot } from "./PrivacySlot";
import { RatingSlot } from "./RatingSlot";

/** Remembers that the pre-chat form was filled in or skipped, so a reload does not ask again. */
const PROFILE_DONE_KEY = "destek:profile";

function hasFiles(event: DragEvent): boolean {
	return Array.from(event.dataTransfer?.types ?? []).includes("Files");
}

/** The conversation area; files dropped anywhere on it are uploaded. */
function Conversation() {
	const queueFiles = useFileQueue();
	const [dragging, setDragging] = useState(false);
	const onDragOver = (event: DragEvent) => {
		if (!hasFiles(event)) return;
		event.preventDefault();
		setDragging(true);
	};
	const onDrop = (event: DragEvent) => {
		event.preventDefault();
		setDragging(false);
		queueFiles(Array.from(event.dataTransfer?.files ?? []));
	};
	return (
		<main
			class={dragging ? "conversation conversation-drop" : "conversation"}
			onDragOver={onDragOver}
			onDragLeave={() => setDragging(false)}
			onDrop={onDrop}
		>
			<MessageLog />
			<RatingSlot />
			<MailPromptSlot />
			<PrivacySlot />
			<Composer />
		</main>
	);
}

/**
 * The whole widget. A visitor without a conversation first sees the pre-chat form (when the team
 * asks for details); a returning visitor goes straight to their history.
 */
export function ChatWidget({ returningVisitor }: { returningVisitor: boolean }) {
	const { t } = useI18n();
	const config = useStore(widgetConfig);
	const chat = useStore(chatState);
	// The site's signed-in user needs no form: the site already said who they are.
	const [profileDone, setProfileDone] = useState(() => readStored(PROFILE_DONE_KEY) === "1" || siteIdentity() !== null);
	const rules = (config ?? FALLBACK_CONFIG).preChat;
	const asks = !profileDone && Object.values(rules).some((rule) => rule !== "off");
	const started = chat.conversation !== null || chat.messages.length > 0 || chat.pending.length > 0;
	// A new visitor cannot have a conversation; a returning one is known after the first sync.
	const conversationKnown = chat.synced || !returningVisitor;

	const finishForm = () => {
		writeStored(PROFILE_DONE_KEY, "1");
		setProfileDone(true);
	};

	let body = <Conversation />;
	if (!config || (asks && !started && !conversationKnown)) {
		body = (
			<main class="loading">
				<p role="status">{t("chat.loading")}</p>
			</main>
		);
	} else if (asks && !started) {
		body = (
			<main class="conversation">
				<PreChatForm rules={rules} onDone={finishForm} />
			</main>
		);
	}
	return (
		<div class="widget">
			<Header />
			<CallPanel />
			{body}
		</div>
	);
}
