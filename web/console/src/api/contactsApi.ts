// Types only: the protocol module uses zod, which must never reach the console bundle.
import type {
	ContactCall,
	ContactConversation,
	ContactDetail,
	ContactList,
	ContactResponse,
	ContactSummary,
	EraseReportView,
} from "../../../../src/protocol/contacts";
import type { AuthorizedRequest } from "./accountApi";

export type { ContactCall, ContactConversation, ContactDetail, ContactSummary, EraseReportView };

/** The editable fields of a contact; an empty string clears one. */
export interface ContactFields {
	name: string;
	email: string;
	phone: string;
	company: string;
	notes: string;
}

/** Contacts over HTTP: the searchable list, one contact, edits, and (admins) merging two. */
export function createContactsApi(request: AuthorizedRequest) {
	const path = (id: string) => `/api/contacts/${encodeURIComponent(id)}`;
	return {
		list: (query: { q?: string; cursor?: string | null }) => {
			const params = new URLSearchParams();
			if (query.q) params.set("q", query.q);
			if (query.cursor) params.set("cursor", query.cursor);
			const search = params.toString();
			return request<ContactList>("GET", `/api/contacts${search ? `?${search}` : ""}`);
		},
		get: (id: string) => request<ContactResponse>("GET", path(id)).then((body) => body.contact),
		update: (id: string, fields: ContactFields) => request<ContactResponse>("PATCH", path(id), fields).then((body) => body.contact),
		merge: (id: string, otherId: string) => request<ContactResponse>("POST", `${path(id)}/merge`, { otherId }).then((body) => body.contact),
		/** Admins: erases the contact for good; the id is repeated as the confirmation the server asks for. */
		erase: (id: string) => request<{ report: EraseReportView }>("POST", `${path(id)}/erase`, { confirm: id }).then((body) => body.report),
		/** The export's URL: fetched with the session's token (see PrivacyRequests), not opened as a link. */
		exportPath: (id: string) => `${path(id)}/export`,
	};
}

export type ContactsApi = ReturnType<typeof createContactsApi>;
