import type { StatusMessageKey } from "./statusEn";

/** Turkish strings of agent status. */
export const statusTr: Record<StatusMessageKey, string> = {
	"status.label": "Müsaitlik",
	"status.online": "Çevrimiçi",
	"status.away": "Uzakta",
	"status.offline": "Çevrimdışı",
	"status.available": "müsait",
	"status.noConsole": "konsol kapalı",
	"status.presence": "Erişilebilirlik",
	"status.changeFailed": "Durumunuz değiştirilemedi.",
};
