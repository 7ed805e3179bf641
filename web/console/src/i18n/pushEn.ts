/** The console on the agent's phone: push notifications per device (English). */
export const pushEn = {
	"push.title": "Notifications on this device",
	"push.intro": "Get a notification on this phone or computer for a new conversation in your inboxes, a message in a conversation assigned to you and a ringing call, even when the console is closed.",
	"push.enable": "Enable push notifications",
	"push.disable": "Turn off on this device",
	"push.on": "On",
	"push.off": "Off",
	"push.unsupported": "This browser cannot receive push notifications.",
	"push.homeScreen": "On iPhone and iPad, add destek to the Home Screen first (Share, then Add to Home Screen) and open it from there.",
	"push.blocked": "Notifications are blocked for this site. Allow them in the browser's site settings, then try again.",
	"push.devices": "Your devices",
	"push.noDevices": "No device gets notifications yet.",
	"push.thisDevice": "this device",
	"push.added": "Added {date}",
	"push.lastSent": "last notified {date}",
	"push.remove": "Remove",
	"push.enabled": "Notifications are on for this device.",
	"push.removed": "Device removed.",
} as const;

export type PushMessageKey = keyof typeof pushEn;
