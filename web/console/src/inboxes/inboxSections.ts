import type { FunctionComponent } from "preact";
import type { InboxesApi, InboxView } from "../api/inboxesApi";
import { InboxSettingsLinks } from "./InboxSettingsLinks";

/** What a section of an inbox's page gets: the inbox, the API, and a way to show the page's fresh state. */
export interface InboxSectionProps {
	inbox: InboxView;
	api: InboxesApi;
	onChanged: (inbox: InboxView) => void;
}

/**
 * The sections an inbox's page shows after its snippet and members, in this order (per-inbox
 * settings: widget look, hours, calls, Telegram chat). Each is a card with its own heading and Save.
 */
export const INBOX_SECTIONS: Array<{ key: string; Section: FunctionComponent<InboxSectionProps> }> = [{ key: "settings", Section: InboxSettingsLinks }];
