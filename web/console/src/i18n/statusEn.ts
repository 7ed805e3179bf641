/** English strings of agent status: the header's Status control, the team's presence. */
export const statusEn = {
	"status.label": "Status",
	"status.online": "Online",
	"status.away": "Away",
	"status.offline": "Offline",
	"status.available": "available",
	"status.noConsole": "console closed",
	"status.presence": "Presence",
	"status.changeFailed": "Your status could not be changed.",
} as const;

export type StatusMessageKey = keyof typeof statusEn;
