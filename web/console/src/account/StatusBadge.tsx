/** A small pill: green-ish when something is on/linked/active, grey otherwise. */
export function StatusBadge({ on, children }: { on: boolean; children: string }) {
	return <span class={on ? "badge badge-on" : "badge"}>{children}</span>;
}
