// Kept apart from the zod schemas, so the widget can import this value without bundling zod.

/**
 * The version of the consent wording the widget shows before a recorded call ("This call will be
 * recorded"). Stored with each call's consent; change it whenever that wording changes.
 */
export const RECORDING_CONSENT_VERSION = "2026-12-02";
