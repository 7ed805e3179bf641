import { useEffect } from "preact/hooks";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { useStore } from "../state/store";

/** Puts the unread count in the tab title, e.g. "(3) destek", so it shows from another tab. */
export function useUnreadTitle(): number {
	const { t } = useI18n();
	const inbox = useInbox();
	const unread = useStore(inbox.list, (state) => state.counts?.unread ?? 0);
	useEffect(() => {
		document.title = unread > 0 ? t("title.unread", { count: unread, name: t("app.name") }) : t("app.name");
	}, [unread, t]);
	useEffect(() => () => {
		document.title = t("app.name");
	}, [t]);
	return unread;
}
