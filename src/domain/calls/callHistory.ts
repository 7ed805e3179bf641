import { type CallListRow, findCallListRow, listCallRows } from "../../adapters/db/repositories/calls.ts";
import { type RecordingRow, recordingsOfCalls } from "../../adapters/db/repositories/recordings.ts";
import type { CallHistoryEntry, CallHistoryPage, CallHistoryStatus, RecordingView } from "../../protocol/callHistory.ts";
import { notFound } from "../errors.ts";
import type { VisibleInboxes } from "../inboxes/visibility.ts";
import { decodePageCursor, encodePageCursor } from "../pageCursor.ts";
import type { DomainDeps } from "../ports.ts";
import { callViewOf } from "./callService.ts";
import { signedRecordingUrl } from "./recordingLinks.ts";

// The console's call history: pages of calls with their recordings, two queries per page whatever
// its size (calls with names joined, then the recordings of all of them).

/** A recording as the console sees it, with a playback link bound to the asking agent's session. */
export function presentRecording(deps: DomainDeps, row: RecordingRow, sessionId: string): RecordingView {
  return { id: row.id, role: row.role, mime: row.mime, size: row.size, durationMs: row.duration_ms, url: signedRecordingUrl(deps, row.id, sessionId) };
}

function presentEntry(deps: DomainDeps, row: CallListRow, recordings: RecordingRow[], sessionId: string): CallHistoryEntry {
  return { ...callViewOf(row), recordings: recordings.filter((r) => r.call_id === row.id).map((r) => presentRecording(deps, r, sessionId)) };
}

async function present(deps: DomainDeps, rows: CallListRow[], sessionId: string): Promise<CallHistoryEntry[]> {
  const recordings = await recordingsOfCalls(deps.db, rows.map((r) => r.id));
  return rows.map((row) => presentEntry(deps, row, recordings, sessionId));
}

export interface CallHistoryQuery {
  status?: CallHistoryStatus | undefined;
  agentId?: string | undefined;
  before?: string | undefined;
  limit: number;
  /** The asking agent's session: recording links open for it only. */
  sessionId: string;
  /** The inboxes the asking agent sees (see inboxes/visibility.ts); "all" for admins. */
  visible?: VisibleInboxes;
}

/** One page of calls, newest first, with an opaque cursor for the next page (null on the last). */
export async function listCallHistory(deps: DomainDeps, query: CallHistoryQuery): Promise<CallHistoryPage> {
  const cursor = query.before ? decodePageCursor(query.before) : undefined;
  const visible = query.visible ?? "all";
  if (visible !== "all" && visible.length === 0) return { calls: [], nextCursor: null };
  const rows = await listCallRows(deps.db, {
    inboxIds: visible === "all" ? undefined : visible,
    status: query.status,
    agentId: query.agentId,
    before: cursor ? { createdAt: cursor.at, id: cursor.id } : undefined,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    calls: await present(deps, page, query.sessionId),
    nextCursor: rows.length > query.limit && last ? encodePageCursor(last.created_at, last.id) : null,
  };
}

/** One call with its recordings (links for the asking agent's session). */
export async function callWithRecordings(deps: DomainDeps, id: string, sessionId: string): Promise<CallHistoryEntry> {
  const row = await findCallListRow(deps.db, id);
  if (!row) throw notFound("call_not_found", "No such call.");
  const [entry] = await present(deps, [row], sessionId);
  if (!entry) throw notFound("call_not_found", "No such call.");
  return entry;
}
