import { z } from "zod";
import type { CallView } from "./calls.ts";

// Call history over HTTP: what the console's Calls page lists and plays. Clients import types only.

export const recordingView = z.object({
  id: z.string(),
  role: z.enum(["caller", "agent", "mixed"]),
  mime: z.string(),
  size: z.number(),
  durationMs: z.number().nullable(),
  /** An expiring signed path (`/recordings/<id>?exp=…&sig=…`); the link is what grants playback. */
  url: z.string(),
});
export type RecordingView = z.infer<typeof recordingView>;

/** A call as the live views show it (callView), with its kept recordings. */
export type CallHistoryEntry = CallView & { recordings: RecordingView[] };

export const callHistoryStatus = z.enum(["queued", "active", "ended", "missed", "rejected"]);
export type CallHistoryStatus = z.infer<typeof callHistoryStatus>;

export interface CallHistoryPage {
  calls: CallHistoryEntry[];
  /** Opaque; pass back as `before` for the next page, null on the last one. */
  nextCursor: string | null;
}
