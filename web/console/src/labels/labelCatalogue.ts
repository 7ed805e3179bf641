import type { FilterOptions, LabelsApi, LabelView } from "../api/labelsApi";
import { createStore } from "../state/store";

export interface LabelCatalogueState {
	/** Every label, by name; null until first loaded. */
	labels: LabelView[] | null;
	/** The inboxes this agent may filter by. */
	inboxes: FilterOptions["inboxes"];
	/** The enabled team, for the assignee filter. */
	agents: FilterOptions["agents"];
}

/**
 * The labels (and the other filter options) the console shows, fetched when the socket connects
 * and again whenever an admin changes the catalogue (`labels:changed`), so menus, chips and
 * filters follow renames and deletions on every console.
 */
export function createLabelCatalogue(api: LabelsApi) {
	const store = createStore<LabelCatalogueState>({ labels: null, inboxes: [], agents: [] });
	let generation = 0;

	async function reload(): Promise<void> {
		const mine = ++generation;
		const options = await api.filterOptions();
		if (mine === generation) store.update({ labels: options.labels, inboxes: options.inboxes, agents: options.agents });
	}

	return { ...store, reload };
}

export type LabelCatalogue = ReturnType<typeof createLabelCatalogue>;

/**
 * A conversation's labels as the catalogue names them now: a renamed label shows its new name and
 * colour at once, a deleted one disappears (the summary catches up with the next update).
 */
export function currentLabels(labels: LabelView[], catalogue: LabelView[] | null): LabelView[] {
	if (!catalogue) return labels;
	const byId = new Map(catalogue.map((label) => [label.id, label]));
	return labels.flatMap((label) => byId.get(label.id) ?? []);
}
