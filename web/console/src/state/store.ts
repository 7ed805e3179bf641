import { useEffect, useReducer, useRef } from "preact/hooks";

/** A small observable value for state that lives outside components (socket-fed inbox data). */
export interface Store<T> {
	get(): T;
	/** Shallow-merges a patch, or the patch a function computes from the current value. */
	update(patch: Partial<T> | ((current: T) => Partial<T>)): void;
	subscribe(listener: () => void): () => void;
}

export function createStore<T extends object>(initial: T): Store<T> {
	let value = initial;
	const listeners = new Set<() => void>();
	return {
		get: () => value,
		update(patch) {
			const changes = typeof patch === "function" ? patch(value) : patch;
			value = { ...value, ...changes };
			for (const listener of listeners) listener();
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
}

/** The selected part of a store, re-rendering only when that part changes (by identity). */
export function useStore<T, S>(store: Store<T>, select: (value: T) => S): S {
	// Selected on every render, so a selector that depends on props is never stale.
	const selected = select(store.get());
	const latest = useRef({ select, selected });
	latest.current = { select, selected };
	const [, rerender] = useReducer((count: number) => count + 1, 0);
	useEffect(() => {
		const check = () => {
			if (!Object.is(latest.current.select(store.get()), latest.current.selected)) rerender(undefined);
		};
		check();
		return store.subscribe(check);
	}, [store]);
	return selected;
}
