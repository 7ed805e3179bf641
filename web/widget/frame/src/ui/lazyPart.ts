import { useEffect, useState } from "preact/hooks";

/**
 * A part of the widget that few visitors need (the call screen, the e-mail prompt) as a separate
 * chunk: it is downloaded the first time a component wants it, once, and every visitor who never
 * needs it downloads nothing. Returns a hook giving the loaded value, or null until it is there.
 */
export function lazyPart<T>(what: string, load: () => Promise<T>): (wanted: boolean) => T | null {
	let loading: Promise<T> | null = null;
	return function useLazyPart(wanted: boolean): T | null {
		const [part, setPart] = useState<T | null>(null);
		useEffect(() => {
			if (!wanted || part) return;
			loading ??= load();
			loading.then(
				// A function as the new state would be called by the setter: wrap it.
				(loaded) => setPart(() => loaded),
				(error: unknown) => {
					loading = null;
					console.warn(`destek: could not load the ${what}`, error);
				},
			);
		}, [wanted, part]);
		return part;
	};
}
