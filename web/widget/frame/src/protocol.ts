// The server's protocol types, in one place. Types only: zod must never reach the widget bundle.
export type {
	Ack,
	AttachmentView,
	MessageView,
	ReceiptsView,
	VisitorClientEvents,
	VisitorConversationView,
	VisitorMailState,
	VisitorProfile,
	VisitorServerEvents,
} from "../../../../src/protocol/chat";
export type {
	CallResume,
	CallStart,
	CallView,
	RecordingConsent,
	VisitorCallClientEvents,
	VisitorCallServerEvents,
} from "../../../../src/protocol/calls";
export { RECORDING_CONSENT_VERSION } from "../../../../src/protocol/consent";
export type { RatingView, VisitorTimelineClientEvents } from "../../../../src/protocol/timeline";
export type { WidgetAvailability } from "../../../../src/protocol/callbacks";
export type { WidgetPrivacyNotice } from "../../../../src/protocol/privacy";
