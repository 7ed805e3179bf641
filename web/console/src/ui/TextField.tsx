import { useEffect, useId, useRef } from "preact/hooks";

export interface TextFieldProps {
	label: string;
	value: string;
	onValue: (value: string) => void;
	type?: "text" | "password";
	name?: string;
	hint?: string;
	autoComplete?: string;
	inputMode?: "text" | "numeric";
	required?: boolean;
	/** Moves focus here when the field appears (the autofocus attribute only works once per page). */
	focusOnMount?: boolean;
	/** Turns off spelling help for identifiers, codes and keys. */
	plain?: boolean;
	/** Rewrites what was typed (e.g. drops non-digits); the input shows the result at once. */
	normalize?: (raw: string) => string;
}

const NO_TEXT_ASSIST = { autoCapitalize: "off", autoCorrect: "off", spellcheck: false } as const;

/** A labelled text input; the hint is linked with aria-describedby. */
export function TextField({
	label,
	value,
	onValue,
	type = "text",
	hint,
	plain,
	normalize,
	focusOnMount,
	...input
}: TextFieldProps) {
	const id = useId();
	const inputRef = useRef<HTMLInputElement>(null);
	useEffect(() => {
		if (focusOnMount) inputRef.current?.focus();
	}, [focusOnMount]);
	const hintId = `${id}-hint`;
	const inputProps = {
		ref: inputRef,
		id,
		value,
		onInput: (event: { currentTarget: HTMLInputElement }) => {
			const element = event.currentTarget;
			const next = normalize ? normalize(element.value) : element.value;
			if (next !== element.value) element.value = next;
			onValue(next);
		},
		"aria-describedby": hint ? hintId : undefined,
		...(plain ? NO_TEXT_ASSIST : {}),
		...input,
	};
	return (
		<div class="field">
			<label for={id}>{label}</label>
			{/* Two literal types, because Preact types each input type's allowed attributes separately. */}
			{type === "password" ? <input type="password" {...inputProps} /> : <input type="text" {...inputProps} />}
			{hint && (
				<p class="field-hint" id={hintId}>
					{hint}
				</p>
			)}
		</div>
	);
}
