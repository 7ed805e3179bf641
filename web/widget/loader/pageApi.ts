import type { Language } from "../../shared/i18n";
import type { PageMessage } from "./frameBridge";

/** What window.destek.on() can listen to, and what each listener is given. */
export interface PageEvents {
	message: PageMessage;
	open: undefined;
	close: undefined;
}
export type PageEventName = keyof PageEvents;

/** What the loader does for the page's calls; exposePageApi checks the arguments first. */
export interface PageActions {
	open: () => void;
	close: () => void;
	identify: (user: unknown) => void;
	setLanguage: (language: Language) => void;
}

type Method = (...args: unknown[]) => unknown;

/** window.destek: a function or an object, with the calls a stub queued before the loader ran in `q`. */
interface PageApi {
	(...call: unknown[]): void;
	q?: unknown;
	[method: string]: unknown;
}

/** The page's API: `emit` calls the page's listeners, `expose` puts the API on window.destek. */
export interface PageApiHandle {
	emit: <E extends PageEventName>(event: E, data: PageEvents[E]) => void;
	/**
	 * Puts the API on window.destek and runs the calls queued there, in order. Both stubs work:
	 * `destek.q = [["open"], ["on", "message", fn]]` and `destek.q = [arguments, ...]` from
	 * `function () { (destek.q = destek.q || []).push(arguments) }`; later pushes to `q` run at once.
	 */
	expose: () => void;
}

export function createPageApi(actions: PageActions): PageApiHandle {
	const listeners = new Map<string, Set<(data: unknown) => void>>();
	const methods: Record<string, Method> = {
		open: () => actions.open(),
		close: () => actions.close(),
		identify: (user) => actions.identify(user),
		setLanguage: (language) => {
			if (language === "en" || language === "tr") actions.setLanguage(language);
			else console.warn('destek: setLanguage takes "en" or "tr"');
		},
		/** Listens to "message", "open" or "close"; returns a function that stops listening. */
		on: (event, listener) => {
			if ((event !== "message" && event !== "open" && event !== "close") || typeof listener !== "function") {
				console.warn('destek: on takes "message", "open" or "close" and a function');
				return () => {};
			}
			const set = listeners.get(event) ?? new Set();
			listeners.set(event, set);
			const fn = listener as (data: unknown) => void;
			set.add(fn);
			return () => set.delete(fn);
		},
	};
	const run = (call: unknown) => {
		const [name, ...args] = typeof call === "object" && call !== null ? Array.from(call as ArrayLike<unknown>) : [];
		const method = typeof name === "string" && Object.hasOwn(methods, name) ? methods[name] : undefined;
		if (method) return method(...args);
		console.warn("destek: unknown call", name);
	};

	const expose = () => {
		const host = window as { destek?: unknown };
		const existing = host.destek;
		const api = (typeof existing === "function" || (typeof existing === "object" && existing !== null) ? existing : {}) as PageApi;
		const queued = Array.isArray(api.q) ? (api.q as unknown[]) : [];
		// destek("open") keeps working for pages with the function stub: it pushes to q, which now runs the call.
		api.q = {
			push: (...calls: unknown[]) => {
				for (const call of calls) run(call);
			},
		};
		Object.assign(api, methods);
		host.destek = api;
		for (const call of queued) run(call);
	};

	const emit: PageApiHandle["emit"] = (event, data) => {
		for (const listener of listeners.get(event) ?? []) {
			// A failing listener of the page must not stop the widget or the other listeners.
			try {
				listener(data);
			} catch (error) {
				console.error(`destek: an on("${event}") listener failed`, error);
			}
		}
	};
	return { emit, expose };
}
