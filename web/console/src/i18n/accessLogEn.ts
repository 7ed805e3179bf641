/** English strings of the access log of recordings and attachments (admins). */
export const accessLogEn = {
	"nav.accessLog": "Access log",

	"accessLog.title": "Access log",
	"accessLog.intro":
		"Every time an agent plays or downloads a call recording or a file from a conversation, it is written here: who, what, when and from where. A play is counted once, however much the player seeks.",
	"accessLog.filters": "Filter the access log",
	"accessLog.agent": "Filter by agent",
	"accessLog.anyAgent": "All agents",
	"accessLog.callId": "Call id",
	"accessLog.from": "From",
	"accessLog.to": "To",
	"accessLog.apply": "Filter",
	"accessLog.export": "Export CSV",
	"accessLog.table": "Access log entries",
	"accessLog.col.when": "When",
	"accessLog.col.who": "Agent",
	"accessLog.col.action": "Action",
	"accessLog.col.item": "What",
	"accessLog.col.where": "From where",
	"accessLog.action.play": "Played",
	"accessLog.action.download": "Downloaded",
	"accessLog.kind.recording": "Call recording",
	"accessLog.kind.attachment": "Conversation file",
	"accessLog.empty": "No entries match these filters.",
	"accessLog.loadMore": "Load more",
	"accessLog.ofCall": "Access log",
	"accessLog.ofCallNamed": "Access log of the call with {name}",
};

export type AccessLogMessageKey = keyof typeof accessLogEn;
