import { execFile } from "node:child_process";
import { hostname } from "node:os";
import { readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Logger } from "pino";
import { findCall } from "../db/repositories/calls.ts";
import { type RecordedRole, storeRecording } from "../../domain/calls/recordings.ts";
import type { DomainDeps } from "../../domain/ports.ts";

const run = promisify(execFile);

// A recording leg's WebM is written to DATA_DIR/tmp/recordings while the call runs, and finalized
// (duration, cues, sizes) when the leg ends. A node killed mid-call never finalizes it: the file
// holds what arrived until then, with a header that claims 24 hours. Next to each file the
// recorder writes a note (which call, which side, which process), so that what was recorded can
// be salvaged: remuxed by ffmpeg into a valid file and stored as the call's recording of that side.

/** What the recorder notes next to a leg's file while it records. */
export interface LegNote {
  callId: string;
  role: RecordedRole;
  openedAt: number;
  host: string;
  pid: number;
}

/** The note's path for a leg file `<name>.webm`. */
export const noteOf = (webmPath: string) => webmPath.replace(/\.webm$/, ".json");

/** Writes the note for a leg this process starts recording. */
export async function writeLegNote(webmPath: string, leg: { callId: string; role: RecordedRole; openedAt: number }): Promise<void> {
  const note: LegNote = { ...leg, host: hostname(), pid: process.pid };
  await writeFile(noteOf(webmPath), JSON.stringify(note));
}

export async function removeLegNote(webmPath: string): Promise<void> {
  await rm(noteOf(webmPath), { force: true });
}

/** A leg file untouched for this long is abandoned whoever wrote it (another machine sharing DATA_DIR). */
export const ABANDONED_AFTER_MS = 2 * 60_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether nobody records into this leg any more: its process is gone, or it has not been written to for long. */
function abandoned(note: LegNote, lastWriteMs: number, now: number): boolean {
  if (note.host === hostname() && note.pid === process.pid) return false;
  if (note.host === hostname() && !processAlive(note.pid)) return true;
  return now - lastWriteMs > ABANDONED_AFTER_MS;
}

export type SalvageOutcome =
  | { status: "stored"; callId: string; role: RecordedRole; recordingId: string; durationMs: number }
  | { status: "removed"; callId: string | null; why: string };

/** What ffprobe reads from a file: its duration and whether it holds video. */
async function probe(path: string): Promise<{ durationMs: number; video: boolean }> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "format=duration:stream=codec_type", "-of", "json", path], { timeout: 60_000 });
  const parsed = JSON.parse(stdout) as { format?: { duration?: string }; streams?: Array<{ codec_type?: string }> };
  return { durationMs: Math.round(Number(parsed.format?.duration ?? Number.NaN) * 1000), video: (parsed.streams ?? []).some((s) => s.codec_type === "video") };
}

/**
 * Salvages the legs in `workDir` that their recorder abandoned (its process was killed): each is
 * remuxed with ffmpeg (which rewrites the header from what is really there), probed, and stored as
 * the next segment of its side of the call. A leg with nothing in it, one ffmpeg cannot read, or
 * one whose call is gone is logged and removed. Several nodes sharing `workDir` may run this at
 * once: each leg is claimed by renaming its note, so one of them takes it.
 */
export async function salvageRecordings(deps: DomainDeps, workDir: string, log: Logger): Promise<SalvageOutcome[]> {
  let names: string[];
  try {
    names = await readdir(workDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  // A claim whose salvager died too (killed mid-remux) goes back into the pool after a while.
  for (const name of names.filter((n) => n.endsWith(".json.salvaging"))) {
    const claimed = join(workDir, name);
    const since = (await stat(claimed).catch(() => undefined))?.mtimeMs;
    if (since !== undefined && Date.now() - since > 2 * ABANDONED_AFTER_MS) await rename(claimed, claimed.replace(/\.salvaging$/, "")).catch(() => undefined);
  }
  const outcomes: SalvageOutcome[] = [];
  for (const name of names.filter((n) => n.endsWith(".json"))) {
    const notePath = join(workDir, name);
    const webmPath = notePath.replace(/\.json$/, ".webm");
    let note: LegNote;
    let lastWriteMs: number;
    try {
      note = JSON.parse(await readFile(notePath, "utf8")) as LegNote;
      lastWriteMs = Math.max((await stat(notePath)).mtimeMs, (await stat(webmPath).catch(() => undefined))?.mtimeMs ?? 0);
    } catch {
      continue; // being written, or taken by another node meanwhile
    }
    if (!abandoned(note, lastWriteMs, Date.now())) continue;
    const claimed = `${notePath}.salvaging`;
    try {
      await rename(notePath, claimed);
    } catch {
      continue; // another node claimed it
    }
    const outcome = await salvageLeg(deps, note, webmPath).catch((error: unknown): SalvageOutcome => {
      log.warn({ err: error, callId: note.callId, role: note.role, file: webmPath }, "a killed recording could not be read; removing it");
      return { status: "removed", callId: note.callId, why: "unreadable" };
    });
    if (outcome.status === "stored") {
      log.info({ callId: note.callId, role: note.role, durationMs: outcome.durationMs, recordingId: outcome.recordingId }, "recording of a killed node salvaged");
    } else if (outcome.why !== "unreadable") {
      log.warn({ callId: note.callId, role: note.role, file: webmPath, why: outcome.why }, "a killed recording had nothing to keep; removing it");
    }
    await rm(webmPath, { force: true });
    await rm(`${webmPath}.salvaged.webm`, { force: true });
    await rm(claimed, { force: true });
    outcomes.push(outcome);
  }
  return outcomes;
}

async function salvageLeg(deps: DomainDeps, note: LegNote, webmPath: string): Promise<SalvageOutcome> {
  const size = (await stat(webmPath).catch(() => undefined))?.size ?? 0;
  if (size === 0) return { status: "removed", callId: note.callId, why: "empty" };
  if (!(await findCall(deps.db, note.callId))) return { status: "removed", callId: note.callId, why: "call gone" };
  const remuxed = `${webmPath}.salvaged.webm`;
  await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", webmPath, "-c", "copy", "-f", "webm", remuxed], { timeout: 10 * 60_000 });
  const { durationMs, video } = await probe(remuxed);
  if (!(durationMs > 0)) return { status: "removed", callId: note.callId, why: "no media" };
  const row = await storeRecording(deps, {
    callId: note.callId,
    role: note.role,
    path: remuxed,
    mime: video ? "video/webm" : "audio/webm",
    size: (await stat(remuxed)).size,
    startedAt: note.openedAt,
    durationMs,
  });
  return { status: "stored", callId: note.callId, role: note.role, recordingId: row.id, durationMs };
}
