import { useEffect, useId, useRef, useState } from "preact/hooks";
import type { Agent } from "../api/types";
import { useI18n } from "../i18n";
import { session } from "../session/sessionStore";
import { ErrorAlert } from "../ui/ErrorAlert";
import { useAsyncAction } from "../ui/useAsyncAction";

function initials(name: string): string {
	const letters = name
		.split(/\s+/)
		.filter(Boolean)
		.slice(0, 2)
		.map((word) => word.charAt(0));
	return letters.join("").toLocaleUpperCase() || "?";
}

/** The agent's name in the header, opening a small panel with the sign-out actions. */
export function AccountMenu({ agent }: { agent: Agent }) {
	const { t } = useI18n();
	const [open, setOpen] = useState(false);
	const panelId = useId();
	const rootRef = useRef<HTMLDivElement>(null);
	const buttonRef = useRef<HTMLButtonElement>(null);
	const action = useAsyncAction();

	useEffect(() => {
		if (!open) return;
		const closeOnOutsideClick = (event: PointerEvent) => {
			if (event.target instanceof Node && !rootRef.current?.contains(event.target)) setOpen(false);
		};
		const closeOnEscape = (event: KeyboardEvent) => {
			if (event.key !== "Escape") return;
			setOpen(false);
			buttonRef.current?.focus();
		};
		document.addEventListener("pointerdown", closeOnOutsideClick);
		document.addEventListener("keydown", closeOnEscape);
		return () => {
			document.removeEventListener("pointerdown", closeOnOutsideClick);
			document.removeEventListener("keydown", closeOnEscape);
		};
	}, [open]);

	return (
		<div
			class="account-menu"
			ref={rootRef}
			onFocusOut={(event) => {
				// Tabbing out of the menu closes it, like a click elsewhere.
				const next = event.relatedTarget;
				if (next instanceof Node && !rootRef.current?.contains(next)) setOpen(false);
			}}
		>
			<button
				type="button"
				class="account-button"
				ref={buttonRef}
				aria-expanded={open}
				aria-controls={panelId}
				onClick={() => setOpen(!open)}
			>
				<span class="avatar" aria-hidden="true">
					{initials(agent.name)}
				</span>
				<span class="account-name">{agent.name}</span>
			</button>
			<div class="account-panel" id={panelId} hidden={!open}>
				<p class="account-identity">
					<span class="account-identity-name">{agent.name}</span>
					<span class="muted">@{agent.username}</span>
				</p>
				<ErrorAlert error={action.error} />
				<ul class="account-actions">
					<li>
						<button
							type="button"
							class="menu-item"
							disabled={action.busy}
							onClick={() => action.run(session.signOut)}
						>
							{t("shell.signOut")}
						</button>
					</li>
					<li>
						<button
							type="button"
							class="menu-item"
							disabled={action.busy}
							onClick={() => action.run(session.signOutEverywhere)}
						>
							{t("shell.signOutEverywhere")}
						</button>
					</li>
				</ul>
			</div>
		</div>
	);
}
