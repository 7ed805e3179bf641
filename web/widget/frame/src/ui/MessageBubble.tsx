import type { ComponentChildren } from "preact";
import type { AttachmentView as Attachment } from "../protocol";
import { AttachmentView } from "./AttachmentView";
import { LinkifiedText } from "../../../../shared/LinkifiedText";

interface MessageBubbleProps {
	own: boolean;
	body: string;
	attachments: readonly Attachment[];
	/** Author name shown above the first message of a run from the same person. */
	author?: string | null;
	/** Time, delivery state or an error, shown under the bubble. */
	meta?: ComponentChildren;
	/** Messages not yet on the server look faded. */
	pending?: boolean;
}

/** One chat message: the visitor's own on the right in the accent colour, others on the left. */
export function MessageBubble({ own, body, attachments, author, meta, pending }: MessageBubbleProps) {
	const classes = ["message", own ? "message-own" : "message-other", pending ? "message-pending" : ""];
	return (
		<div class={classes.join(" ")}>
			{author && <p class="message-author">{author}</p>}
			{attachments.map((attachment) => (
				<AttachmentView key={attachment.id} attachment={attachment} />
			))}
			{body && (
				<p class="bubble">
					<LinkifiedText text={body} />
				</p>
			)}
			{meta && <div class="message-meta">{meta}</div>}
		</div>
	);
}
