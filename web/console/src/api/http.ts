/** Error id used when the server could not be reached at all. */
export const NETWORK_ERROR_ID = "network_error";

/** An API failure: `id` is the server's stable error id (or NETWORK_ERROR_ID). */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly id: string,
		message: string,
	) {
		super(message);
		this.name = "ApiError";
	}
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RequestOptions {
	/** JSON body of a POST (an empty object when omitted), or FormData sent as multipart. */
	body?: object;
	accessToken?: string;
	csrfToken?: string;
}

function readErrorBody(payload: unknown): { id?: unknown; message?: unknown } {
	if (typeof payload !== "object" || payload === null || !("error" in payload)) return {};
	const error = payload.error;
	return typeof error === "object" && error !== null ? error : {};
}

function toApiError(response: Response, payload: unknown): ApiError {
	const { id, message } = readErrorBody(payload);
	return new ApiError(
		response.status,
		typeof id === "string" ? id : `http_${response.status}`,
		typeof message === "string" ? message : response.statusText,
	);
}

/** Calls the same-origin JSON API; resolves with the parsed body (undefined for 204). */
export async function apiRequest<T>(
	method: HttpMethod,
	path: string,
	options: RequestOptions = {},
): Promise<T> {
	const headers: Record<string, string> = { accept: "application/json" };
	const init: RequestInit = { method, headers, credentials: "same-origin", cache: "no-store" };
	if (method === "POST" && options.body instanceof FormData) {
		// The browser sets the multipart content type with its boundary.
		init.body = options.body;
	} else if (method === "POST" || method === "PUT" || method === "PATCH" || options.body) {
		headers["content-type"] = "application/json";
		init.body = JSON.stringify(options.body ?? {});
	}
	if (options.accessToken) headers.authorization = `Bearer ${options.accessToken}`;
	if (options.csrfToken) headers["x-csrf-token"] = options.csrfToken;

	let response: Response;
	try {
		response = await fetch(path, init);
	} catch {
		throw new ApiError(0, NETWORK_ERROR_ID, "Network request failed");
	}
	const payload: unknown = response.status === 204 ? undefined : await response.json().catch(() => null);
	if (!response.ok) throw toApiError(response, payload);
	// The server validates every response against its schema, so the shape is trusted here.
	return payload as T;
}
