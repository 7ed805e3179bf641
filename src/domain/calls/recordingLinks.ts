import { findRecording, type RecordingRow } from "../../adapters/db/repositories/recordings.ts";
import { notFound } from "../errors.ts";
import type { DomainDeps } from "../ports.ts";
import { type LinkKind, linkIsValid, signedLink } from "../signedLinks.ts";

// Playback links for call recordings (see signedLinks.ts). Only the authenticated API hands them
// out. Their own key and purpose keep an attachment link from ever opening a recording, and the reverse.

/** Recording links: an hour long, with their own key and purpose. */
export const recordingLinks = (deps: Pick<DomainDeps, "keys">): LinkKind => ({
  path: "/recordings",
  purpose: "recording",
  key: deps.keys.recordingLinks,
  ttlSeconds: 60 * 60,
});

/** A same-origin path that plays one recording until it expires. */
export function signedRecordingUrl(deps: DomainDeps, recordingId: string): string {
  return signedLink(deps.clock, recordingLinks(deps), recordingId);
}

/** Checks a signed recording link; expired, tampered and deleted all look the same. */
export async function recordingForSignedUrl(deps: DomainDeps, id: string, expires: number, signature: string): Promise<RecordingRow> {
  const gone = () => notFound("recording_not_found", "This recording link is invalid or has expired, or the recording was removed.");
  if (!linkIsValid(deps.clock, recordingLinks(deps), id, expires, signature)) throw gone();
  const row = await findRecording(deps.db, id);
  if (!row) throw gone();
  return row;
}

const EXTENSIONS: Record<string, string> = { webm: "webm", ogg: "ogg", mp4: "mp4", mpeg: "mp3", wav: "wav" };

/** A download name made only from what destek wrote: `call-2026-05-01-1430-caller.webm` (UTC). */
export function recordingFileName(row: Pick<RecordingRow, "created_at" | "role" | "mime">): string {
  const stamp = new Date(row.created_at).toISOString();
  const date = `${stamp.slice(0, 10)}-${stamp.slice(11, 13)}${stamp.slice(14, 16)}`;
  const subtype = row.mime.split(";")[0]?.split("/")[1]?.trim() ?? "";
  return `call-${date}-${row.role}.${EXTENSIONS[subtype] ?? "bin"}`;
}
