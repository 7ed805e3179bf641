import { createWriteStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { markRecordingDeleted, type RecordingRow } from "../../adapters/db/repositories/recordings.ts";
import { audit } from "../audit.ts";
import type { DomainDeps } from "../ports.ts";

// A participant who rejoins a call (a reload, a broken recording connection) records the rest of
// their side on a new recorder leg: the side then has several files, one per segment. After the
// call they become one file per side, each segment at its place in time and silence where the
// side was away, so playback, export and the mix see one track per side.

/** What joining needs: ffmpeg's mix (segments delayed to their start, summed), and a way to store the joined file. */
export interface SegmentJoiner {
  mix(inputs: Array<{ path: string; offsetMs: number }>, outputPath: string): Promise<void>;
  /** Stores the joined file of a side as its segment 0. */
  store(file: { callId: string; role: "caller" | "agent"; path: string; mime: "audio/webm"; size: number; startedAt: number; durationMs: number }): Promise<RecordingRow>;
}

/**
 * Joins each side's segments into one file (audio sides; a side that carries video keeps its
 * segments, in order). Returns the call's sides as they are afterwards: one row per joined side.
 * The segment files are removed once the joined file is stored, each noted in the audit log.
 */
export async function joinSegments(deps: DomainDeps, joiner: SegmentJoiner, dir: string, sides: RecordingRow[]): Promise<RecordingRow[]> {
  const result: RecordingRow[] = [];
  for (const role of ["caller", "agent"] as const) {
    const segments = sides.filter((s) => s.role === role).sort((a, b) => a.created_at - b.created_at);
    if (segments.length < 2 || segments.some((s) => s.mime !== "audio/webm")) {
      result.push(...segments);
      continue;
    }
    const first = segments[0]!;
    const start = first.created_at;
    const end = Math.max(...segments.map((s) => s.created_at + (s.duration_ms ?? 0)));
    const roleDir = join(dir, role);
    try {
      await mkdir(roleDir, { recursive: true });
      const inputs = [];
      for (const segment of segments) {
        const path = join(roleDir, `${segment.id}.webm`);
        await pipeline(await deps.storage.read(segment.storage_key), createWriteStream(path));
        inputs.push({ path, offsetMs: segment.created_at - start });
      }
      const output = join(roleDir, "joined.webm");
      // Segments of one side never overlap, so summing them, each delayed to its start, is
      // concatenation with the silence of the gaps between them.
      await joiner.mix(inputs, output);
      const { size } = await stat(output);
      const joined = await joiner.store({ callId: first.call_id, role, path: output, mime: "audio/webm", size, startedAt: start, durationMs: end - start });
      const at = deps.clock.now();
      for (const segment of segments) {
        await deps.storage.delete(segment.storage_key);
        await markRecordingDeleted(deps.db, segment.id, at);
        await audit(deps.db, at, {
          actor: { type: "system" },
          action: "recording.joined",
          target: { type: "recording", id: segment.id },
          details: { callId: segment.call_id, role, segment: segment.segment, into: joined.id },
        });
      }
      result.push(joined);
    } finally {
      await rm(roleDir, { recursive: true, force: true });
    }
  }
  return result;
}
