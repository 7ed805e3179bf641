// Types only: the protocol module uses zod, which must never reach the console bundle.
import type { Report } from "../../../../src/protocol/reports";
import type { AuthorizedRequest } from "./accountApi";

export type { Report };

export interface ReportFilter {
	from?: string;
	to?: string;
	inboxId?: string;
	agentId?: string;
}

/** The Reports page's figures: one request per change of the filters. */
export function createReportsApi(request: AuthorizedRequest) {
	return {
		report: (filter: ReportFilter) => {
			const query = new URLSearchParams(Object.entries(filter).filter((entry): entry is [string, string] => Boolean(entry[1]))).toString();
			return request<Report>("GET", `/api/reports${query ? `?${query}` : ""}`);
		},
	};
}
