/** English strings of agent status: the header's Status control, the team's presence. */
export const statusEn = {
	// Not "Status" (nor a name containing it): the call history's filter is named that.
	"status.label": "Availability",
	"status.online": "Online",
	"status.away": "Away",
	"status.offline": "Offline",
	"status.available": "available",
	"status.noConsole": "console closed",
	"status.presence": "Presence",
	"status.changeFailed": "Your status could not be changed.",
} as const;

export type StatusMessageKey = keyof typeof statusEn;
