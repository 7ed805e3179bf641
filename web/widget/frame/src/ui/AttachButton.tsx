import { useRef } from "preact/hooks";
import { FALLBACK_CONFIG } from "../api/widgetApi";
import { queueUpload, type UploadKind } from "../chat/uploadQueue";
import { useI18n } from "../i18n";
import { useStore } from "../state/store";
import { widgetConfig } from "../widgetConfig";
import { AttachIcon } from "./icons";

export type QueueFiles = (files: File[], kind?: UploadKind) => void;

/** Queues files for upload; the kind (image or file) follows the file's type unless given. */
export function useFileQueue(): QueueFiles {
	const config = useStore(widgetConfig) ?? FALLBACK_CONFIG;
	return (files, kind) => {
		for (const file of files) {
			queueUpload(file, kind ?? (file.type.startsWith("image/") ? "image" : "file"), config.limits.uploadBytes);
		}
	};
}

/** The paper-clip button and the (hidden) file picker it opens; absent when no files are accepted. */
export function AttachButton({ onFiles }: { onFiles: QueueFiles }) {
	const { t } = useI18n();
	const kinds = (useStore(widgetConfig) ?? FALLBACK_CONFIG).limits.kinds;
	const input = useRef<HTMLInputElement>(null);
	if (!kinds.includes("file") && !kinds.includes("image")) return null;
	return (
		<>
			<button type="button" class="icon-button" onClick={() => input.current?.click()} aria-label={t("composer.attach")}>
				<AttachIcon />
			</button>
			<input
				ref={input}
				type="file"
				multiple
				hidden
				accept={kinds.includes("file") ? undefined : "image/*"}
				onChange={(event) => {
					const picked = Array.from(event.currentTarget.files ?? []);
					// Clearing lets the visitor pick the same file again after removing it.
					event.currentTarget.value = "";
					onFiles(picked);
				}}
			/>
		</>
	);
}
