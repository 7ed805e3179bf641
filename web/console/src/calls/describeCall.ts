import type { Translate } from "../../../shared/i18n";
import type { CallHistoryEntry } from "../api/callsApi";
import type { MessageKey } from "../i18n";

// How the Calls page words and formats a call. Dates follow the browser's own locale and time zone.

/** "1 May 2026, 14:30" in the browser's locale. */
export function formatCallStart(iso: string): string {
	return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** The talk time: stored once ended, counted up from the answer while live, none if never answered. */
export function callDurationMs(call: Pick<CallHistoryEntry, "status" | "answeredAt" | "durationMs">, now: number): number | null {
	if (!call.answeredAt) return null;
	if (call.status === "active") return now - Date.parse(call.answeredAt);
	return call.durationMs;
}

// Reasons the server writes into end_reason (src/domain/calls/calls.ts and src/realtime).
const REASONS: Record<string, MessageKey> = {
	ring_timeout: "endReason.ring_timeout",
	caller_hung_up: "endReason.caller_hung_up",
	agent_hung_up: "endReason.agent_hung_up",
	caller_left: "endReason.caller_left",
	agent_left: "endReason.agent_left",
};

/** A readable end reason; `agentName` resolves the agent id in `rejected_by:<id>`. */
export function describeEndReason(
	reason: string | null,
	t: Translate<MessageKey>,
	agentName: (id: string) => string | undefined,
): string | null {
	if (!reason) return null;
	if (reason.startsWith("rejected_by:")) {
		const name = agentName(reason.slice("rejected_by:".length));
		return name ? t("endReason.rejected_by", { name }) : t("endReason.rejected_by_someone");
	}
	const key = Object.hasOwn(REASONS, reason) ? REASONS[reason] : undefined;
	return key ? t(key) : t("endReason.other", { reason: reason.replaceAll("_", " ") });
}
