import type { Language } from "../../../../shared/i18n";
import type { AttachmentView, WidgetPrivacyNotice } from "../protocol";
import type { SiteIdentity } from "../../../bridgeMessages";
import { frameOptions } from "../frameOptions";

/** Error id used when the server could not be reached at all. */
export const NETWORK_ERROR_ID = "network_error";

/** A failed widget API call, with the server's stable error id. */
export class WidgetApiError extends Error {
	constructor(
		readonly status: number,
		readonly id: string,
		message: string,
		/** Set when a limit refused the request. */
		readonly retryAfterMs?: number,
	) {
		super(message);
		this.name = "WidgetApiError";
	}
}

export type PreChatRule = "required" | "optional" | "off";
export type PreChatField = "name" | "email" | "phone";

export interface WidgetConfig {
	preChat: Record<PreChatField, PreChatRule>;
	agentsOnline: boolean;
	limits: { messageLength: number; uploadBytes: number; kinds: string[] };
	/** Whether calls are recorded, told to the caller before they connect. */
	recording: "off" | "audio" | "audio+video";
	/** The inbox's look (null colour: never saved, the built-in accent) and whether it offers calls. */
	colour: string | null;
	position: "left" | "right";
	greeting: string;
	callsEnabled: boolean;
	/** The languages the inbox offers, the first its default; empty: whatever the visitor's is. */
	languages: Language[];
	/** The website's pre-chat privacy notice; null: none. */
	privacy: WidgetPrivacyNotice | null;
}

/** Used until (or if never) the server's config arrives; the server enforces the real limits. */
export const FALLBACK_CONFIG: WidgetConfig = {
	preChat: { name: "off", email: "off", phone: "off" },
	agentsOnline: false,
	limits: { messageLength: 4000, uploadBytes: 10 * 1024 * 1024, kinds: ["image", "voice", "file"] },
	recording: "off",
	colour: null,
	position: "right",
	greeting: "",
	callsEnabled: true,
	languages: [],
	privacy: null,
};

/** A JSON request to the widget API; a failure is a WidgetApiError with the server's stable id. */
export async function widgetRequest<T>(path: string, init: RequestInit): Promise<T> {
	let response: Response;
	try {
		response = await fetch(path, { cache: "no-store", credentials: "omit", ...init });
	} catch {
		throw new WidgetApiError(0, NETWORK_ERROR_ID, "Network request failed");
	}
	const payload = (await response.json().catch(() => null)) as { error?: { id?: unknown; message?: unknown; retryAfterMs?: unknown } } | null;
	if (!response.ok) {
		const error = payload?.error;
		const id = typeof error?.id === "string" ? error.id : `http_${response.status}`;
		const retryAfterMs = typeof error?.retryAfterMs === "number" ? error.retryAfterMs : undefined;
		throw new WidgetApiError(response.status, id, typeof error?.message === "string" ? error.message : "", retryAfterMs);
	}
	return payload as T;
}

/** Pre-chat form rules, limits, whether anyone is online and whether calls are recorded. */
export function fetchWidgetConfig(): Promise<WidgetConfig> {
	// The inbox the loader named (the server falls back to the default one) and the greeting's language.
	return widgetRequest<WidgetConfig>(`/api/widget/config?inbox=${encodeURIComponent(frameOptions.inbox)}&lang=${frameOptions.language}`, { headers: { accept: "application/json" } });
}

/** Uploads one file; the returned attachment id then goes into `message:send`. */
export async function uploadAttachment(file: File, kind: string, visitorToken: string, identity: SiteIdentity | null): Promise<AttachmentView> {
	const form = new FormData();
	// The server reads fields sent before the file; "voice" keeps a recorded note from becoming a plain file.
	form.append("kind", kind);
	form.append("file", file, file.name);
	const result = await widgetRequest<{ attachment: AttachmentView }>("/api/widget/attachments", {
		method: "POST",
		headers: {
			accept: "application/json",
			authorization: `Visitor ${visitorToken}`,
			// The signed-in user's claim, as in the socket handshake (headers carry ASCII only).
			...(identity ? { "x-destek-user-id": encodeURIComponent(identity.userId), "x-destek-user-hash": identity.userHash } : {}),
		},
		body: form,
	});
	return result.attachment;
}
