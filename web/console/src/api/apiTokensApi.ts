// Types only: the protocol module uses zod, which must never reach the console bundle.
import type { ApiScope, ApiTokenView, CreatedApiToken } from "../../../../src/protocol/apiTokens";
import type { AuthorizedRequest } from "./accountApi";

export type { ApiScope, ApiTokenView, CreatedApiToken };

/** API tokens (admins): the list, a new token (its secret comes back once), revoking one. */
export function createApiTokensApi(request: AuthorizedRequest) {
	return {
		list: () => request<{ tokens: ApiTokenView[] }>("GET", "/api/api-tokens").then((body) => body.tokens),
		create: (input: { name: string; scopes: ApiScope[] }) => request<CreatedApiToken>("POST", "/api/api-tokens", input),
		revoke: (id: string) =>
			request<{ apiToken: ApiTokenView }>("POST", `/api/api-tokens/${encodeURIComponent(id)}/revoke`, {}).then((body) => body.apiToken),
	};
}
