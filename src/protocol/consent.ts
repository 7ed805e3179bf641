// Kept apart from the zod schemas, so the widget can import this value without bundling zod.

/**
 * The version of the consent wording the widget shows before a recorded call ("This call will be
 * recorded"). Stored with each call's consent; change it whenever that wording changes.
 */
export const RECORDING_CONSENT_VERSION = "2026-12-02";

/**
 * The version of the built-in privacy notice wording the widget shows before the first message
 * (web/widget/frame/src/ui/PrivacyNotice.tsx). It is one input of each inbox's notice version
 * (domain/privacy/privacyNotice.ts): change it whenever that built-in wording changes, and every
 * visitor is asked again.
 */
export const PRIVACY_NOTICE_WORDING = "2026-12-02";

/** The kinds of consent a contact page lists: the pre-chat privacy notice, and a call's recording notice. */
export type ConsentKind = "privacy_notice" | "call_recording";
