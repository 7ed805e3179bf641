import type { AttachmentKind } from "../api/inboxTypes";
import { useI18n } from "../i18n";
import { Icon, type IconName } from "../ui/Icon";

const ICONS: Record<AttachmentKind, IconName> = { image: "image", voice: "mic", file: "file" };

/** A one-line preview: the text, or for an attachment-only message an icon with words (never an emoji, which needs a font). */
export function MessagePreview({ body, attachment }: { body: string; attachment: AttachmentKind | null }) {
	const { t } = useI18n();
	const text = body.replace(/\s+/g, " ").trim();
	if (!attachment) return <>{text || t("list.attachmentOnly")}</>;
	const words = attachment === "image" ? t("list.photo") : attachment === "voice" ? t("list.voice") : t("list.file");
	return (
		<>
			<Icon name={ICONS[attachment]} class="preview-icon" />
			{attachment === "file" && text ? text : words}
		</>
	);
}
