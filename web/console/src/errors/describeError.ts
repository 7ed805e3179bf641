import type { Translate } from "../../../shared/i18n";
import { ApiError, NETWORK_ERROR_ID } from "../api/http";
import type { MessageKey } from "../i18n";

/** A mistake the console catches before calling the API, e.g. a code that is too short. */
export class InputError extends Error {
	constructor(readonly messageKey: MessageKey) {
		super(messageKey);
		this.name = "InputError";
	}
}

/** Error ids the console explains in the user's language; others show the server's message. */
const KNOWN_ERRORS: Record<string, MessageKey> = {
	[NETWORK_ERROR_ID]: "error.network",
	invalid_credentials: "error.invalid_credentials",
	rate_limited: "error.rate_limited",
	telegram_unavailable: "error.telegram_unavailable",
	telegram_bot_blocked: "error.telegram_bot_blocked",
	telegram_chat_not_found: "error.telegram_chat_not_found",
	telegram_not_configured: "error.telegram_not_configured",
	telegram_not_linked: "error.telegram_not_linked",
	otp_invalid: "error.otp_invalid",
	otp_expired: "error.otp_expired",
	otp_locked: "error.otp_locked",
	ticket_invalid: "error.ticket_invalid",
	session_invalid: "error.session_invalid",
	session_reused: "error.session_reused",
	setup_token_invalid: "error.setup_token_invalid",
	username_taken: "error.username_taken",
	invalid_request: "error.invalid_request",
	last_second_factor: "error.last_second_factor",
	password_incorrect: "error.password_incorrect",
	file_too_large: "error.file_too_large",
	file_type_not_allowed: "error.file_type_not_allowed",
	invalid_file: "error.invalid_file",
	socket_timeout: "error.socket_timeout",
	socket_offline: "error.socket_offline",
	not_found: "error.not_found",
	forbidden: "error.forbidden",
	link_invalid: "link.invalid",
	last_admin: "error.last_admin",
	recovery_code_invalid: "error.recovery_code_invalid",
	cannot_disable_self: "error.cannot_disable_self",
	shortcut_taken: "canned.error.shortcut_taken",
	invalid_shortcut: "canned.error.invalid_shortcut",
	empty_canned_reply: "canned.error.empty",
	canned_reply_not_found: "canned.error.not_found",
	invalid_email: "contact.error.invalid_email",
	invalid_phone: "contact.error.invalid_phone",
	contact_not_found: "contact.error.not_found",
	merge_two_verified: "contact.error.merge_two_verified",
	contact_in_call: "contact.error.contact_in_call",
	contact_merged: "contact.error.merged",
	erase_not_confirmed: "contact.error.erase_not_confirmed",
	label_name_taken: "labels.error.name_taken",
	label_name_empty: "labels.error.name_empty",
	label_name_too_long: "labels.error.name_too_long",
	label_not_found: "labels.error.not_found",
	label_limit: "labels.error.limit",
	conversation_label_limit: "labels.error.conversation_limit",
	webhook_url_private: "webhooks.error.url_private",
	webhook_url_invalid: "webhooks.error.url_invalid",
	webhook_limit: "webhooks.error.limit",
};

/** The server puts the remaining tries in the otp_invalid message; the first number in it is that count. */
function remainingTries(message: string): number | null {
	const match = /\d+/.exec(message);
	return match ? Number(match[0]) : null;
}

/** A message fit to show the user for any thrown value. */
export function describeError(error: unknown, t: Translate<MessageKey>): string {
	if (error instanceof InputError) return t(error.messageKey);
	if (!(error instanceof ApiError)) return t("error.unknown");
	const key = Object.hasOwn(KNOWN_ERRORS, error.id) ? KNOWN_ERRORS[error.id] : undefined;
	if (!key) return error.message || t("error.unknown");
	if (error.id === "otp_invalid") {
		const tries = remainingTries(error.message);
		if (tries !== null) return `${t(key)} ${t("error.otp_triesLeft", { count: tries })}`;
	}
	return t(key);
}
