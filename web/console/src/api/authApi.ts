import { apiRequest } from "./http";
import type {
	AccessGrant,
	Agent,
	LoginResult,
	SignInResult,
	TelegramLink,
	TotpEnrollment,
	VerifyMethod,
} from "./types";

/** Endpoints used before a session exists: setup, the sign-in steps and the cookie session. */
export const authApi = {
	setupStatus: () => apiRequest<{ needed: boolean }>("GET", "/api/setup"),

	createFirstAdmin: (body: { token: string; username: string; name: string; password: string }) =>
		apiRequest<{ agent: Agent }>("POST", "/api/setup", { body }),

	login: (body: { username: string; password: string }) =>
		apiRequest<LoginResult>("POST", "/api/auth/login", { body }),

	sendCode: (ticket: string) =>
		apiRequest<{ codeSent: boolean }>("POST", "/api/auth/code", { body: { ticket } }),

	verify: (body: { ticket: string; code: string; method: VerifyMethod; issueRecoveryCodes?: boolean }) =>
		apiRequest<SignInResult>("POST", "/api/auth/verify", { body }),

	enrollTelegram: (ticket: string) =>
		apiRequest<TelegramLink>("POST", "/api/auth/enroll/telegram", { body: { ticket } }),

	enrollTotp: (ticket: string) =>
		apiRequest<TotpEnrollment>("POST", "/api/auth/enroll/totp", { body: { ticket } }),

	confirmTotpEnrollment: (body: { ticket: string; code: string }) =>
		apiRequest<SignInResult>("POST", "/api/auth/enroll/totp/confirm", { body }),

	csrf: () => apiRequest<{ csrfToken: string }>("GET", "/api/auth/csrf"),

	refresh: (csrfToken: string) => apiRequest<AccessGrant>("POST", "/api/auth/refresh", { csrfToken }),

	logout: (csrfToken: string) => apiRequest<void>("POST", "/api/auth/logout", { csrfToken }),
};
