import type { StatusFilter } from "../api/inboxTypes";
import type { ListFilters } from "./conversationListStore";

// The inbox list's filters in the page URL (`?status=all&assignee=me&inbox=shop&label=<id>&q=...`),
// so a filtered view can be bookmarked or shared with a colleague. Defaults are left out.

export const DEFAULT_FILTERS: ListFilters = { status: "open", assignee: "all", inbox: "", label: "", q: "" };

const STATUSES: readonly StatusFilter[] = ["open", "pending", "resolved", "all"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isStatus = (value: string): value is StatusFilter => (STATUSES as readonly string[]).includes(value);

/** The filters a URL query names; anything malformed is left at its default. */
export function filtersFromQuery(search: string): ListFilters {
	const params = new URLSearchParams(search);
	const status = params.get("status") ?? "";
	const assignee = params.get("assignee") ?? "";
	const inbox = params.get("inbox") ?? "";
	const label = params.get("label") ?? "";
	return {
		status: isStatus(status) ? status : DEFAULT_FILTERS.status,
		assignee: ["all", "me", "unassigned"].includes(assignee) || UUID.test(assignee) ? assignee : DEFAULT_FILTERS.assignee,
		inbox: inbox.length <= 100 ? inbox : "",
		label: UUID.test(label) ? label : "",
		q: (params.get("q") ?? "").slice(0, 200),
	};
}

/** The URL query of these filters ("" with every filter at its default). */
export function queryOfFilters(filters: ListFilters): string {
	const params = new URLSearchParams();
	for (const key of ["status", "assignee", "inbox", "label", "q"] as const) {
		if (filters[key] !== DEFAULT_FILTERS[key]) params.set(key, filters[key]);
	}
	const query = params.toString();
	return query ? `?${query}` : "";
}

/** Puts the filters into the address bar without a new history entry (the path, i.e. the route, stays). */
export function showFiltersInUrl(filters: ListFilters): void {
	const query = queryOfFilters(filters);
	if (location.search === query) return;
	history.replaceState(history.state, "", `${location.pathname}${query}${location.hash}`);
}
