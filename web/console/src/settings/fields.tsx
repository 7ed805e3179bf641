import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";

/** A labelled <select> in the console's field style. */
export function SelectField<T extends string>({
	label,
	value,
	options,
	onValue,
	hint,
}: {
	label: string;
	value: T;
	options: Array<{ value: T; label: string }>;
	onValue: (value: T) => void;
	hint?: string;
}) {
	const id = useId();
	return (
		<div class="field">
			<label for={id}>{label}</label>
			<select
				id={id}
				class="select"
				value={value}
				aria-describedby={hint ? `${id}-hint` : undefined}
				onChange={(event) => {
					const next = options.find((o) => o.value === event.currentTarget.value);
					if (next) onValue(next.value);
				}}
			>
				{options.map((o) => (
					<option key={o.value} value={o.value}>
						{o.label}
					</option>
				))}
			</select>
			{hint && (
				<p class="field-hint" id={`${id}-hint`}>
					{hint}
				</p>
			)}
		</div>
	);
}

/** A labelled checkbox on one line. */
export function CheckboxField({ label, checked, onChecked }: { label: string; checked: boolean; onChecked: (checked: boolean) => void }) {
	return (
		<label class="settings-checkbox">
			<input type="checkbox" checked={checked} onChange={(event) => onChecked(event.currentTarget.checked)} />
			<span>{label}</span>
		</label>
	);
}

/** A group of fields under a legend. */
export function FieldGroup({ legend, children }: { legend: string; children: ComponentChildren }) {
	return (
		<fieldset class="settings-group">
			<legend>{legend}</legend>
			{children}
		</fieldset>
	);
}

/** "" for null, the digits otherwise: numbers are edited as text so an empty field can mean "none". */
export const numberText = (value: number | null): string => (value === null ? "" : String(value));

/** The whole number typed, null for an empty field, undefined when it is not a whole number. */
export function parseWholeNumber(text: string): number | null | undefined {
	const trimmed = text.trim();
	if (trimmed === "") return null;
	return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

export const digitsOnly = (raw: string) => raw.replace(/\D/g, "");
