import { z } from "zod";

// The pre-chat privacy notice as the widget gets it, and the consent records a contact page lists.
// Clients import types only.

/** What the widget shows before the first message; null in the config when the inbox sets nothing. */
export const widgetPrivacyNotice = z.object({
  /** The site's privacy policy (https), or null. */
  policyUrl: z.string().nullable(),
  /** Whether the visitor must tick `I agree to the privacy notice` before sending. */
  required: z.boolean(),
  /** The inbox's own notice text in the widget's language; empty: the built-in text. */
  text: z.string(),
  /** The notice's version: the visitor's consent names it, and a new version asks again. */
  version: z.string(),
});
export type WidgetPrivacyNotice = z.infer<typeof widgetPrivacyNotice>;

/** The version a visitor agreed to, sent with `message:send` (the notice's `version`). */
export const noticeVersion = z.string().regex(/^[\w.-]{1,64}$/, "must be a notice version");

/** One consent record of a contact: the privacy notice before a chat, or a call's recording consent. */
export const contactConsent = z.object({
  kind: z.enum(["privacy_notice", "call_recording"]),
  /** The wording's version the person agreed to. */
  version: z.string(),
  at: z.string(),
  /** The website (inbox) whose notice it was. */
  inboxId: z.string(),
  /** The privacy policy link shown with the notice; null for a recording consent or a notice without one. */
  policyUrl: z.string().nullable(),
  /** The recorded call (call_recording); null for a privacy notice. */
  callId: z.string().nullable(),
  /** What the caller agreed to be recorded (call_recording); null for a privacy notice. */
  mode: z.enum(["audio", "audio+video"]).nullable(),
});
export type ContactConsent = z.infer<typeof contactConsent>;
