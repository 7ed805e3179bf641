import { conversationVisible, hostState, postToHost } from "../host/hostBridge";
import { readStored, writeStored } from "../safeStorage";
import { callState } from "./callStore";
import { chatState } from "./chatStore";
import { lastIncomingSeq } from "./timeline";
import type { VisitorSocket } from "./visitorSocket";

/** Highest seq the visitor has seen on screen; kept so the badge survives page loads. */
const READ_SEQ_KEY = "destek:read";

/** Read from storage by attachReadReceipts (storage is not loaded yet when this module runs). */
let readSeq = 0;
let deliveredSeq = 0;
let reportedUnread = -1;
let reportedActive: boolean | null = null;

function reportToServer(socket: VisitorSocket): void {
	const latest = lastIncomingSeq(chatState.get().messages);
	if (conversationVisible()) {
		if (latest <= readSeq) return;
		readSeq = latest;
		writeStored(READ_SEQ_KEY, String(readSeq));
		socket.emit("receipt", { seq: latest, kind: "read" });
	} else if (latest > Math.max(readSeq, deliveredSeq)) {
		deliveredSeq = latest;
		socket.emit("receipt", { seq: latest, kind: "delivered" });
	}
}

function reportToHost(): void {
	const { messages, conversation, pending, synced } = chatState.get();
	const unread = messages.filter((m) => m.author.type === "agent" && m.seq > readSeq).length;
	if (unread !== reportedUnread) {
		reportedUnread = unread;
		postToHost({ type: "destek:unread", count: unread });
	}
	// The hint lets the loader open this frame early on the next page, so replies reach the badge
	// and a call in progress is found again.
	const { phase } = callState.get();
	const active = conversation !== null || pending.length > 0 || phase === "queued" || phase === "active";
	if (synced && active !== reportedActive) {
		reportedActive = active;
		postToHost({ type: "destek:active", active });
	}
}

/**
 * Agent messages become "read" when the visitor can see them and "delivered" otherwise; unread
 * ones are counted for the launcher's badge.
 */
export function attachReadReceipts(socket: VisitorSocket): void {
	readSeq = Number(readStored(READ_SEQ_KEY)) || 0;
	const update = () => {
		reportToServer(socket);
		reportToHost();
	};
	chatState.subscribe(update);
	hostState.subscribe(update);
	callState.subscribe(update);
	update();
}
