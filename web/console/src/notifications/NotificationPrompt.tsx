import { useI18n } from "../i18n";
import { useStore } from "../state/store";
import { Icon } from "../ui/Icon";
import { desktopPermission, requestDesktopPermission } from "./desktopNotifications";
import { logFailure } from "../../../shared/logFailure";

/** Offers desktop notifications; the browser is only asked when the agent presses the button. */
export function NotificationPrompt() {
	const { t } = useI18n();
	const permission = useStore(desktopPermission, (value) => value.permission);
	if (permission === "default") {
		return (
			<button type="button" class="notification-prompt" onClick={() => requestDesktopPermission().catch(logFailure("asking for notification permission"))}>
				<Icon name="bell" />
				{t("notify.enable")}
			</button>
		);
	}
	if (permission === "denied") return <p class="notification-note muted">{t("notify.blocked")}</p>;
	return null;
}
