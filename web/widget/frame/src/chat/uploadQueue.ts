import { imagePreviewUrl } from "../../../../shared/imagePreview";
import { uploadAttachment, WidgetApiError } from "../api/widgetApi";
import { createStore } from "../state/store";
import { siteIdentity, visitorToken } from "../visitorIdentity";
import { type ChatError, sendMessage } from "./chatStore";
import { newClientId } from "./clientId";
import { logFailure } from "../../../../shared/logFailure";

export type UploadKind = "image" | "voice" | "file";

/** A file on its way to the server; it becomes a message (in the outbox) once uploaded. */
export interface Upload {
	id: string;
	file: File;
	kind: UploadKind;
	/** A blob: URL previewing an image, revoked when the upload leaves the queue. */
	previewUrl: string | null;
	/** Null while uploading. */
	error: ChatError | null;
}

export const uploads = createStore<Upload[]>([]);

function change(id: string, next: (upload: Upload) => Upload | null): void {
	uploads.update((list) =>
		list.flatMap((upload) => {
			if (upload.id !== id) return [upload];
			const changed = next(upload);
			if (!changed && upload.previewUrl) URL.revokeObjectURL(upload.previewUrl);
			return changed ? [changed] : [];
		}),
	);
}

function toChatError(error: unknown): ChatError {
	if (!(error instanceof WidgetApiError)) return { id: "unknown", message: "" };
	return { id: error.id, message: error.message, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) };
}

async function upload(item: Upload): Promise<void> {
	change(item.id, (u) => ({ ...u, error: null }));
	try {
		const attachment = await uploadAttachment(item.file, item.kind, visitorToken(), siteIdentity());
		change(item.id, () => null);
		sendMessage("", [attachment]);
	} catch (error) {
		change(item.id, (u) => ({ ...u, error: toChatError(error) }));
	}
}

/** Starts uploading a file, unless it is bigger than the server takes (then it waits as failed). */
export function queueUpload(file: File, kind: UploadKind, maxBytes: number): void {
	const item: Upload = {
		id: newClientId(),
		file,
		kind,
		previewUrl: kind === "image" ? imagePreviewUrl(file) : null,
		error: file.size > maxBytes ? { id: "file_too_large", message: "" } : null,
	};
	uploads.update((list) => [...list, item]);
	if (!item.error) upload(item).catch(logFailure("uploading a file"));
}

export function retryUpload(id: string): void {
	const item = uploads.get().find((u) => u.id === id);
	if (item) upload(item).catch(logFailure("uploading a file"));
}

export function discardUpload(id: string): void {
	change(id, () => null);
}
