import { useEffect, useId, useRef } from "preact/hooks";
import type { PreChatField } from "../api/widgetApi";

interface TextInputProps {
	field: PreChatField;
	label: string;
	/** "(optional)" after the label, or null for a required field. */
	optional: string | null;
	value: string;
	error: string | null;
	focusOnMount: boolean;
	onValue: (value: string) => void;
}

// Plain text inputs with the right keyboard: the form validates itself, in the visitor's language.
const INPUT_MODES: Record<PreChatField, { inputMode: "text" | "email" | "tel"; autoComplete: string }> = {
	name: { inputMode: "text", autoComplete: "name" },
	email: { inputMode: "email", autoComplete: "email" },
	phone: { inputMode: "tel", autoComplete: "tel" },
};

/** A labelled input whose error is tied to it with aria-describedby. */
export function TextInput({ field, label, optional, value, error, focusOnMount, onValue }: TextInputProps) {
	const id = useId();
	const input = useRef<HTMLInputElement>(null);
	useEffect(() => {
		if (focusOnMount) input.current?.focus();
	}, [focusOnMount]);
	const { inputMode, autoComplete } = INPUT_MODES[field];
	return (
		<div class="field">
			<label for={id}>
				{label}
				{optional && <span class="field-optional"> {optional}</span>}
			</label>
			<input
				ref={input}
				id={id}
				type="text"
				inputMode={inputMode}
				name={field}
				autoComplete={autoComplete}
				value={value}
				required={!optional}
				aria-invalid={error ? true : undefined}
				aria-describedby={error ? `${id}-error` : undefined}
				onInput={(event) => onValue(event.currentTarget.value)}
			/>
			{error && (
				<p class="field-error" id={`${id}-error`}>
					{error}
				</p>
			)}
		</div>
	);
}
