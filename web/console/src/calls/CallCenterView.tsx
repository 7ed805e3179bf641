import { useEffect, useRef, useState } from "preact/hooks";
import { CallIcon } from "../../../shared/call/CallIcons";
import { CallScreen } from "../../../shared/call/CallScreen";
import type { CallView } from "../api/inboxTypes";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { navigate, ROUTES } from "../router";
import { useStore } from "../state/store";
import type { CallCenterState } from "./callCenter";
import { logFailure } from "../../../shared/logFailure";

function IncomingCall({ call, position, focused, busy }: { call: CallView; position: number; focused: boolean; busy: boolean }) {
	const { t } = useI18n();
	const { calls } = useInbox();
	const accept = useRef<HTMLButtonElement>(null);
	useEffect(() => {
		if (focused) accept.current?.focus();
	}, [focused]);
	const title = t("calls.incoming", { name: call.visitor.name });
	return (
		<section class={focused ? "incoming-call incoming-call-focused" : "incoming-call"} role="dialog" aria-label={title}>
			<p class="incoming-call-title">{title}</p>
			<p class="incoming-call-meta">
				{t(call.media === "video" ? "calls.video" : "calls.audio")} · {t("calls.position", { position })}
			</p>
			<div class="incoming-call-actions">
				<button
					ref={accept}
					type="button"
					class="call-button call-accept"
					data-shortcut="acceptCall"
					disabled={busy}
					onClick={() => {
						if (focused) navigate(ROUTES.home, { replace: true });
						calls.accept(call).catch(logFailure("accepting the call"));
					}}
				>
					{t("calls.accept")}
				</button>
				<button type="button" class="call-button call-hangup" data-shortcut="rejectCall" disabled={busy} onClick={() => calls.reject(call.id)}>
					{t("calls.reject")}
				</button>
			</div>
		</section>
	);
}

/** A call the console was opened at that this agent can neither answer nor join, and why. */
function OpenedCall({ opened }: { opened: NonNullable<CallCenterState["opened"]> }) {
	const { t } = useI18n();
	const { calls } = useInbox();
	const { call, outcome } = opened;
	const why =
		outcome === "missing"
			? t("calls.notFound")
			: outcome === "taken"
				? t("calls.taken", { name: call?.agent?.name ?? "" })
				: t("calls.over");
	return (
		<section class="incoming-call incoming-call-focused" role="dialog" aria-label={why}>
			{call && <p class="incoming-call-title">{call.visitor.name}</p>}
			<p class="incoming-call-meta">{why}</p>
			<div class="incoming-call-actions">
				<button type="button" class="call-button" onClick={calls.closeOpened}>
					{t("calls.close")}
				</button>
			</div>
		</section>
	);
}

/**
 * Incoming calls (ringing) and short notices float over whatever page is open; the agent's live
 * call docks at the top of the page instead (styles/controls.css), so it never covers the page's
 * controls, such as the composer's Send, and it can be minimised to one row.
 */
export function CallCenterView({ focusCallId }: { focusCallId: string | null }) {
	const { t } = useI18n();
	const { calls } = useInbox();
	const { queue, active, accepting, notice, opened } = useStore(calls.store, (s) => s);
	const [minimised, setMinimised] = useState(false);
	const activeId = active?.call.id;
	// Each call starts expanded.
	useEffect(() => setMinimised(false), [activeId]);
	// Opened at /calls/:id (a notification, or Telegram's link after Accept): show or join that call.
	useEffect(() => calls.openRoute(focusCallId), [calls, focusCallId]);
	const toggleLabel = t(minimised ? "callPanel.expand" : "callPanel.minimise");
	return (
		<div class={active ? "call-center call-center-live" : "call-center"}>
			{active && (
				<CallScreen
					peer={active.peer}
					title={active.call.visitor.name}
					answeredAt={active.call.answeredAt}
					recording={active.call.recording !== "off"}
					t={t}
					onHangUp={calls.hangUp}
					compact={minimised}
				>
					<button
						type="button"
						class="call-corner-button"
						aria-label={toggleLabel}
						title={toggleLabel}
						onClick={() => setMinimised(!minimised)}
					>
						<CallIcon name={minimised ? "expand" : "minimise"} />
					</button>
				</CallScreen>
			)}
			{!active &&
				queue.map(({ call, position }) => (
					<IncomingCall
						key={call.id}
						call={call}
						position={position}
						focused={call.id === focusCallId}
						busy={accepting !== null}
					/>
				))}
			{!active && opened && <OpenedCall opened={opened} />}
			<p class="call-center-notice" role="status">
				{notice}
			</p>
		</div>
	);
}

/** "3 of 10 calls today", for the inbox header. */
export function CallUsage() {
	const { t } = useI18n();
	const usage = useStore(useInbox().calls.store, (s) => s.usage);
	if (!usage) return null;
	return <p class="call-usage muted">{t("calls.usage", { used: usage.used, limit: usage.limit })}</p>;
}
