import type { PrivacyNotice as PrivacyNoticeComponent } from "./PrivacyNotice";
import { chatState } from "../chat/chatStore";
import { useStore } from "../state/store";
import { widgetConfig } from "../widgetConfig";
import { lazyPart } from "./lazyPart";

const usePrivacyNotice = lazyPart<typeof PrivacyNoticeComponent>("privacy notice", () => import("./PrivacyNotice").then((module) => module.PrivacyNotice));

/**
 * Where the website's privacy notice goes: before the first message, and again while a notice that
 * asks for consent has a version the visitor has not agreed to. Only inboxes that set one load it.
 */
export function PrivacySlot() {
	const notice = useStore(widgetConfig)?.privacy;
	const { messages, pending, privacyConsent, synced } = useStore(chatState);
	const agreed = privacyConsent === notice?.version;
	const shown = notice && (!(messages.length || pending.length) || (synced && notice.required && !agreed));
	const Notice = usePrivacyNotice(Boolean(shown));
	return Notice && shown ? <Notice notice={notice} agreed={agreed} /> : null;
}
