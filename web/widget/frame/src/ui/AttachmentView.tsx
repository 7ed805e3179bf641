import { useState } from "preact/hooks";
import type { AttachmentView as Attachment } from "../protocol";
import { useI18n } from "../i18n";
import { formatBytes, formatDuration } from "./formatting";
import { FileIcon } from "./icons";

/**
 * Browsers record WebM without a duration, so the player shows no length and cannot seek until
 * the file was read to its end; seeking far ahead once makes it work that out.
 */
function revealDuration(audio: HTMLAudioElement): void {
	if (audio.duration !== Number.POSITIVE_INFINITY) return;
	const rewind = () => {
		if (audio.duration === Number.POSITIVE_INFINITY) return;
		audio.removeEventListener("durationchange", rewind);
		audio.currentTime = 0;
	};
	audio.addEventListener("durationchange", rewind);
	audio.currentTime = 1e7;
}

/** An image thumbnail (full size in a new tab), a voice player, or a download link. */
export function AttachmentView({ attachment }: { attachment: Attachment }) {
	const { t } = useI18n();
	const { kind, url, fileName } = attachment;
	// An image that does not load (refused, gone) becomes a download chip, not an empty box.
	const [brokenUrl, setBrokenUrl] = useState<string | null>(null);
	// Deleted after its retention period: the message keeps a note that a file was there.
	if (attachment.removed) return <span class="attachment-file">{t("message.fileRemoved")}</span>;
	if (kind === "image" && brokenUrl !== url) {
		return (
			<a class="attachment-image" href={url} target="_blank" rel="noopener noreferrer">
				<img
					src={url}
					alt={t("message.image", { name: fileName })}
					width={attachment.width ?? undefined}
					height={attachment.height ?? undefined}
					loading="lazy"
					onError={() => setBrokenUrl(url)}
				/>
			</a>
		);
	}
	if (kind === "voice") {
		const label = attachment.durationMs
			? `${t("message.voice")} ${formatDuration(attachment.durationMs / 1000)}`
			: t("message.voice");
		return (
			<div class="attachment-voice">
				<span class="attachment-caption">{label}</span>
				{/* biome-ignore lint/a11y/useMediaCaption: a visitor's or agent's voice note has no transcript to offer */}
				<audio
					controls
					preload="metadata"
					src={url}
					aria-label={label}
					onLoadedMetadata={(event) => revealDuration(event.currentTarget)}
				/>
			</div>
		);
	}
	return (
		<a class="attachment-file" href={url} download={fileName} target="_blank" rel="noopener noreferrer">
			<FileIcon />
			<span class="attachment-name">{fileName}</span>
			<span class="attachment-size">{formatBytes(attachment.size)}</span>
		</a>
	);
}
