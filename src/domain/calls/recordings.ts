import { randomBytes, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { callsAwaitingMix, findCall, transitionMix } from "../../adapters/db/repositories/calls.ts";
import {
  insertRecording,
  markRecordingDeleted,
  type RecordingRow,
  recordingsOfCalls,
  recordingsOlderThan,
  segmentsOfSide,
} from "../../adapters/db/repositories/recordings.ts";
import type { IceServer } from "../../protocol/calls.ts";
import { audit } from "../audit.ts";
import { retentionCutoff } from "../privacy/retentionCutoff.ts";
import { conflict, forbidden, notFound } from "../errors.ts";
import type { DomainDeps } from "../ports.ts";
import { iceServersFor, LIVE_TURN_TTL_S } from "./ice.ts";
import { joinSegments, type SegmentJoiner } from "./segments.ts";

// Server-side call recording. Each participant's browser sends its own media a second time, to a
// receive-only peer on the server (the CallRecorder adapter), which writes one WebM per side. This
// module decides who may open such a peer, stores the finished files, mixes the sides of a call
// into one file when ffmpeg is there, and removes recordings past their retention.

export type RecordedRole = "caller" | "agent";
export type RecordingMode = "audio" | "audio+video";

/** One side of a call, finished and finalized by the recorder (valid WebM with its duration). */
export interface FinishedRecording {
  callId: string;
  role: RecordedRole;
  path: string;
  mime: "audio/webm" | "video/webm";
  size: number;
  /** When the first media packet arrived, and how long the media lasted. */
  startedAt: number;
  durationMs: number;
}

/** The server's recording peers, one per call participant; werift in production. */
export interface CallRecorder {
  /** Answers one participant's offer with a peer that records what arrives, from the first packet. */
  record(leg: { callId: string; role: RecordedRole; mode: RecordingMode; offerSdp: string; iceServers: IceServer[] }): Promise<string>;
  /** Finalizes this node's recordings of a call (it ended); each file is handed over once. */
  finishCall(callId: string): Promise<void>;
  /** Finalizes everything: the server is stopping. */
  close(): Promise<void>;
}

/** Mixes the sides of a call into one file; ffmpeg in production. */
export interface RecordingMixer {
  mix(inputs: Array<{ path: string; offsetMs: number }>, outputPath: string): Promise<void>;
}

/**
 * A participant of a live, recorded call asks the server to record their side. Only the call's
 * caller and its agent may, and only while it is live.
 */
export async function openRecordingLeg(
  deps: DomainDeps,
  recorder: CallRecorder | undefined,
  who: { visitorId: string } | { agentId: string },
  callId: string,
  offerSdp: string,
): Promise<{ sdp: string }> {
  const call = await findCall(deps.db, callId);
  if (!call) throw notFound("call_not_found", "No such call.");
  const role: RecordedRole | null =
    "visitorId" in who ? (who.visitorId === call.visitor_id ? "caller" : null) : who.agentId === call.agent_id ? "agent" : null;
  if (!role) throw forbidden("not_in_call", "You are not in this call.");
  if (call.recording_mode === "off" || !recorder) throw conflict("recording_off", "This call is not recorded.");
  // Only what the caller agreed to is recorded: a call without their consent to this mode is not.
  if (call.consent_mode !== call.recording_mode || !call.consent_version) {
    throw conflict("recording_consent_required", "The caller did not agree to record this call, so it is not recorded.");
  }
  if (call.status !== "active") throw conflict("call_not_live", "This call is not live.");
  const iceServers = iceServersFor(deps.calls.iceServers, deps.calls.turnSecret, call.id, deps.clock.now(), LIVE_TURN_TTL_S);
  const sdp = await recorder.record({ callId, role, mode: call.recording_mode, offerSdp, iceServers });
  return { sdp };
}

const storageKey = () => `recordings/${randomBytes(18).toString("base64url")}.webm`;

/**
 * Moves a finished side into storage under an unguessable name and lists it with the call. A side
 * that already has a file (its participant rejoined the call) gets the next segment.
 */
export async function storeRecording(
  deps: DomainDeps,
  file: Omit<FinishedRecording, "role"> & { role: RecordingRow["role"] },
  segment?: number,
): Promise<RecordingRow> {
  const row: RecordingRow = {
    id: randomUUID(),
    call_id: file.callId,
    role: file.role,
    storage_key: storageKey(),
    mime: file.mime,
    size: file.size,
    duration_ms: Math.round(file.durationMs),
    created_at: file.startedAt,
    deleted_at: null,
    segment: segment ?? (file.role === "mixed" ? 0 : await segmentsOfSide(deps.db, file.callId, file.role)),
  };
  await deps.storage.putFile(row.storage_key, file.path);
  await insertRecording(deps.db, row);
  return row;
}

/** How long after a call ends its sides are taken as final: longer than a vanished side's idle timeout. */
export const MIX_SETTLE_MS = 15_000;

export type MixOutcome = { callId: string } & ({ status: "done"; recording: RecordingRow } | { status: "skipped"; why: string } | { status: "failed"; error: unknown });

/**
 * Mixes the sides of each recorded call that ended a while ago into one file, aligned by when each
 * side's first packet arrived. Each call is claimed once, so several nodes never mix it twice.
 * A side recorded in several segments (a rejoin) is joined into one file first. Without a mixer
 * (no ffmpeg) or with a single side, the sides stay as they are.
 */
export async function mixEndedCalls(deps: DomainDeps, mixer: RecordingMixer | undefined, workDir: string, settleMs = MIX_SETTLE_MS): Promise<MixOutcome[]> {
  const outcomes: MixOutcome[] = [];
  for (const call of await callsAwaitingMix(deps.db, deps.clock.now() - settleMs, 10)) {
    if (!(await transitionMix(deps.db, call.id, null, "running"))) continue;
    const segments = (await recordingsOfCalls(deps.db, [call.id])).filter((r) => r.role !== "mixed");
    const dir = join(workDir, `mix-${call.id}`);
    let sides = segments;
    if (mixer) {
      try {
        // A side recorded in several segments (its participant rejoined) becomes one file first.
        const joiner = { mix: mixer.mix.bind(mixer), store: (file: Parameters<SegmentJoiner["store"]>[0]) => storeRecording(deps, file, 0) };
        sides = await joinSegments(deps, joiner, join(dir, "join"), segments);
      } catch (error) {
        await transitionMix(deps.db, call.id, "running", "failed");
        outcomes.push({ callId: call.id, status: "failed", error });
        await rm(dir, { recursive: true, force: true });
        continue;
      }
    }
    const why = !mixer ? "ffmpeg is not installed" : sides.length < 2 ? `${sides.length} side(s) recorded` : null;
    if (why || !mixer) {
      await transitionMix(deps.db, call.id, "running", "skipped");
      outcomes.push({ callId: call.id, status: "skipped", why: why ?? "" });
      await rm(dir, { recursive: true, force: true });
      continue;
    }
    try {
      await mkdir(dir, { recursive: true });
      const start = Math.min(...sides.map((s) => s.created_at));
      const inputs = [];
      for (const side of sides) {
        const path = join(dir, `${side.id}.webm`);
        await pipeline(await deps.storage.read(side.storage_key), createWriteStream(path));
        inputs.push({ path, offsetMs: side.created_at - start });
      }
      const output = join(dir, "mixed.webm");
      await mixer.mix(inputs, output);
      const { size } = await stat(output);
      const end = Math.max(...sides.map((s) => s.created_at + (s.duration_ms ?? 0)));
      const recording = await storeRecording(deps, { callId: call.id, role: "mixed", path: output, mime: "audio/webm", size, startedAt: start, durationMs: end - start });
      await transitionMix(deps.db, call.id, "running", "done");
      outcomes.push({ callId: call.id, status: "done", recording });
    } catch (error) {
      await transitionMix(deps.db, call.id, "running", "failed");
      outcomes.push({ callId: call.id, status: "failed", error });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return outcomes;
}

/**
 * Removes recordings past the retention period (calendar days in the install's time zone, as
 * domain/privacy/retentionCutoff.ts counts them), files first, each one noted in the audit log.
 * The retention job (domain/privacy/retention.ts) calls it.
 */
export async function removeExpiredRecordings(deps: DomainDeps, retentionDays: number, now = deps.clock.now()): Promise<RecordingRow[]> {
  const before = retentionCutoff(now, retentionDays, deps.calls.timezone);
  const removed: RecordingRow[] = [];
  for (;;) {
    const batch = await recordingsOlderThan(deps.db, before, 100);
    if (batch.length === 0) return removed;
    for (const recording of batch) {
      await deps.storage.delete(recording.storage_key);
      const at = deps.clock.now();
      await markRecordingDeleted(deps.db, recording.id, at);
      await audit(deps.db, at, {
        actor: { type: "system" },
        action: "recording.removed",
        target: { type: "recording", id: recording.id },
        details: { callId: recording.call_id, role: recording.role, createdAt: recording.created_at, retentionDays },
      });
      removed.push(recording);
    }
  }
}
