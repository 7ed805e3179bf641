import { useEffect, useId, useRef, useState } from "preact/hooks";
import { MAX_MESSAGE_LENGTH } from "../api/inboxTypes";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { showToast } from "../ui/toasts";
import { Icon } from "../ui/Icon";
import { describeError } from "../errors/describeError";
import { MentionPicker, useMentions } from "./MentionPicker";
import { useCannedReplyPicker } from "./CannedReplyPicker";
import { type Upload, useAttachmentUploads } from "./useAttachmentUploads";
import { useTypingSignal } from "./useTypingSignal";

/** Touch devices would pop up the keyboard over the history; focus goes to the heading there. */
const focusReplyOnOpen = () => !matchMedia("(pointer: coarse)").matches;

function UploadChip({ upload, onRemove }: { upload: Upload; onRemove: () => void }) {
	const { t } = useI18n();
	return (
		<li class="upload-chip" data-state={upload.attachment ? "ready" : "uploading"}>
			{upload.previewUrl ? <img src={upload.previewUrl} alt="" width={28} height={28} /> : <Icon name="file" />}
			<span class="upload-name">{upload.file.name}</span>
			{!upload.attachment && <span class="upload-state">{t("composer.uploading")}</span>}
			<button type="button" class="icon-button" onClick={onRemove} aria-label={t("composer.removeFile", { name: upload.file.name })}>
				<Icon name="close" />
			</button>
		</li>
	);
}

/** The reply box: Enter sends, Shift+Enter adds a line; files by picker, paste or drop. */
export function Composer({ conversationId }: { conversationId: string }) {
	const { t } = useI18n();
	const inbox = useInbox();
	const textareaId = useId();
	const hintId = useId();
	const textarea = useRef<HTMLTextAreaElement>(null);
	const fileInput = useRef<HTMLInputElement>(null);
	const { drafts } = inbox;
	const [draft, setDraft] = useState(() => drafts.get(conversationId) ?? "");
	const files = useAttachmentUploads(conversationId);
	const typing = useTypingSignal(conversationId);
	// Note mode: the next send is a private note (agents only), then the composer is back to replies.
	const [noteMode, setNoteMode] = useState(false);
	const [caret, setCaret] = useState(0);
	const mentionListId = useId();
	const mentions = useMentions(noteMode, draft, caret, (text, position) => {
		updateDraft(text);
		setCaret(position);
		requestAnimationFrame(() => textarea.current?.setSelectionRange(position, position));
	});
	const canned = useCannedReplyPicker(textarea, draft, (text) => updateDraft(text), conversationId);

	useEffect(() => {
		if (focusReplyOnOpen()) textarea.current?.focus();
	}, []);

	const updateDraft = (text: string) => {
		setDraft(text);
		drafts.set(conversationId, text);
	};

	const body = draft.trim();
	const canSend = noteMode ? body.length > 0 : (body.length > 0 || files.ready.length > 0) && !files.busy;

	function send() {
		if (!canSend) return;
		if (noteMode) {
			inbox.addNote(conversationId, body).then(
				() => {
					updateDraft("");
					setNoteMode(false);
				},
				(error: unknown) => showToast(describeError(error, t)),
			);
			return;
		}
		inbox.sender.send(conversationId, body, files.ready);
		updateDraft("");
		drafts.delete(conversationId);
		files.clear();
		typing.stopped();
		textarea.current?.focus();
	}

	return (
		<form
			class={noteMode ? "composer composer-note" : "composer"}
			onSubmit={(event) => {
				event.preventDefault();
				send();
			}}
			onDragOver={(event) => event.preventDefault()}
			onDrop={(event) => {
				const dropped = event.dataTransfer?.files;
				if (!dropped || dropped.length === 0) return;
				event.preventDefault();
				files.add(dropped);
			}}
		>
			<label for={textareaId} class="visually-hidden">
				{t("composer.reply")}
			</label>
			{noteMode && <p class="note-mode-banner">{t("note.mode")}</p>}
			{noteMode && <MentionPicker mentions={mentions} listId={mentionListId} />}
			{files.uploads.length > 0 && (
				<ul class="upload-chips" aria-label={t("composer.attachments")}>
					{files.uploads.map((upload) => (
						<UploadChip key={upload.key} upload={upload} onRemove={() => files.remove(upload.key)} />
					))}
				</ul>
			)}
			<textarea
				id={textareaId}
				ref={textarea}
				class="composer-input"
				data-shortcut="reply"
				rows={2}
				value={draft}
				maxLength={MAX_MESSAGE_LENGTH}
				placeholder={noteMode ? t("note.placeholder") : t("composer.placeholder")}
				aria-describedby={hintId}
				{...canned.textareaProps}
				{...(noteMode && mentions.matches.length > 0
					? { "aria-controls": mentionListId, "aria-activedescendant": `${mentionListId}-${mentions.active}` }
					: {})}
				onInput={(event) => {
					updateDraft(event.currentTarget.value);
					setCaret(event.currentTarget.selectionStart);
					canned.onInput(event);
					// A note is not typing to the visitor.
					if (!noteMode) typing.typed();
				}}
				onBlur={typing.stopped}
				onKeyDown={(event) => {
					if (mentions.onKeyDown(event) || canned.onKeyDown(event)) return;
					// isComposing: Enter that confirms an IME candidate (e.g. Japanese) must not send.
					if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
						event.preventDefault();
						send();
					}
				}}
				onPaste={(event) => {
					const pasted = Array.from(event.clipboardData?.files ?? []);
					if (pasted.length === 0) return;
					event.preventDefault();
					files.add(pasted);
				}}
			/>
			{canned.popup}
			<div class="composer-bar">
				<input
					ref={fileInput}
					type="file"
					multiple
					hidden
					onChange={(event) => {
						const picked = event.currentTarget.files;
						if (picked) files.add(Array.from(picked));
						event.currentTarget.value = "";
					}}
				/>
				<button type="button" class="icon-button" aria-label={t("composer.attach")} hidden={noteMode} onClick={() => fileInput.current?.click()}>
					<Icon name="paperclip" />
				</button>
				<button type="button" class="button note-toggle" data-shortcut="note" aria-pressed={noteMode} onClick={() => setNoteMode(!noteMode)}>
					{t("note.add")}
				</button>
				<p class="composer-hint" id={hintId}>
					{files.busy ? t("composer.waitForUploads") : t("composer.hint")}
				</p>
				<button type="submit" class="button button-primary send-button" disabled={!canSend}>
					<Icon name="send" />
					{t("composer.send")}
				</button>
			</div>
		</form>
	);
}
