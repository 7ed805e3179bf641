import { useEffect, useId, useState } from "preact/hooks";
import type { AssigneeFilter, ConversationCounts, ConversationStatus } from "../api/inboxTypes";
import { useI18n } from "../i18n";
import { Icon } from "../ui/Icon";
import type { ListFilters } from "./conversationListStore";

const SEARCH_DEBOUNCE_MS = 300;
const STATUSES: readonly ConversationStatus[] = ["open", "pending", "resolved"];
const ASSIGNEE_FILTERS: readonly AssigneeFilter[] = ["all", "me", "unassigned"];

function isAssigneeFilter(value: string): value is AssigneeFilter {
	return (ASSIGNEE_FILTERS as readonly string[]).includes(value);
}

/** Open / Pending / Resolved, each with its count; a pressed button is the current tab. */
export function StatusTabs({
	current,
	counts,
	onSelect,
}: {
	current: ConversationStatus;
	counts: ConversationCounts | null;
	onSelect: (status: ConversationStatus) => void;
}) {
	const { t } = useI18n();
	return (
		<fieldset class="status-tabs">
			<legend class="visually-hidden">{t("list.statusGroup")}</legend>
			{STATUSES.map((status) => (
				<button
					key={status}
					type="button"
					class="status-tab"
					aria-pressed={current === status}
					onClick={() => onSelect(status)}
				>
					{t(`status.${status}`)}
					{counts && <span class="status-count">{counts[status]}</span>}
				</button>
			))}
		</fieldset>
	);
}

/** The search box (debounced, so the list is not reloaded on every key) and the assignee filter. */
export function ListFilterBar({
	filters,
	onChange,
}: {
	filters: ListFilters;
	onChange: (patch: Partial<ListFilters>) => void;
}) {
	const { t } = useI18n();
	const searchId = useId();
	const filterId = useId();
	const [query, setQuery] = useState(filters.q);

	useEffect(() => {
		const next = query.trim();
		if (next === filters.q) return;
		const timer = setTimeout(() => onChange({ q: next }), SEARCH_DEBOUNCE_MS);
		return () => clearTimeout(timer);
	}, [query, filters.q, onChange]);

	return (
		<div class="list-filters">
			<div class="search-box">
				<label for={searchId} class="visually-hidden">
					{t("list.search")}
				</label>
				<Icon name="search" class="search-icon" />
				<input
					id={searchId}
					type="search"
					data-shortcut="search"
					value={query}
					placeholder={t("list.searchPlaceholder")}
					autoComplete="off"
					onInput={(event) => setQuery(event.currentTarget.value)}
				/>
			</div>
			<label for={filterId} class="visually-hidden">
				{t("list.assigneeFilter")}
			</label>
			<select
				id={filterId}
				class="assignee-filter"
				value={filters.assignee}
				onChange={(event) => {
					const value = event.currentTarget.value;
					if (isAssigneeFilter(value)) onChange({ assignee: value });
				}}
			>
				{ASSIGNEE_FILTERS.map((filter) => (
					<option key={filter} value={filter}>
						{t(`list.assignee.${filter}`)}
					</option>
				))}
			</select>
		</div>
	);
}
