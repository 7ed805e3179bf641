/** Labels: their admin page, the conversation's Labels menu and chips, and the inbox filters (English). */
export const labelsEn = {
	"nav.labels": "Labels",

	"labels.title": "Labels",
	"labels.intro": "Labels sort conversations: any agent puts them on a conversation, and the inbox filters by them. Only admins add, rename and delete labels.",
	"labels.new": "New label",
	"labels.newTitle": "New label",
	"labels.editTitle": "Edit {name}",
	"labels.name": "Label name",
	"labels.colour": "Colour",
	"labels.save": "Save",
	"labels.cancel": "Cancel",
	"labels.editButton": "Edit",
	"labels.deleteButton": "Delete",
	"labels.edit": "Edit {name}",
	"labels.delete": "Delete {name}",
	"labels.confirmDelete": "Delete the label {name}? It comes off every conversation that has it.",
	"labels.confirmDeleteYes": "Delete",
	"labels.saved": "Label saved.",
	"labels.deleted": "Label deleted.",
	"labels.loading": "Loading labels…",
	"labels.empty": "No labels yet.",
	"labels.list": "Labels",
	"labels.preview": "Preview",

	"labels.menu": "Labels",
	"labels.menuEmpty": "No labels yet. An admin adds them on the Labels page.",
	"labels.onConversation": "Labels of this conversation",

	"labels.error.name_taken": "A label with this name already exists.",
	"labels.error.name_empty": "Give the label a name.",
	"labels.error.name_too_long": "A label name is at most 40 characters.",
	"labels.error.not_found": "This label no longer exists.",
	"labels.error.limit": "There are too many labels; delete some first.",
	"labels.error.conversation_limit": "This conversation already has the most labels it can have.",

	"timeline.labeled": "Labelled {label}",
	"timeline.unlabeled": "Label {label} removed",

	"filter.status": "Filter by status",
	"filter.assignee": "Filter by assignee",
	"filter.inbox": "Filter by inbox",
	"filter.label": "Filter by label",
	"filter.status.all": "All",
	"filter.inbox.all": "All inboxes",
	"filter.label.all": "All labels",
	"filter.assignee.all": "Any assignee",
	"filter.assignee.agents": "Agents",
	"filter.clear": "Clear filters",
	"filter.noMatch": "No conversations match these filters.",
} as const;

export type LabelsMessageKey = keyof typeof labelsEn;
