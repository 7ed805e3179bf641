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
}: ButtonProps) {
	const className = ["button", `button-${variant}`, extraClass].filter(Boolean).join(" ");
	return (
		<button
			type={type}
			class={className}
			disabled={disabled || busy}
			aria-busy={busy || undefined}
			onClick={onClick}
		>
			{children}
		</button>
	);
}
