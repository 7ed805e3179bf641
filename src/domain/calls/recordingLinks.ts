import { findRecording, type RecordingRow } from "../../adapters/db/repositories/recordings.ts";
import { forbidden, notFound } from "../errors.ts";
import type { DomainDeps } from "../ports.ts";
import type { MediaHolder } from "../privacy/accessLog.ts";
import { checkLink, type LinkKind, signedLink } from "../signedLinks.ts";

// Playback links for call recordings (see signedLinks.ts). Only the authenticated API hands them
// out, each bound to the asking agent's session. Their own key and purpose keep an attachment link
// from ever opening a recording, and the reverse.

/** Recording links: an hour long, with their own key and purpose, for one agent session. */
export const recordingLinks = (deps: Pick<DomainDeps, "keys">): LinkKind => ({
  path: "/recordings",
  purpose: "recording",
  key: deps.keys.recordingLinks,
  ttlSeconds: 60 * 60,
  boundToSession: true,
});

/** A same-origin path that plays one recording, for this session only, until it expires. */
export function signedRecordingUrl(deps: DomainDeps, recordingId: string, sessionId: string): string {
  return signedLink(deps.clock, recordingLinks(deps), recordingId, sessionId);
}

/**
 * Checks a signed recording link against the session the browser holds. Expired, tampered and
 * deleted all look the same (404); a genuine link of another (or no) session is `link_not_yours`,
 * and one of a session that has ended is `session_ended` (403 both).
 */
export async function recordingForSignedUrl(
  deps: DomainDeps,
  link: { id: string; expires: number; signature: string; tag?: string | undefined },
  holder: MediaHolder | undefined,
): Promise<{ row: RecordingRow; holder: MediaHolder }> {
  const gone = () => notFound("recording_not_found", "This recording link is invalid or has expired, or the recording was removed.");
  const check = checkLink(deps.clock, recordingLinks(deps), link, holder?.sessionId);
  if (check === "invalid") throw gone();
  if (check === "not_yours" || !holder) throw forbidden("link_not_yours", "This recording link was handed to another sign-in. Open the recording from your own console.");
  if (!holder.live) throw forbidden("session_ended", "The sign-in this recording link belongs to has ended. Sign in again and open the recording from the console.");
  const row = await findRecording(deps.db, link.id);
  if (!row) throw gone();
  return { row, holder };
}

const EXTENSIONS: Record<string, string> = { webm: "webm", ogg: "ogg", mp4: "mp4", mpeg: "mp3", wav: "wav" };

/** A download name made only from what destek wrote: `call-2026-05-01-1430-caller.webm` (UTC). */
export function recordingFileName(row: Pick<RecordingRow, "created_at" | "role" | "mime">): string {
  const stamp = new Date(row.created_at).toISOString();
  const date = `${stamp.slice(0, 10)}-${stamp.slice(11, 13)}${stamp.slice(14, 16)}`;
  const subtype = row.mime.split(";")[0]?.split("/")[1]?.trim() ?? "";
  return `call-${date}-${row.role}.${EXTENSIONS[subtype] ?? "bin"}`;
}
