import { useState } from "preact/hooks";
import { discardUpload, retryUpload, type Upload } from "../chat/uploadQueue";
import { useI18n } from "../i18n";
import { FailureNote } from "./FailureNote";
import { formatBytes } from "./formatting";
import { FileIcon } from "./icons";

/** Errors a second try cannot fix, so only Remove is offered. */
const FINAL_UPLOAD_ERRORS = new Set(["file_too_large", "file_type_not_allowed", "invalid_file"]);

/** A file still uploading, or one that failed (with Retry when trying again can help). */
export function PendingUpload({ upload }: { upload: Upload }) {
	const { t } = useI18n();
	const { error, id } = upload;
	const [previewBroken, setPreviewBroken] = useState(false);
	return (
		<div class="message message-own message-pending">
			{upload.kind === "image" && upload.previewUrl && !error && !previewBroken ? (
				<img class="upload-preview" src={upload.previewUrl} alt={upload.file.name} onError={() => setPreviewBroken(true)} />
			) : (
				<p class="attachment-file">
					<FileIcon />
					<span class="attachment-name">{upload.kind === "voice" ? t("message.voice") : upload.file.name}</span>
					<span class="attachment-size">{formatBytes(upload.file.size)}</span>
				</p>
			)}
			<div class="message-meta">
				{error ? (
					<FailureNote
						error={error}
						onRetry={FINAL_UPLOAD_ERRORS.has(error.id) ? undefined : () => retryUpload(id)}
						onRemove={() => discardUpload(id)}
					/>
				) : (
					<span class="message-status">{t("message.uploading")}</span>
				)}
			</div>
		</div>
	);
}
