import type { ChatError } from "../chat/chatStore";
import { describeError, useI18n } from "../i18n";

interface FailureNoteProps {
	error: ChatError;
	/** Omitted when trying again cannot help (e.g. a file type the server refuses). */
	onRetry?: () => void;
	onRemove: () => void;
}

/** Why a message or upload did not go out, with Retry and Remove. */
export function FailureNote({ error, onRetry, onRemove }: FailureNoteProps) {
	const { t } = useI18n();
	return (
		<span class="message-error" role="alert">
			<span>{describeError(error, t)}</span>
			<span class="message-actions">
				{onRetry && (
					<button type="button" class="link-button" onClick={onRetry}>
						{t("message.retry")}
					</button>
				)}
				<button type="button" class="link-button" onClick={onRemove}>
					{t("message.remove")}
				</button>
			</span>
		</span>
	);
}
