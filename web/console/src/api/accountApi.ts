import type { HttpMethod } from "./http";
import type { Agent, ManagedAgent, TelegramLink, TotpEnrollment } from "./types";

/** A Bearer-authenticated request, as provided by the session (which refreshes on 401). */
export type AuthorizedRequest = <T>(method: HttpMethod, path: string, body?: object) => Promise<T>;

/** Endpoints of a signed-in agent: profile, second factors and (for admins) the agents list. */
export function createAccountApi(request: AuthorizedRequest) {
	return {
		me: () => request<{ agent: Agent }>("GET", "/api/me"),
		logoutEverywhere: () => request<void>("POST", "/api/auth/logout-all"),
		createTelegramLink: () => request<TelegramLink>("POST", "/api/me/telegram-link"),
		unlinkTelegram: () => request<void>("DELETE", "/api/me/telegram"),
		startTotp: () => request<TotpEnrollment>("POST", "/api/me/totp"),
		confirmTotp: (code: string) => request<void>("POST", "/api/me/totp/confirm", { code }),
		removeTotp: () => request<void>("DELETE", "/api/me/totp"),
		listAgents: () => request<{ agents: ManagedAgent[] }>("GET", "/api/agents"),
	};
}

export type AccountApi = ReturnType<typeof createAccountApi>;
