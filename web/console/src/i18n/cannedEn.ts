/** English strings of canned replies: their page and the composer's `/` picker. */
export const cannedEn = {
	"nav.canned": "Canned replies",

	"canned.title": "Canned replies",
	"canned.intro":
		"Type / and a shortcut in a conversation to insert a reply, or send /c shortcut as a reply in Telegram. {{visitor.name}}, {{visitor.email}}, {{visitor.phone}} and {{agent.name}} are filled in; one that is empty is left out.",
	"canned.new": "New canned reply",
	"canned.search": "Search canned replies",
	"canned.empty": "No canned replies yet.",
	"canned.noMatch": "No canned reply matches.",
	"canned.loading": "Loading canned replies…",
	"canned.shortcut": "Shortcut",
	"canned.shortcutHint": "Letters, digits, - and _, such as greet.",
	"canned.text": "Text",
	"canned.scope": "Who can use it",
	"canned.scope.personal": "Personal",
	"canned.scope.shared": "Shared",
	"canned.scope.personalHint": "Only you",
	"canned.scope.sharedHint": "The whole team",
	"canned.sharedAdminsOnly": "Only admins can add or change shared replies.",
	"canned.save": "Save",
	"canned.cancel": "Cancel",
	"canned.editButton": "Edit",
	"canned.deleteButton": "Delete",
	"canned.edit": "Edit {shortcut}",
	"canned.delete": "Delete {shortcut}",
	"canned.confirmDelete": "Delete the canned reply /{shortcut}?",
	"canned.confirmDeleteYes": "Delete",
	"canned.saved": "Canned reply saved.",
	"canned.deleted": "Canned reply deleted.",
	"canned.editTitle": "Edit /{shortcut}",
	"canned.newTitle": "New canned reply",
	"canned.list": "Canned replies",

	"canned.error.shortcut_taken": "This shortcut is already used. Choose another one.",
	"canned.error.invalid_shortcut": "A shortcut is 1-32 letters, digits, - or _, such as greet.",
	"canned.error.empty": "Write the text of the reply.",
	"canned.error.not_found": "This canned reply no longer exists.",

	"canned.picker": "Canned replies",
	"canned.pickerEmpty": "No canned reply matches “{query}”.",
	"canned.pickerLoading": "Loading…",
	"canned.pickerHint": "↑↓ to choose, Enter to insert, Esc to close",
} as const;

export type CannedMessageKey = keyof typeof cannedEn;
