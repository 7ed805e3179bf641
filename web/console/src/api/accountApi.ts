import type { HttpMethod } from "./http";
import type { ServerFeatures } from "../../../../src/protocol/features";
import type { IdentitySettings } from "../../../../src/protocol/identity";
import type { Agent, ManagedAgent, TelegramLink, TotpEnrollment } from "./types";

/** A Bearer-authenticated request, as provided by the session (which refreshes on 401). */
export type AuthorizedRequest = <T>(method: HttpMethod, path: string, body?: object) => Promise<T>;

/** Endpoints of a signed-in agent: profile, second factors and (for admins) the agents list. */
export function createAccountApi(request: AuthorizedRequest) {
	return {
		me: () => request<{ agent: Agent; features: ServerFeatures }>("GET", "/api/me"),
		logoutEverywhere: () => request<void>("POST", "/api/auth/logout-all"),
		// Changing a second factor asks for the current password again.
		createTelegramLink: (password: string) => request<TelegramLink>("POST", "/api/me/telegram-link", { password }),
		unlinkTelegram: (password: string) => request<void>("DELETE", "/api/me/telegram", { password }),
		startTotp: (password: string) => request<TotpEnrollment>("POST", "/api/me/totp", { password }),
		confirmTotp: (code: string) => request<void>("POST", "/api/me/totp/confirm", { code }),
		removeTotp: (password: string) => request<void>("DELETE", "/api/me/totp", { password }),
		recoveryCodesLeft: () => request<{ left: number }>("GET", "/api/me/recovery-codes"),
		regenerateRecoveryCodes: (password: string) => request<{ codes: string[] }>("POST", "/api/me/recovery-codes", { password }),
		listAgents: () => request<{ agents: ManagedAgent[] }>("GET", "/api/agents"),
		identitySettings: () => request<IdentitySettings>("GET", "/api/settings/identity"),
	};
}

export type AccountApi = ReturnType<typeof createAccountApi>;
