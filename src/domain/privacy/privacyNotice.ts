import { createHash } from "node:crypto";
import type { Db } from "../../adapters/db/database.ts";
import { hasNoticeConsent, insertNoticeConsent, latestNoticeConsent } from "../../adapters/db/repositories/consents.ts";
import { PRIVACY_NOTICE_WORDING } from "../../protocol/consent.ts";
import { DEFAULT_INBOX_ID, type PrivacySettings } from "../../protocol/inboxes.ts";
import type { WidgetPrivacyNotice } from "../../protocol/privacy.ts";
import { DomainError } from "../errors.ts";
import { loadInboxSettings } from "../inboxes/inboxSettings.ts";

// The pre-chat privacy notice of an inbox (website): a link to the site's privacy policy and, when
// the admin asks for it, a required checkbox before the visitor's first message. The server, not
// only the widget, refuses a widget message without the visitor's consent to the current version.
//
// The version is derived, not counted: a short sha256 of everything that makes up the notice a
// visitor reads (the built-in wording's version, the policy link and both languages' own texts).
// So any change of text or link is a new version (and visitors are asked again), setting it back
// is the old version again, and no admin has to remember to bump anything. Turning the checkbox on
// or off changes no wording, hence no version.

/** The notice's version: 12 hex characters of sha256 over its wording inputs. */
export function noticeVersion(privacy: PrivacySettings): string {
  const wording = JSON.stringify([PRIVACY_NOTICE_WORDING, privacy.policyUrl ?? "", privacy.notice.tr, privacy.notice.en]);
  return createHash("sha256").update(wording).digest("hex").slice(0, 12);
}

/** What a widget in `language` shows; null when the inbox has neither a policy link nor asks for consent. */
export function widgetNotice(privacy: PrivacySettings, language: "tr" | "en"): WidgetPrivacyNotice | null {
  if (privacy.policyUrl === null && !privacy.askConsent) return null;
  return { policyUrl: privacy.policyUrl, required: privacy.askConsent, text: privacy.notice[language], version: noticeVersion(privacy) };
}

/**
 * Inside the message's transaction: when the inbox asks for consent, the visitor must have agreed
 * to the current notice version before, or agree now (`agreed` names that version, sent with the
 * message), which records it. Otherwise `consent_required`: a stale notice version (changed since
 * the widget loaded) is refused the same way, so the widget shows the new notice.
 */
export async function requireNoticeConsent(
  trx: Db,
  input: { visitorId: string; inboxId: string | undefined; agreed: string | undefined; now: number },
): Promise<void> {
  const inboxId = input.inboxId ?? DEFAULT_INBOX_ID;
  const privacy = (await loadInboxSettings(trx, inboxId))?.privacy;
  if (!privacy?.askConsent) return;
  const version = noticeVersion(privacy);
  if (await hasNoticeConsent(trx, input.visitorId, inboxId, version)) return;
  if (input.agreed !== version) {
    throw new DomainError("consent_required", "forbidden", "Please agree to the privacy notice before you send a message.", undefined, { version });
  }
  await insertNoticeConsent(trx, { visitorId: input.visitorId, inboxId, version, policyUrl: privacy.policyUrl, at: input.now });
}

/** The notice version the visitor last agreed to in this inbox (told on sync, so the widget asks only when it changed); null when none. */
export function agreedNoticeVersion(deps: { db: Db }, visitorId: string, inboxId: string): Promise<string | null> {
  return latestNoticeConsent(deps.db, visitorId, inboxId);
}
