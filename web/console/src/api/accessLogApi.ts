import type { AccessLogFilter, AccessLogPage } from "../../../../src/protocol/accessLog";
import type { AuthorizedRequest } from "./accountApi";
import { ApiError, NETWORK_ERROR_ID } from "./http";

/** The filters as a query string: empty values are left out. */
export function accessLogQuery(filter: AccessLogFilter & { cursor?: string }): string {
	return new URLSearchParams(Object.entries(filter).filter((entry): entry is [string, string] => Boolean(entry[1]))).toString();
}

/** The access log of recordings and attachments (admins): pages, and the CSV export as a file. */
export function createAccessLogApi(request: AuthorizedRequest, accessToken: () => string | null, refresh: () => Promise<boolean>) {
	/** A GET of bytes with the Bearer token (a link could not carry it), refreshed once on 401. */
	async function download(path: string): Promise<Blob> {
		const send = async () => {
			const token = accessToken();
			let response: Response;
			try {
				response = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {}, credentials: "same-origin", cache: "no-store" });
			} catch {
				throw new ApiError(0, NETWORK_ERROR_ID, "Network request failed");
			}
			if (response.ok) return response.blob();
			const payload = (await response.json().catch(() => null)) as { error?: { id?: string; message?: string } } | null;
			throw new ApiError(response.status, payload?.error?.id ?? `http_${response.status}`, payload?.error?.message ?? response.statusText);
		};
		try {
			return await send();
		} catch (error) {
			if (!(error instanceof ApiError) || error.status !== 401 || !(await refresh())) throw error;
			return send();
		}
	}
	return {
		page: (filter: AccessLogFilter & { cursor?: string }) => request<AccessLogPage>("GET", `/api/access-log?${accessLogQuery(filter)}`),
		exportCsv: (filter: AccessLogFilter) => download(`/api/access-log/export?${accessLogQuery(filter)}`),
	};
}
