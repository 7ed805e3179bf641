import { useCallback, useId, useRef, useState } from "preact/hooks";
import type { ConversationSummary } from "../api/inboxTypes";
import { describeError } from "../errors/describeError";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { useStore } from "../state/store";
import { Icon } from "../ui/Icon";
import { showToast } from "../ui/toasts";
import { useDismiss } from "../ui/useDismiss";

/**
 * "Labels ▾": every label with a checkbox, ticked when the conversation has it; ticking puts it on,
 * unticking takes it off. The change comes back over the socket, so every console shows it.
 */
export function LabelsMenu({ conversation }: { conversation: ConversationSummary }) {
	const { t } = useI18n();
	const inbox = useInbox();
	const catalogue = useStore(inbox.labels, (state) => state.labels);
	const [open, setOpen] = useState(false);
	/** Changes on their way to the server, shown as asked until it answers. */
	const [pending, setPending] = useState<Record<string, boolean>>({});
	const panelId = useId();
	const root = useRef<HTMLDivElement>(null);
	const button = useRef<HTMLButtonElement>(null);
	const close = useCallback(() => setOpen(false), []);
	useDismiss(open, close, root, button);

	const has = new Set(conversation.labels.map((label) => label.id));
	async function toggle(labelId: string, on: boolean) {
		setPending((changes) => ({ ...changes, [labelId]: on }));
		try {
			await inbox.setLabel(conversation.id, labelId, on);
		} catch (error) {
			showToast(describeError(error, t));
		} finally {
			setPending(({ [labelId]: _done, ...rest }) => rest);
		}
	}

	return (
		<div class="popover-anchor" ref={root}>
			<button
				type="button"
				class="button button-secondary button-compact"
				ref={button}
				aria-expanded={open}
				aria-controls={panelId}
				onClick={() => setOpen(!open)}
			>
				<Icon name="tag" />
				{t("labels.menu")}
				<Icon name="chevronDown" />
			</button>
			<div class="popover labels-panel" id={panelId} hidden={!open}>
				{catalogue === null && <p class="popover-note muted">{t("app.loading")}</p>}
				{catalogue?.length === 0 && <p class="popover-note muted">{t("labels.menuEmpty")}</p>}
				{catalogue && catalogue.length > 0 && (
					<ul>
						{catalogue.map((label) => (
							<li key={label.id}>
								<label class="menu-item label-option">
									<input
										type="checkbox"
										checked={pending[label.id] ?? has.has(label.id)}
										disabled={label.id in pending}
										onChange={(event) => toggle(label.id, event.currentTarget.checked)}
									/>
									<span class="label-dot" style={{ background: label.colour }} aria-hidden="true" />
									<span class="menu-item-label">{label.name}</span>
								</label>
							</li>
						))}
					</ul>
				)}
			</div>
		</div>
	);
}
