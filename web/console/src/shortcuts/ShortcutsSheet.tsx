import { Fragment } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { type MessageKey, useI18n } from "../i18n";
import { Icon } from "../ui/Icon";
import { COMPOSER_KEYS, SHORTCUTS, type ShortcutGroup } from "./keymap";
import { useShortcutHandler } from "./useShortcuts";
import "./shortcuts.css";

const GROUPS: readonly ShortcutGroup[] = ["list", "conversation", "calls", "go", "general"];

/** One shortcut's keys: `g` then `i`, or `o` / `Enter`. */
function Keys({ keys, also = [] }: { keys: readonly string[]; also?: readonly string[] }) {
	const { t } = useI18n();
	return (
		<span class="shortcut-keys">
			{keys.map((key, index) => (
				<Fragment key={key}>
					{index > 0 && <span class="muted"> {t("shortcuts.then")} </span>}
					<kbd>{key}</kbd>
				</Fragment>
			))}
			{also.map((key) => (
				<Fragment key={key}>
					<span class="muted"> / </span>
					<kbd>{key}</kbd>
				</Fragment>
			))}
		</span>
	);
}

/** The `?` sheet: every shortcut of keymap.ts, by where it works. A modal dialog; Escape closes it. */
export function ShortcutsSheet() {
	const { t } = useI18n();
	const [open, setOpen] = useState(false);
	const dialog = useRef<HTMLDialogElement>(null);
	useShortcutHandler("help", () => {
		setOpen(true);
		return true;
	});

	useEffect(() => {
		const element = dialog.current;
		if (open && element && !element.open) element.showModal();
	}, [open]);

	if (!open) return null;
	return (
		// biome-ignore lint/a11y/useKeyWithClickEvents: the backdrop click mirrors Escape, which the dialog handles natively.
		<dialog
			ref={dialog}
			class="shortcuts-sheet"
			aria-label={t("shortcuts.title")}
			onClose={() => setOpen(false)}
			onClick={(event) => {
				if (event.target === event.currentTarget) event.currentTarget.close();
			}}
		>
			<div class="shortcuts-sheet-bar">
				<h2 class="shortcuts-sheet-title">{t("shortcuts.title")}</h2>
				<button type="button" class="icon-button" aria-label={t("common.close")} onClick={() => dialog.current?.close()}>
					<Icon name="close" />
				</button>
			</div>
			<p class="muted shortcuts-sheet-intro">{t("shortcuts.intro")}</p>
			{GROUPS.map((group) => (
				<section key={group} class="shortcuts-group">
					<h3>{t(`shortcuts.group.${group}`)}</h3>
					<dl>
						{SHORTCUTS.filter((s) => s.group === group).map((shortcut) => (
							<div key={shortcut.id} class="shortcut-row">
								<dt>
									<Keys keys={shortcut.keys} also={shortcut.alsoShown} />
								</dt>
								<dd>{t(`shortcuts.${shortcut.id}` as MessageKey)}</dd>
							</div>
						))}
					</dl>
				</section>
			))}
			<section class="shortcuts-group">
				<h3>{t("shortcuts.group.composer")}</h3>
				<dl>
					{COMPOSER_KEYS.map((entry) => (
						<div key={entry.what} class="shortcut-row">
							<dt>
								<Keys keys={entry.keys} />
							</dt>
							<dd>{t(`shortcuts.composer.${entry.what}`)}</dd>
						</div>
					))}
				</dl>
			</section>
		</dialog>
	);
}
