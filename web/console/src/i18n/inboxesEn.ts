/** English strings of the Inboxes pages (admins): one inbox per website. */
export const inboxesEn = {
	"inboxes.settingsSection": "Settings of this website",
	// Not "Inboxes": the name would also match the Inbox link for anyone looking for it by name.
	"nav.inboxes": "Websites",

	"inboxes.title": "Websites",
	"inboxes.intro":
		"One inbox per website. Paste an inbox's snippet into its site: conversations and calls from there land in that inbox, and its members answer them. Admins see every inbox.",
	"inboxes.name": "Name",
	"inboxes.create": "Create inbox",
	"inboxes.created": "Inbox {name} created.",
	"inboxes.loading": "Loading inboxes…",
	"inboxes.list": "Inboxes",
	"inboxes.default": "Default",
	"inboxes.members": "{count} members",
	"inboxes.open": "Open {name}",
	"inboxes.snippet": "Embed snippet",
	"inboxes.snippetHint": "Paste it before </body> on every page of the site.",
	"inboxes.back": "All inboxes",
	"inboxes.rename": "Rename",
	"inboxes.renamed": "Inbox renamed.",
	"inboxes.membersTitle": "Members",
	"inboxes.membersHint": "Members see this inbox's conversations and calls. Admins see every inbox.",
	"inboxes.saveMembers": "Save members",
	"inboxes.membersSaved": "Members saved.",
	"inboxes.admin": "admin",
	"inboxes.delete": "Delete inbox",
	"inboxes.deleteHint": "Only an inbox with no conversations or calls can be deleted. The default inbox stays.",
	"inboxes.confirmDelete": "Delete the inbox {name}? Its snippet stops naming an inbox, and its visitors go to the default inbox.",
	"inboxes.confirmDeleteYes": "Delete",
	"inboxes.cancel": "Cancel",
	"inboxes.deleted": "Inbox deleted.",
	"inboxes.notFound": "This inbox does not exist (any more).",
} as const;

export type InboxesMessageKey = keyof typeof inboxesEn;
