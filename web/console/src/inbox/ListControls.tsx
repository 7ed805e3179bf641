import type { ComponentChildren } from "preact";
import { useEffect, useId, useState } from "preact/hooks";
import type { ConversationCounts, StatusFilter } from "../api/inboxTypes";
import { useI18n } from "../i18n";
import { useStore } from "../state/store";
import { Icon } from "../ui/Icon";
import type { ListFilters } from "./conversationListStore";
import { useInbox } from "./InboxContext";

const SEARCH_DEBOUNCE_MS = 300;
const STATUSES: readonly StatusFilter[] = ["open", "pending", "resolved", "all"];

/** Open / Pending / Resolved / All, each with its count; a pressed button is the current tab. */
export function StatusTabs({
	current,
	counts,
	onSelect,
}: {
	current: StatusFilter;
	counts: ConversationCounts | null;
	onSelect: (status: StatusFilter) => void;
}) {
	const { t } = useI18n();
	const count = (status: StatusFilter) => (!counts ? null : status === "all" ? counts.open + counts.pending + counts.resolved : counts[status]);
	return (
		<fieldset class="status-tabs">
			<legend class="visually-hidden">{t("filter.status")}</legend>
			{STATUSES.map((status) => (
				<button
					key={status}
					type="button"
					class="status-tab"
					aria-pressed={current === status}
					onClick={() => onSelect(status)}
				>
					{status === "all" ? t("filter.status.all") : t(`status.${status}`)}
					{counts && <span class="status-count">{count(status)}</span>}
				</button>
			))}
		</fieldset>
	);
}

/** One labelled select of the filter row. */
function FilterSelect({
	label,
	value,
	onChange,
	children,
	name,
}: {
	label: string;
	value: string;
	onChange: (value: string) => void;
	children: ComponentChildren;
	name: string;
}) {
	const id = useId();
	return (
		<span class="list-filter">
			<label for={id} class="visually-hidden">
				{label}
			</label>
			<select id={id} class={`list-filter-select filter-${name}`} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
				{children}
			</select>
		</span>
	);
}

/**
 * The search box (debounced, so the list is not reloaded on every key) and the assignee, inbox and
 * label filters; they combine, and the page URL carries them.
 */
export function ListFilterBar({
	filters,
	onChange,
}: {
	filters: ListFilters;
	onChange: (patch: Partial<ListFilters>) => void;
}) {
	const { t } = useI18n();
	const inbox = useInbox();
	const options = useStore(inbox.labels, (value) => value);
	const searchId = useId();
	const [query, setQuery] = useState(filters.q);

	useEffect(() => {
		const next = query.trim();
		if (next === filters.q) return;
		const timer = setTimeout(() => onChange({ q: next }), SEARCH_DEBOUNCE_MS);
		return () => clearTimeout(timer);
	}, [query, filters.q, onChange]);

	const otherAgents = options.agents.filter((agent) => agent.id !== inbox.agent.id);
	// A bookmarked filter naming something this console does not know still shows as chosen.
	const unknown = (value: string, known: Array<{ id: string }>) => value !== "" && !known.some((item) => item.id === value);
	const showInboxes = options.inboxes.length > 1 || filters.inbox !== "";
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
			<div class="list-filter-row">
				<FilterSelect name="assignee" label={t("filter.assignee")} value={filters.assignee} onChange={(assignee) => onChange({ assignee })}>
					<option value="all">{t("filter.assignee.all")}</option>
					<option value="me">{t("list.assignee.me")}</option>
					<option value="unassigned">{t("list.assignee.unassigned")}</option>
					{otherAgents.length > 0 && (
						<optgroup label={t("filter.assignee.agents")}>
							{otherAgents.map((agent) => (
								<option key={agent.id} value={agent.id}>
									{agent.name}
								</option>
							))}
						</optgroup>
					)}
					{!["all", "me", "unassigned"].includes(filters.assignee) && unknown(filters.assignee, options.agents) && (
						<option value={filters.assignee}>?</option>
					)}
				</FilterSelect>
				{showInboxes && (
					<FilterSelect name="inbox" label={t("filter.inbox")} value={filters.inbox} onChange={(value) => onChange({ inbox: value })}>
						<option value="">{t("filter.inbox.all")}</option>
						{options.inboxes.map((item) => (
							<option key={item.id} value={item.id}>
								{item.name}
							</option>
						))}
						{unknown(filters.inbox, options.inboxes) && <option value={filters.inbox}>{filters.inbox}</option>}
					</FilterSelect>
				)}
				<FilterSelect name="label" label={t("filter.label")} value={filters.label} onChange={(label) => onChange({ label })}>
					<option value="">{t("filter.label.all")}</option>
					{(options.labels ?? []).map((label) => (
						<option key={label.id} value={label.id}>
							{label.name}
						</option>
					))}
					{options.labels && unknown(filters.label, options.labels) && <option value={filters.label}>?</option>}
				</FilterSelect>
			</div>
		</div>
	);
}
