import { createStore } from "../state/store";

export type DesktopPermission = NotificationPermission | "unsupported";

function currentPermission(): DesktopPermission {
	return "Notification" in window ? Notification.permission : "unsupported";
}

/** The browser's notification permission, updated when the agent answers the prompt. */
export const desktopPermission = createStore({ permission: currentPermission() });

/** Asks for permission; only ever called from the agent's click on the "Enable" button. */
export async function requestDesktopPermission(): Promise<void> {
	if (!("Notification" in window)) return;
	await Notification.requestPermission();
	desktopPermission.update({ permission: currentPermission() });
}

/** Shows a notification (when allowed) whose click brings this window back and runs `onOpen`. */
export function showDesktopNotification(options: { title: string; body: string; tag: string; onOpen: () => void }): void {
	if (currentPermission() !== "granted") return;
	try {
		// One notification per conversation: a newer message replaces the older one.
		const notification = new Notification(options.title, { body: options.body, tag: options.tag, lang: document.documentElement.lang });
		notification.onclick = () => {
			window.focus();
			options.onOpen();
			notification.close();
		};
	} catch {
		// Some mobile browsers only allow notifications from a service worker; the sound still plays.
	}
}
