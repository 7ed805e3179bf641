// The postMessage protocol between the loader (on the host page) and the widget frame (on the
// destek origin). Both sides check the sender's origin and window before reading a message.

/** Loader → frame. */
export type LoaderToFrameMessage =
	| { type: "destek:page"; url: string; title: string; referrer: string }
	| { type: "destek:visibility"; open: boolean };

/** Frame → loader. */
export type FrameToLoaderMessage =
	| { type: "destek:ready" }
	| { type: "destek:unread"; count: number }
	| { type: "destek:active"; active: boolean }
	| { type: "destek:close" };

/** The `type` of a message, or null when it is not one of ours (other scripts post messages too). */
export function bridgeMessageType(data: unknown): string | null {
	if (typeof data !== "object" || data === null || !("type" in data)) return null;
	const { type } = data;
	return typeof type === "string" && type.startsWith("destek:") ? type : null;
}
