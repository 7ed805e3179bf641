import { randomUUID } from "node:crypto";
import { type AccessLogFilter as RowFilter, type AccessLogRow, insertAccessLog, listAccessLog } from "../../adapters/db/repositories/accessLog.ts";
import type { AgentRow } from "../../adapters/db/repositories/agents.ts";
import { findCall } from "../../adapters/db/repositories/calls.ts";
import type { AttachmentRow } from "../../adapters/db/repositories/chat.ts";
import type { RecordingRow } from "../../adapters/db/repositories/recordings.ts";
import { findSessionWithAgent } from "../../adapters/db/repositories/sessions.ts";
import type { AccessLogEntry, AccessLogFilter, AccessLogPage } from "../../protocol/accessLog.ts";
import { invalid } from "../errors.ts";
import { decodePageCursor, encodePageCursor } from "../pageCursor.ts";
import type { DomainDeps } from "../ports.ts";
import { mediaSessionId } from "../signedLinks.ts";

// The access log: every play or download of a recording or attachment by an agent, for admins to
// read per call, per agent or whole, and to export. An agent is known by the media-session cookie
// the console's browser sends with <audio>/<img> loads (see signedLinks.ts). A "play" is one
// request that starts at the first byte: a player's later range requests (seeking, buffering) belong
// to the same play and are not logged again. Rows hold ids and the agent's name, no visitor data.

/** The agent session a browser's media-session cookie names; `live` is false once it ended. */
export interface MediaHolder {
  sessionId: string;
  agent: AgentRow;
  live: boolean;
}

/** Reads the media-session cookie: undefined when absent, forged or of an unknown session. */
export async function mediaHolder(deps: DomainDeps, cookie: string | undefined): Promise<MediaHolder | undefined> {
  const sessionId = mediaSessionId(deps.keys.mediaSessions, cookie);
  const found = sessionId === undefined ? undefined : await findSessionWithAgent(deps.db, sessionId);
  if (!sessionId || !found) return undefined;
  const { session, agent } = found;
  return { sessionId, agent, live: session.revoked_at === null && session.expires_at > deps.clock.now() && agent.disabled_at === null };
}

export type AccessedItem = { kind: "recording"; row: RecordingRow } | { kind: "attachment"; row: AttachmentRow };

/** Where a request came from: the client address (TRUST_PROXY applied) and its user agent. */
export interface AccessClient {
  ip: string | null;
  userAgent: string | null;
}

/** Writes one entry: this agent played or downloaded this item, now, from there. */
export async function logAccess(deps: DomainDeps, holder: MediaHolder, item: AccessedItem, action: "play" | "download", client: AccessClient): Promise<void> {
  const call = item.kind === "recording" ? await findCall(deps.db, item.row.call_id) : undefined;
  await insertAccessLog(deps.db, {
    id: randomUUID(),
    at: deps.clock.now(),
    agent_id: holder.agent.id,
    agent_name: holder.agent.name,
    session_id: holder.sessionId,
    item_kind: item.kind,
    item_id: item.row.id,
    call_id: item.kind === "recording" ? item.row.call_id : null,
    conversation_id: item.kind === "recording" ? (call?.conversation_id ?? null) : item.row.conversation_id,
    action,
    ip: client.ip,
    user_agent: client.userAgent?.slice(0, 300) ?? null,
  });
}

function rowFilter(filter: AccessLogFilter): RowFilter {
  const from = filter.from === undefined ? undefined : Date.parse(filter.from);
  const to = filter.to === undefined ? undefined : Date.parse(filter.to);
  if (from !== undefined && to !== undefined && from > to) throw invalid("invalid_range", "The start of the period is after its end.");
  return { callId: filter.callId, agentId: filter.agentId, conversationId: filter.conversationId, from, to };
}

const present = (row: AccessLogRow): AccessLogEntry => ({
  id: row.id,
  at: new Date(row.at).toISOString(),
  agent: { id: row.agent_id, name: row.agent_name },
  kind: row.item_kind,
  itemId: row.item_id,
  callId: row.call_id,
  conversationId: row.conversation_id,
  action: row.action,
  ip: row.ip,
  userAgent: row.user_agent,
});

/** A page of the access log, newest first, filtered by call, agent, conversation and period. */
export async function readAccessLog(deps: DomainDeps, query: AccessLogFilter & { cursor?: string | undefined; limit: number }): Promise<AccessLogPage> {
  const before = query.cursor === undefined ? undefined : decodePageCursor(query.cursor);
  const rows = await listAccessLog(deps.db, { ...rowFilter(query), limit: query.limit + 1, before });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { entries: page.map(present), nextCursor: rows.length > query.limit && last ? encodePageCursor(last.at, last.id) : null };
}

const CSV_HEADER = ["time", "agent_id", "agent_name", "action", "kind", "item_id", "call_id", "conversation_id", "ip", "user_agent"];

/**
 * One CSV cell: always quoted, quotes doubled, and a cell a spreadsheet would take for a formula
 * (= + - @, or a leading tab or carriage return) gets a leading apostrophe so it stays text.
 */
export function csvCell(value: string | null): string {
  const text = value ?? "";
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

const csvLine = (cells: (string | null)[]) => `${cells.map(csvCell).join(",")}\r\n`;

/** The whole filtered log as CSV lines, newest first, read page by page so any size streams. Filters are checked at once. */
export function accessLogCsv(deps: DomainDeps, filter: AccessLogFilter): AsyncGenerator<string> {
  return csvLines(deps, rowFilter(filter));
}

async function* csvLines(deps: DomainDeps, rows: RowFilter): AsyncGenerator<string> {
  yield csvLine(CSV_HEADER);
  let before: { at: number; id: string } | undefined;
  for (;;) {
    const page = await listAccessLog(deps.db, { ...rows, limit: 500, before });
    for (const row of page) {
      const entry = present(row);
      yield csvLine([entry.at, entry.agent.id, entry.agent.name, entry.action, entry.kind, entry.itemId, entry.callId, entry.conversationId, entry.ip, entry.userAgent]);
    }
    const last = page.at(-1);
    if (!last || page.length < 500) return;
    before = { at: last.at, id: last.id };
  }
}
