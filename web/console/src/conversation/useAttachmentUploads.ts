import { imagePreviewUrl } from "../../../shared/imagePreview";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { AttachmentView } from "../api/inboxTypes";
import { MAX_ATTACHMENTS } from "../api/inboxTypes";
import { describeError } from "../errors/describeError";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { showToast } from "../ui/toasts";

export interface Upload {
	key: number;
	file: File;
	/** A blob: URL for an image thumbnail, revoked when the upload leaves the composer. */
	previewUrl: string | null;
	attachment: AttachmentView | null;
}

let nextKey = 1;

/** Files picked, pasted or dropped into the reply: uploaded at once, attached when the reply is sent. */
export function useAttachmentUploads(conversationId: string) {
	const { t } = useI18n();
	const { api } = useInbox();
	const [uploads, setUploads] = useState<Upload[]>([]);
	const current = useRef(uploads);
	current.current = uploads;

	const release = (upload: Upload) => {
		if (upload.previewUrl) URL.revokeObjectURL(upload.previewUrl);
	};

	const remove = useCallback((key: number) => {
		const upload = current.current.find((candidate) => candidate.key === key);
		if (upload) release(upload);
		setUploads((list) => list.filter((candidate) => candidate.key !== key));
	}, []);

	const add = useCallback(
		(files: Iterable<File>) => {
			const room = MAX_ATTACHMENTS - current.current.length;
			const accepted = Array.from(files).slice(0, Math.max(0, room));
			if (accepted.length < Array.from(files).length) showToast(t("composer.tooManyFiles", { max: MAX_ATTACHMENTS }));
			for (const file of accepted) {
				const upload: Upload = {
					key: nextKey++,
					file,
					previewUrl: imagePreviewUrl(file),
					attachment: null,
				};
				setUploads((list) => [...list, upload]);
				api.uploadAttachment(conversationId, file).then(
					({ attachment }) =>
						setUploads((list) => list.map((item) => (item.key === upload.key ? { ...item, attachment } : item))),
					(error: unknown) => {
						showToast(`${file.name}: ${describeError(error, t)}`);
						remove(upload.key);
					},
				);
			}
		},
		[api, conversationId, remove, t],
	);

	/** After sending: the attachments now belong to the message (the outbox keeps their views). */
	const clear = useCallback(() => {
		for (const upload of current.current) release(upload);
		setUploads([]);
	}, []);

	useEffect(() => () => current.current.forEach(release), []);

	return {
		uploads,
		add,
		remove,
		clear,
		busy: uploads.some((upload) => !upload.attachment),
		ready: uploads.flatMap((upload) => (upload.attachment ? [upload.attachment] : [])),
	};
}
