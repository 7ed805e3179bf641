import { createAccountApi } from "../api/accountApi";
import { authApi } from "../api/authApi";
import { ApiError, apiRequest, type HttpMethod } from "../api/http";
import type { AccessGrant, Agent, SignInResult } from "../api/types";
import { logFailure } from "../../../shared/logFailure";

export type SessionState =
	| { status: "starting" }
	/** `reason` explains an unexpected sign-out (expired session, server unreachable). */
	| { status: "signedOut"; reason: ApiError | null }
	| { status: "signedIn"; agent: Agent };

/** Refresh this long before the access token expires. */
const REFRESH_LEAD_MS = 60_000;
const MIN_REFRESH_DELAY_MS = 5_000;
/** After a refresh failed for a reason other than 401 (network, 5xx), try again this soon. */
const REFRESH_RETRY_MS = 15_000;
/** Serialises refreshes across tabs, so two tabs never spend the same rotating refresh cookie. */
const REFRESH_LOCK_NAME = "destek-console-refresh";

function isUnauthorized(error: unknown): error is ApiError {
	return error instanceof ApiError && error.status === 401;
}

function withCrossTabLock<T>(task: () => Promise<T>): Promise<T> {
	if (!("locks" in navigator)) return task();
	return navigator.locks.request(REFRESH_LOCK_NAME, task);
}

/** Holds the access token in memory only, keeps it fresh, and tells subscribers who is signed in. */
function createSessionStore() {
	let state: SessionState = { status: "starting" };
	let accessToken: string | null = null;
	let csrfToken: string | null = null;
	let refreshTimer: ReturnType<typeof setTimeout> | undefined;
	let refreshInFlight: Promise<boolean> | null = null;
	const listeners = new Set<() => void>();

	function setState(next: SessionState): void {
		state = next;
		for (const listener of listeners) listener();
	}

	function scheduleRefresh(delayMs: number): void {
		clearTimeout(refreshTimer);
		refreshTimer = setTimeout(() => refresh().catch(logFailure("refreshing the session")), Math.max(delayMs, MIN_REFRESH_DELAY_MS));
	}

	function applyGrant(grant: AccessGrant): void {
		accessToken = grant.accessToken;
		if (grant.csrfToken) csrfToken = grant.csrfToken;
		scheduleRefresh(grant.expiresIn * 1000 - REFRESH_LEAD_MS);
		setState({ status: "signedIn", agent: grant.agent });
	}

	function endSession(reason: ApiError | null): void {
		clearTimeout(refreshTimer);
		accessToken = null;
		setState({ status: "signedOut", reason });
	}

	async function fetchCsrfToken(): Promise<string> {
		csrfToken = (await authApi.csrf()).csrfToken;
		return csrfToken;
	}

	/** Runs a cookie-authenticated call; a stale CSRF token (403) is replaced once and the call retried. */
	async function withCsrfToken<T>(call: (token: string) => Promise<T>): Promise<T> {
		try {
			return await call(csrfToken ?? (await fetchCsrfToken()));
		} catch (error) {
			if (error instanceof ApiError && error.status === 403) return call(await fetchCsrfToken());
			throw error;
		}
	}

	const requestNewGrant = () => withCsrfToken(authApi.refresh);

	/** Trades the refresh cookie for a new access token; false when the session is gone. */
	function refresh(): Promise<boolean> {
		refreshInFlight ??= withCrossTabLock(requestNewGrant)
			.then((grant) => {
				applyGrant(grant);
				return true;
			})
			.catch((error: unknown) => {
				if (isUnauthorized(error)) {
					// No session on a fresh visit is normal; losing one, or a reused (stolen) cookie, is not.
					const expected = state.status !== "signedIn" && error.id !== "session_reused";
					endSession(expected ? null : error);
				} else if (state.status === "signedIn") {
					scheduleRefresh(REFRESH_RETRY_MS);
				} else {
					endSession(error instanceof ApiError ? error : null);
				}
				return false;
			})
			.finally(() => {
				refreshInFlight = null;
			});
		return refreshInFlight;
	}

	/** Page load: resume the cookie session if there is one. */
	async function start(): Promise<void> {
		setState({ status: "starting" });
		await refresh();
	}

	/** Bearer request that refreshes once on 401 and signs out if that fails too. */
	async function request<T>(method: HttpMethod, path: string, body?: object): Promise<T> {
		const send = () => apiRequest<T>(method, path, { body, accessToken: accessToken ?? undefined });
		try {
			return await send();
		} catch (error) {
			if (!isUnauthorized(error) || !(await refresh())) throw error;
			return send();
		}
	}

	return {
		getState: (): SessionState => state,

		subscribe(listener: () => void): () => void {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},

		start,
		request,
		refresh,

		/** The current access token, for the socket handshake; null when signed out. */
		accessToken: (): string | null => accessToken,

		/** The server ended the session (e.g. over the socket): show sign-in with the reason. */
		expire(reason: ApiError): void {
			endSession(reason);
		},

		/** Called when the second factor succeeded. */
		signIn(result: SignInResult): void {
			applyGrant(result);
		},

		/** Loads the signed-in agent again after a profile change (e.g. a second factor added). */
		async reloadAgent(): Promise<Agent> {
			const { agent } = await accountApi.me();
			if (state.status === "signedIn") setState({ status: "signedIn", agent });
			return agent;
		},

		async signOut(): Promise<void> {
			try {
				await withCsrfToken(authApi.logout);
			} catch (error) {
				// Only a session the server already forgot may be dropped silently.
				if (!isUnauthorized(error)) throw error;
			}
			endSession(null);
		},

		async signOutEverywhere(): Promise<void> {
			await accountApi.logoutEverywhere();
			endSession(null);
		},
	};
}

export const session = createSessionStore();

/** Account endpoints bound to the current session. */
export const accountApi = createAccountApi(session.request);
