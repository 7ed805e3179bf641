import { useState } from "preact/hooks";
import type { AttachmentView } from "../api/inboxTypes";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { formatDuration, formatFileSize } from "../ui/formatTime";
import { Icon } from "../ui/Icon";
import { ImageLightbox } from "./ImageLightbox";
import { logFailure } from "../../../shared/logFailure";

/** Signed URLs answer 403 (bad signature) or 410 (expired) once they are no longer valid. */
const EXPIRED_STATUSES = new Set([403, 410]);

function saveAs(url: string, fileName: string): void {
	const link = document.createElement("a");
	link.href = url;
	link.download = fileName;
	link.click();
}

/** A download that first checks the signed URL, and renews it if it has expired. */
function FileAttachment({ attachment }: { attachment: AttachmentView }) {
	const { t, language } = useI18n();
	const { conversation } = useInbox();

	async function download(event: MouseEvent) {
		event.preventDefault();
		const response = await fetch(attachment.url, { method: "HEAD", credentials: "same-origin" }).catch(() => null);
		if (response && EXPIRED_STATUSES.has(response.status)) {
			await conversation.refreshAttachmentUrls();
			const renewed = conversation
				.get()
				.messages.flatMap((message) => message.attachments)
				.find((candidate) => candidate.id === attachment.id);
			saveAs(renewed?.url ?? attachment.url, attachment.fileName);
		} else {
			saveAs(attachment.url, attachment.fileName);
		}
	}

	return (
		<a class="attachment-file" href={attachment.url} download={attachment.fileName} onClick={download}>
			<Icon name="file" />
			<span class="attachment-file-name">{attachment.fileName}</span>
			<span class="attachment-file-size">{formatFileSize(attachment.size, language)}</span>
			<span class="visually-hidden">{t("attachment.downloadHint")}</span>
		</a>
	);
}

/** Images as previews (click for full size), voice notes as players, other files as downloads. */
export function Attachments({ attachments, onMediaLoad }: { attachments: AttachmentView[]; onMediaLoad: () => void }) {
	const { t } = useI18n();
	const { conversation } = useInbox();
	const [enlarged, setEnlarged] = useState<AttachmentView | null>(null);
	const [brokenUrls, setBrokenUrls] = useState<ReadonlySet<string>>(new Set());
	// A preview that fails to load most likely has an expired URL: ask for fresh ones (throttled).
	const renewUrls = () => {
		conversation.refreshAttachmentUrls().catch(logFailure("renewing attachment links"));
	};

	return (
		<div class="attachments">
			{attachments.map((attachment) => {
				if (attachment.removed) {
					return (
						<p key={attachment.id} class="attachment-file attachment-removed">
							<Icon name="file" />
							<span class="attachment-file-name">{t("attachment.removed")}</span>
						</p>
					);
				}
				if (attachment.kind === "image" && brokenUrls.has(attachment.url)) {
					return <FileAttachment key={attachment.id} attachment={attachment} />;
				}
				if (attachment.kind === "image") {
					return (
						<button
							key={attachment.id}
							type="button"
							class="attachment-image"
							onClick={() => setEnlarged(attachment)}
							aria-label={t("attachment.openImage", { name: attachment.fileName })}
						>
							<img
								src={attachment.url}
								alt=""
								width={attachment.width ?? undefined}
								height={attachment.height ?? undefined}
								loading="lazy"
								onLoad={onMediaLoad}
								onError={() => {
									// A chip instead of an empty box; a renewed (different) URL gets a fresh try.
									setBrokenUrls((urls) => new Set(urls).add(attachment.url));
									renewUrls();
								}}
							/>
						</button>
					);
				}
				if (attachment.kind === "voice") {
					const length = attachment.durationMs === null ? "" : formatDuration(attachment.durationMs);
					return (
						<div key={attachment.id} class="attachment-voice-row">
							{/* Nothing loads before play (preload none): each play is in the access log, and the length comes from the server. */}
							{/* biome-ignore lint/a11y/useMediaCaption: visitors' voice notes come without a transcript to offer. */}
							<audio
								class="attachment-voice"
								controls
								preload="none"
								src={attachment.url}
								aria-label={t("attachment.voice", { length })}
								onError={renewUrls}
							/>
							{/* Browser recordings carry no length, so the player alone would say 0:00: the server measured it. */}
							{length && (
								<span class="attachment-voice-length" aria-hidden="true">
									{length}
								</span>
							)}
						</div>
					);
				}
				return <FileAttachment key={attachment.id} attachment={attachment} />;
			})}
			{enlarged && <ImageLightbox image={enlarged} onClose={() => setEnlarged(null)} />}
		</div>
	);
}
