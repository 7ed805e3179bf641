import { useState } from "preact/hooks";
import { widgetRequest } from "../api/widgetApi";
import { chatState } from "../chat/chatStore";
import { describeError, useI18n } from "../i18n";
import { useStore } from "../state/store";
import { hostIdentity } from "../host/hostBridge";
import { readStored } from "../safeStorage";
import { MailPrompt } from "./MailPrompt";
import { TextInput } from "./TextInput";

// What the widget shows while nobody answers (outside business hours, or nobody online), loaded as
// its own chunk: the business-hours note with the next opening, `Request a call back` (offered
// instead of Call), and the e-mail prompt. Its words live here, not in the frame's dictionaries,
// so the first load stays within its budget.

const TEXT = {
	en: {
		closed: "We're away, outside business hours.",
		closedUntil: "We're away, outside business hours, back at {when}.",
		request: "Request a call back",
		phone: "Phone",
		note: "Note",
		optional: "(optional)",
		send: "Send request",
		cancel: "Cancel",
		sent: "Thanks! We'll call you back as soon as we're in.",
		phoneInvalid: "Please enter a valid phone number.",
	},
	tr: {
		closed: "Şu an mesai saatleri dışındayız.",
		closedUntil: "Şu an mesai saatleri dışındayız, {when} tekrar buradayız.",
		request: "Geri arama iste",
		phone: "Telefon",
		note: "Not",
		optional: "(isteğe bağlı)",
		send: "İsteği gönder",
		cancel: "Vazgeç",
		sent: "Teşekkürler! Döner dönmez sizi arayacağız.",
		phoneInvalid: "Lütfen geçerli bir telefon numarası girin.",
	},
} as const;

const PHONE = /^\+?[\d\s().-]{5,30}$/;

/** "Monday 09:00" in the visitor's own time zone and language. */
function formatOpening(iso: string, language: "en" | "tr"): string {
	return new Intl.DateTimeFormat(language === "tr" ? "tr-TR" : "en-GB", { weekday: "long", hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

function CallbackForm({ words, onDone }: { words: (typeof TEXT)["en" | "tr"]; onDone: () => void }) {
	const { t } = useI18n();
	const [phone, setPhone] = useState("");
	const [note, setNote] = useState("");
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	const submit = async (event: Event) => {
		event.preventDefault();
		if (!PHONE.test(phone.trim())) return setError(words.phoneInvalid);
		setBusy(true);
		// The token and the site's claim as the socket presents them (read directly: importing
		// visitorIdentity here makes the bundler split the frame's first load into two files).
		const identity = hostIdentity();
		try {
			await widgetRequest("/api/widget/callbacks", {
				method: "POST",
				headers: {
					"content-type": "application/json",
					authorization: `Visitor ${readStored("destek:visitor") ?? ""}`,
					...(identity ? { "x-destek-user-id": encodeURIComponent(identity.userId), "x-destek-user-hash": identity.userHash } : {}),
				},
				body: JSON.stringify({ phone: phone.trim(), ...(note.trim() ? { note: note.trim() } : {}) }),
			});
			onDone();
		} catch (failure) {
			setError(describeError(failure as { id: string; message?: string }, t));
		} finally {
			setBusy(false);
		}
	};
	return (
		<form class="offline-note pre-chat" onSubmit={submit} noValidate>
			<TextInput field="phone" label={words.phone} optional={null} value={phone} error={error} focusOnMount={true} onValue={setPhone} />
			<div class="field">
				<label>
					{words.note}
					<span class="field-optional"> {words.optional}</span>
					<input type="text" name="note" maxLength={500} value={note} onInput={(event) => setNote(event.currentTarget.value)} />
				</label>
			</div>
			<button type="submit" class="primary-button" disabled={busy}>
				{words.send}
			</button>
		</form>
	);
}

/** The away area: why nobody answers, a call back instead of a call, and the e-mail prompt. */
export function AwayParts() {
	const { language } = useI18n();
	const { availability, agentsOnline } = useStore(chatState);
	const [phase, setPhase] = useState<"closed" | "form" | "sent">("closed");
	const words = TEXT[language];
	const away = agentsOnline === false;
	const closedByHours = away && availability?.open === false;
	return (
		<>
			{closedByHours && (
				<p class="offline-note" role="status">
					{availability?.nextOpening ? words.closedUntil.replace("{when}", formatOpening(availability.nextOpening, language)) : words.closed}
				</p>
			)}
			{away && availability?.callbacks && phase === "closed" && (
				<p class="offline-note">
					<button type="button" class="link-button" onClick={() => setPhase("form")}>
						{words.request}
					</button>
				</p>
			)}
			{phase === "form" && <CallbackForm words={words} onDone={() => setPhase("sent")} />}
			{phase === "sent" && (
				<p class="offline-note" role="status">
					{words.sent}
				</p>
			)}
			<MailPrompt />
		</>
	);
}
