import { useEffect, useId, useRef, useState } from "preact/hooks";
import { chatState, sendMessage } from "../chat/chatStore";
import { noteVisitorTyping, stopVisitorTyping } from "../chat/typingSignals";
import { hostState } from "../host/hostBridge";
import { useI18n } from "../i18n";
import { useStore } from "../state/store";
import { widgetConfig } from "../widgetConfig";
import { AttachButton, useFileQueue } from "./AttachButton";
import { formatDuration } from "./formatting";
import { MicIcon, SendIcon, StopIcon, TrashIcon } from "./icons";
import { MAX_VOICE_SECONDS, useVoiceRecorder } from "./useVoiceRecorder";
import { logFailure } from "../../../../shared/logFailure";

/** Show the characters-left counter this close to the limit. */
const COUNTER_FROM_REMAINING = 200;

/** Text box, attachments, voice notes and Send. Enter sends, Shift+Enter starts a new line. */
export function Composer() {
	const { t } = useI18n();
	const config = useStore(widgetConfig);
	const { open } = useStore(hostState);
	const [text, setText] = useState("");
	const textarea = useRef<HTMLTextAreaElement>(null);
	const stopButton = useRef<HTMLButtonElement>(null);
	const counterId = useId();
	const queueFiles = useFileQueue();
	const voice = useVoiceRecorder((file) => queueFiles([file], "voice"));
	const maxLength = config?.limits.messageLength ?? 4000;
	const canRecord = (config?.limits.kinds ?? []).includes("voice") && typeof MediaRecorder !== "undefined";
	const remaining = maxLength - text.length;
	// A website that asks for consent to its privacy notice: nothing goes out until it is ticked.
	const { privacyConsent } = useStore(chatState);
	const notice = config?.privacy;
	const blocked = notice?.required && privacyConsent !== notice.version;

	// Opening the panel puts the cursor in the text box, ready to type. While recording, the text
	// box is replaced, so focus moves to Stop and comes back afterwards.
	useEffect(() => {
		if (!open) return;
		if (voice.recording) stopButton.current?.focus();
		else textarea.current?.focus();
	}, [open, voice.recording]);

	const send = () => {
		const body = text.trim();
		if (!body || blocked) return;
		stopVisitorTyping();
		sendMessage(body);
		setText("");
		textarea.current?.focus();
	};

	const onKeyDown = (event: KeyboardEvent) => {
		if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
			event.preventDefault();
			send();
		}
	};

	const onPaste = (event: ClipboardEvent) => {
		const files = Array.from(event.clipboardData?.files ?? []);
		if (files.length === 0) return;
		event.preventDefault();
		queueFiles(files);
	};

	if (voice.recording) {
		return (
			<div class="composer composer-recording">
				<button type="button" class="icon-button" onClick={() => voice.stop(false)} aria-label={t("composer.cancelRecording")}>
					<TrashIcon />
				</button>
				<p class="recording-time" role="timer" aria-live="off">
					<span class="recording-dot" aria-hidden="true" />
					{t("composer.recording", { time: formatDuration(voice.elapsed), max: formatDuration(MAX_VOICE_SECONDS) })}
				</p>
				<button
					ref={stopButton}
					type="button"
					class="icon-button icon-button-accent"
					onClick={() => voice.stop(true)}
					aria-label={t("composer.stop")}
				>
					<StopIcon />
				</button>
			</div>
		);
	}

	return (
		<div class="composer-area">
			{voice.failed && (
				<p class="composer-error" role="alert">
					{t("error.microphone")}
				</p>
			)}
			<div class="composer">
				<AttachButton onFiles={queueFiles} />
				<label class="visually-hidden" for={`${counterId}-text`}>
					{t("composer.label")}
				</label>
				<textarea
					id={`${counterId}-text`}
					ref={textarea}
					class="composer-text"
					rows={1}
					value={text}
					maxLength={maxLength}
					placeholder={t("composer.placeholder")}
					aria-describedby={remaining <= COUNTER_FROM_REMAINING ? counterId : undefined}
					onInput={(event) => {
						setText(event.currentTarget.value);
						noteVisitorTyping();
					}}
					onKeyDown={onKeyDown}
					onPaste={onPaste}
					onBlur={stopVisitorTyping}
				/>
				{canRecord && (
					<button type="button" class="icon-button" onClick={() => voice.start().catch(logFailure("recording a voice note"))} aria-label={t("composer.record")}>
						<MicIcon />
					</button>
				)}
				<button type="button" class="icon-button icon-button-accent" onClick={send} disabled={!text.trim() || blocked} aria-label={t("composer.send")}>
					<SendIcon />
				</button>
			</div>
			{remaining <= COUNTER_FROM_REMAINING && (
				<p id={counterId} class="composer-counter">
					{t("composer.remaining", { count: remaining })}
				</p>
			)}
		</div>
	);
}
