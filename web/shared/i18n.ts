import { type ComponentChildren, createContext, h } from "preact";
import { useCallback, useContext, useEffect, useMemo, useState } from "preact/hooks";

/** Languages every destek front-end ships. */
export type Language = "en" | "tr";
export const LANGUAGES: readonly Language[] = ["en", "tr"];

/** Native names, so each option is readable by someone who speaks it. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", tr: "Türkçe" };

/** Values substituted into `{name}` placeholders of a message. */
export type MessageValues = Record<string, string | number>;

export type Translate<Key extends string> = (key: Key, values?: MessageValues) => string;

export interface I18nValue<Key extends string> {
	language: Language;
	t: Translate<Key>;
	/** Switches language and remembers the user's explicit choice. */
	chooseLanguage: (language: Language) => void;
	/** Uses a language preferred elsewhere (e.g. the agent's profile) unless the user chose one here. */
	suggestLanguage: (language: Language) => void;
}

/** Narrows untrusted input (storage, API) to a supported language. */
export function isLanguage(value: unknown): value is Language {
	return value === "en" || value === "tr";
}

function readStoredLanguage(storageKey: string): Language | null {
	try {
		const stored = localStorage.getItem(storageKey);
		return isLanguage(stored) ? stored : null;
	} catch {
		// Storage can be blocked (privacy mode, sandboxed iframe); fall back to the browser language.
		return null;
	}
}

function storeLanguage(storageKey: string, language: Language): void {
	try {
		localStorage.setItem(storageKey, language);
	} catch {
		// Not remembering the choice is acceptable when storage is blocked.
	}
}

/** The stored choice, else Turkish for a browser language starting with "tr", else English. */
export function detectLanguage(storageKey: string): Language {
	const stored = readStoredLanguage(storageKey);
	if (stored) return stored;
	return navigator.language.toLowerCase().startsWith("tr") ? "tr" : "en";
}

function fillPlaceholders(message: string, values: MessageValues | undefined): string {
	if (!values) return message;
	return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
		name in values ? String(values[name]) : whole,
	);
}

/** How an app picks its first language; by default detectLanguage(storageKey). */
export interface CreateI18nOptions {
	/** A language decided elsewhere (e.g. the widget's embed code); it wins over storage and browser. */
	initialLanguage?: Language;
}

/** Builds a provider and hook over one app's dictionaries; Turkish must cover every English key. */
export function createI18n<Key extends string>(
	dictionaries: Record<Language, Record<Key, string>>,
	storageKey: string,
	options: CreateI18nOptions = {},
) {
	const I18nContext = createContext<I18nValue<Key> | null>(null);

	function I18nProvider({ children }: { children: ComponentChildren }) {
		const [language, setLanguage] = useState<Language>(
			() => options.initialLanguage ?? detectLanguage(storageKey),
		);

		useEffect(() => {
			document.documentElement.lang = language;
		}, [language]);

		const chooseLanguage = useCallback((next: Language) => {
			storeLanguage(storageKey, next);
			setLanguage(next);
		}, []);

		const suggestLanguage = useCallback((next: Language) => {
			if (!readStoredLanguage(storageKey)) setLanguage(next);
		}, []);

		const value = useMemo<I18nValue<Key>>(() => {
			const dictionary = dictionaries[language];
			const t: Translate<Key> = (key, values) => fillPlaceholders(dictionary[key], values);
			return { language, t, chooseLanguage, suggestLanguage };
		}, [language, chooseLanguage, suggestLanguage]);

		return h(I18nContext.Provider, { value }, children);
	}

	function useI18n(): I18nValue<Key> {
		const value = useContext(I18nContext);
		if (!value) throw new Error("useI18n must be used inside I18nProvider");
		return value;
	}

	return { I18nProvider, useI18n };
}
