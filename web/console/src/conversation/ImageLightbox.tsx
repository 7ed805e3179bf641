import { useEffect, useRef } from "preact/hooks";
import type { AttachmentView } from "../api/inboxTypes";
import { useI18n } from "../i18n";
import { Icon } from "../ui/Icon";

/** The full-size image in a modal dialog (focus trapped, Escape closes, the backdrop click too). */
export function ImageLightbox({ image, onClose }: { image: AttachmentView; onClose: () => void }) {
	const { t } = useI18n();
	const dialog = useRef<HTMLDialogElement>(null);

	useEffect(() => {
		const element = dialog.current;
		if (element && !element.open) element.showModal();
	}, []);

	return (
		// biome-ignore lint/a11y/useKeyWithClickEvents: the backdrop click mirrors Escape, which the dialog handles natively.
		<dialog
			ref={dialog}
			class="lightbox"
			aria-label={image.fileName}
			onClose={onClose}
			onClick={(event) => {
				if (event.target === event.currentTarget) event.currentTarget.close();
			}}
		>
			<div class="lightbox-bar">
				<span class="lightbox-name">{image.fileName}</span>
				<a class="button button-secondary" href={`${image.url}&download=1`} download={image.fileName}>
					{t("attachment.download")}
				</a>
				<button type="button" class="icon-button" aria-label={t("common.close")} onClick={() => dialog.current?.close()}>
					<Icon name="close" />
				</button>
			</div>
			<img class="lightbox-image" src={image.url} alt={image.fileName} />
		</dialog>
	);
}
