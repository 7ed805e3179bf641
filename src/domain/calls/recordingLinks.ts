import { createHmac } from "node:crypto";
import { findRecording, type RecordingRow } from "../../adapters/db/repositories/recordings.ts";
import { constantTimeEqual } from "../auth/secrets.ts";
import { notFound } from "../errors.ts";
import type { DomainDeps } from "../ports.ts";

// Playback links for call recordings. Only the authenticated API hands them out; the link itself
// is what the <audio> element presents (it cannot send a Bearer token), so it is signed and expires.
// Its own key and prefix keep an attachment link from ever opening a recording, and the reverse.

export const RECORDING_URL_TTL_S = 60 * 60;

function recordingSignature(key: Buffer, recordingId: string, expires: number): string {
  return createHmac("sha256", key).update(`recording:${recordingId}:${expires}`).digest("base64url");
}

/** A same-origin path that plays one recording until it expires. */
export function signedRecordingUrl(deps: DomainDeps, recordingId: string): string {
  const expires = Math.floor(deps.clock.now() / 1000) + RECORDING_URL_TTL_S;
  return `/recordings/${recordingId}?exp=${expires}&sig=${recordingSignature(deps.keys.recordingLinks, recordingId, expires)}`;
}

/** Checks a signed recording link in constant time; expired, tampered and deleted all look the same. */
export async function recordingForSignedUrl(deps: DomainDeps, id: string, expires: number, signature: string): Promise<RecordingRow> {
  const gone = () => notFound("recording_not_found", "This recording link is invalid or has expired, or the recording was removed.");
  if (expires * 1000 < deps.clock.now()) throw gone();
  if (!constantTimeEqual(recordingSignature(deps.keys.recordingLinks, id, expires), signature)) throw gone();
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
