import { useEffect, useState } from "preact/hooks";

/** A value that changes over time and tells subscribers; the widget's only state container. */
export interface Store<T> {
	get: () => T;
	set: (next: T) => void;
	update: (change: (current: T) => T) => void;
	subscribe: (listener: () => void) => () => void;
}

export function createStore<T>(initial: T): Store<T> {
	let value = initial;
	const listeners = new Set<() => void>();
	const set = (next: T) => {
		if (Object.is(next, value)) return;
		value = next;
		for (const listener of listeners) listener();
	};
	return {
		get: () => value,
		set,
		update: (change) => set(change(value)),
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
}

/** The store's current value, re-rendering the component on every change. */
export function useStore<T>(store: Store<T>): T {
	const [value, setValue] = useState(store.get);
	useEffect(() => {
		setValue(store.get);
		return store.subscribe(() => setValue(store.get));
	}, [store]);
	return value;
}
