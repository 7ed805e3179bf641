import { useState } from "preact/hooks";
import { type ChatError, chatState, requestTranscript, updateProfile } from "../chat/chatStore";
import { describeError, useI18n } from "../i18n";
import { useStore } from "../state/store";
import { TextInput } from "./TextInput";

/**
 * E-mail in the widget: while nobody is online, a visitor who wrote and left no address is asked for
 * one (the away note above says why: the answer can reach them by mail); after resolve, the transcript can be mailed to them. The server
 * checks the address (the widget stays small).
 */
export function MailPrompt() {
	const { t } = useI18n();
	const { mail, agentsOnline, conversation, messages, pending } = useStore(chatState);
	const [email, setEmail] = useState("");
	// Done for the prompt it answered (the address while away, or the transcript after resolve), so
	// the transcript button still comes after an address was saved.
	const [doneWhenResolved, setDoneWhenResolved] = useState<boolean | null>(null);
	const [failure, setFailure] = useState<ChatError | null>(null);
	const resolved = conversation?.status === "resolved";
	const wrote = pending.length > 0 || messages.some((message) => message.author.type === "visitor");
	if (doneWhenResolved === resolved) return <p class="offline-note" role="status">{t(resolved ? "mail.transcriptSent" : "mail.saved")}</p>;
	if (!mail?.enabled || !(resolved || (agentsOnline === false && wrote && !mail.known))) return null;

	const submit = async (event: Event) => {
		event.preventDefault();
		const value = email.trim();
		const error = resolved ? await requestTranscript(value || undefined) : await updateProfile({ email: value });
		setFailure(error);
		if (!error) setDoneWhenResolved(resolved);
	};
	return (
		<form class="offline-note pre-chat" onSubmit={submit} noValidate>
			{!mail.known && (
				<TextInput field="email" label={t("preChat.email")} optional={null} value={email} error={failure && describeError(failure, t)} focusOnMount={false} onValue={setEmail} />
			)}
			<button type="submit" class="primary-button">
				{t(resolved ? "mail.transcript" : "mail.save")}
			</button>
		</form>
	);
}
