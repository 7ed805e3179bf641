import type { ComponentChildren } from "preact";

interface ButtonProps {
	children: ComponentChildren;
	variant?: "primary" | "secondary" | "danger" | "link";
	type?: "button" | "submit";
	/** Disables the button and tells assistive technology that work is in progress. */
	busy?: boolean;
	disabled?: boolean;
	onClick?: () => void;
	class?: string;
	/** Marks the button as the target of a keyboard shortcut (shortcuts/keymap.ts). */
	shortcut?: string;
}

/** The console's one button: a primary, secondary, danger or link-looking action. */
export function Button({
	children,
	variant = "secondary",
	type = "button",
	busy = false,
	disabled = false,
	onClick,
	class: extraClass,
	shortcut,
}: ButtonProps) {
	const className = ["button", `button-${variant}`, extraClass].filter(Boolean).join(" ");
	return (
		<button
			type={type}
			class={className}
			disabled={disabled || busy}
			aria-busy={busy || undefined}
			onClick={onClick}
			data-shortcut={shortcut}
		>
			{children}
		</button>
	);
}
