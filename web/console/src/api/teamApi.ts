import type {
	AgentRole,
	AuditPage,
	InviteRequest,
	InviteResponse,
	LinkPreview,
	OneTimeLink,
	TeamMember,
} from "../../../../src/protocol/team";
import type { AuthorizedRequest } from "./accountApi";
import { apiRequest } from "./http";
import type { LoginResult } from "./types";

const agentPath = (username: string, action: string) => `/api/agents/${encodeURIComponent(username)}/${action}`;

/** Admin endpoints of the Team and Audit log pages. */
export function createTeamApi(request: AuthorizedRequest) {
	return {
		members: () => request<{ members: TeamMember[] }>("GET", "/api/agents/members"),
		invite: (body: InviteRequest) => request<InviteResponse>("POST", "/api/agents/invites", body),
		resendInvite: (username: string) => request<OneTimeLink>("POST", agentPath(username, "invite"), {}),
		revokeLinks: (username: string) => request<{ member: TeamMember }>("POST", agentPath(username, "revoke-links"), {}),
		passwordResetLink: (username: string) => request<OneTimeLink>("POST", agentPath(username, "password-reset-link"), {}),
		disable: (username: string) => request<unknown>("POST", agentPath(username, "disable"), {}),
		enable: (username: string) => request<{ member: TeamMember }>("POST", agentPath(username, "enable"), {}),
		setRole: (username: string, role: AgentRole) => request<{ member: TeamMember }>("POST", agentPath(username, "role"), { role }),
		resetSecondFactor: (username: string) => request<{ member: TeamMember }>("POST", agentPath(username, "reset-second-factor"), {}),
		audit: (query: { actor?: string; action?: string; cursor?: string }) => {
			const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => Boolean(entry[1])));
			return request<AuditPage>("GET", `/api/audit?${params.toString()}`);
		},
	};
}

/** The invite and password-reset page: before any session. */
export const linkApi = {
	preview: (token: string) => apiRequest<LinkPreview>("POST", "/api/auth/link", { body: { token } }),
	accept: (body: { token: string; password: string }) => apiRequest<LoginResult>("POST", "/api/auth/link/accept", { body }),
};
