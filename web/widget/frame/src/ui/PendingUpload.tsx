import { discardUpload, retryUpload, type Upload } from "../chat/uploadQueue";
import { describeError, useI18n } from "../i18n";
import { formatBytes } from "./formatting";
import { FileIcon } from "./icons";

/** Errors a second try cannot fix, so only Remove is offered. */
const FINAL_UPLOAD_ERRORS = new Set(["file_too_large", "file_type_not_allowed", "invalid_file"]);

/** A file still uploading, or one that failed (with Retry when trying again can help). */
export function PendingUpload({ upload }: { upload: Upload }) {
	const { t } = useI18n();
	const { error } = upload;
	return (
		<div class="message message-own message-pending">
			{upload.kind === "image" && upload.previewUrl ? (
				<img class="upload-preview" src={upload.previewUrl} alt={upload.file.name} />
			) : (
				<p class="attachment-file">
					<FileIcon />
					<span class="attachment-name">{upload.kind === "voice" ? t("message.voice") : upload.file.name}</span>
					<span class="attachment-size">{formatBytes(upload.file.size)}</span>
				</p>
			)}
			<div class="message-meta">
				{error ? (
					<span class="message-error" role="alert">
						{describeError(error, t)}
						{!FINAL_UPLOAD_ERRORS.has(error.id) && (
							<button type="button" class="link-button" onClick={() => retryUpload(upload.id)}>
								{t("message.retry")}
							</button>
						)}
						<button type="button" class="link-button" onClick={() => discardUpload(upload.id)}>
							{t("message.remove")}
						</button>
					</span>
				) : (
					<span class="message-status">{t("message.uploading")}</span>
				)}
			</div>
		</div>
	);
}
