import type { InboxSettings } from "../../../../src/protocol/inboxes";
import type { InboxSettingsView, InstallSettingsPatch, InstallSettingsView } from "../../../../src/protocol/settings";
import type { AuthorizedRequest } from "./accountApi";

/** Install-wide settings and each inbox's own (admins). */
export function createSettingsApi(request: AuthorizedRequest) {
	return {
		install: () => request<InstallSettingsView>("GET", "/api/settings"),
		saveInstall: (patch: InstallSettingsPatch) => request<InstallSettingsView>("PUT", "/api/settings", patch),
		inbox: (inboxId: string) => request<InboxSettingsView>("GET", `/api/inboxes/${encodeURIComponent(inboxId)}/settings`),
		saveInbox: (inboxId: string, settings: InboxSettings) =>
			request<InboxSettingsView>("PUT", `/api/inboxes/${encodeURIComponent(inboxId)}/settings`, settings),
	};
}

export type SettingsApi = ReturnType<typeof createSettingsApi>;
