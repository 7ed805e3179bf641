import { randomUUID } from "node:crypto";
import {
  type CannedReplyRow,
  countCannedReplies,
  deleteCannedReply,
  findCannedReply,
  findCannedReplyByShortcut,
  insertCannedReply,
  listVisibleCannedReplies,
  personalScope,
  SHARED_SCOPE,
  updateCannedReply,
} from "../adapters/db/repositories/cannedReplies.ts";
import type { CannedReplyScope, CannedReplyView } from "../protocol/cannedReplies.ts";
import { CANNED_TEXT_MAX, matchesCannedQuery, normalizeShortcut, SHORTCUT_PATTERN, unknownVariables } from "../protocol/cannedReplyText.ts";
import { audit } from "./audit.ts";
import { conflict, DomainError, forbidden, invalid, notFound } from "./errors.ts";
import type { Actor, DomainDeps } from "./ports.ts";

// Canned replies: shared ones are the team's and only admins change them; personal ones are seen and
// changed by their owner alone (anyone else, admins included, is told there is no such reply).

export type AgentActor = Extract<Actor, { type: "agent" }>;

/** Replies per scope (the shared set, or one agent's own): a bound on what one list sends. */
export const CANNED_REPLIES_PER_SCOPE = 500;

const scopeOf = (row: CannedReplyRow): CannedReplyScope => (row.scope_key === SHARED_SCOPE ? "shared" : "personal");
const canEdit = (actor: AgentActor, row: CannedReplyRow) =>
  row.scope_key === SHARED_SCOPE ? actor.role === "admin" : row.owner_id === actor.agentId;

function present(actor: AgentActor, row: CannedReplyRow): CannedReplyView {
  return { id: row.id, scope: scopeOf(row), shortcut: row.shortcut, text: row.body, editable: canEdit(actor, row), updatedAt: new Date(row.updated_at).toISOString() };
}

const missing = () => notFound("canned_reply_not_found", "No such canned reply.");

function checkShortcut(raw: string): string {
  const shortcut = normalizeShortcut(raw.replace(/^\//, ""));
  if (!SHORTCUT_PATTERN.test(shortcut)) throw invalid("invalid_shortcut", "A shortcut is 1-32 letters, digits, - or _ (such as greet).");
  return shortcut;
}

function checkText(raw: string): string {
  const text = raw.replace(/\r\n?/g, "\n").trim();
  if (!text) throw invalid("empty_canned_reply", "Write the text of the reply.");
  if (text.length > CANNED_TEXT_MAX) throw invalid("canned_reply_too_long", `A canned reply is at most ${CANNED_TEXT_MAX} characters.`);
  const unknown = unknownVariables(text);
  if (unknown.length) {
    throw invalid("unknown_variable", `Unknown variable ${unknown.map((v) => `{{${v}}}`).join(", ")}. Use {{visitor.name}}, {{visitor.email}}, {{visitor.phone}} or {{agent.name}}.`);
  }
  return text;
}

const shortcutTaken = (shortcut: string) => conflict("shortcut_taken", `The shortcut "${shortcut}" is already used in this scope.`);

/** The replies an agent can use: shared ones and their own, filtered by `q` (shortcut or text). */
export async function listCannedReplies(deps: DomainDeps, actor: AgentActor, query: { q?: string | undefined } = {}): Promise<CannedReplyView[]> {
  const rows = await listVisibleCannedReplies(deps.db, actor.agentId);
  return rows.map((row) => present(actor, row)).filter((reply) => matchesCannedQuery(reply, query.q ?? ""));
}

/** Creates a reply; shared ones only by admins. */
export async function createCannedReply(
  deps: DomainDeps,
  actor: AgentActor,
  input: { scope: CannedReplyScope; shortcut: string; text: string },
  ip?: string | null,
): Promise<CannedReplyView> {
  if (input.scope === "shared" && actor.role !== "admin") throw forbidden("admin_only", "Only admins can add shared canned replies.");
  const shortcut = checkShortcut(input.shortcut);
  const body = checkText(input.text);
  const scopeKey = input.scope === "shared" ? SHARED_SCOPE : personalScope(actor.agentId);
  if ((await countCannedReplies(deps.db, scopeKey)) >= CANNED_REPLIES_PER_SCOPE) {
    throw conflict("canned_reply_limit", `A scope holds at most ${CANNED_REPLIES_PER_SCOPE} canned replies; delete some first.`);
  }
  if (await findCannedReplyByShortcut(deps.db, scopeKey, shortcut)) throw shortcutTaken(shortcut);
  const now = deps.clock.now();
  const row: CannedReplyRow = {
    id: randomUUID(),
    scope_key: scopeKey,
    owner_id: input.scope === "shared" ? null : actor.agentId,
    shortcut,
    body,
    created_by: actor.agentId,
    created_at: now,
    updated_at: now,
  };
  await insertOrConflict(deps, row.scope_key, shortcut, () => insertCannedReply(deps.db, row));
  await audit(deps.db, now, { actor, action: "canned_reply.create", target: { type: "canned_reply", id: row.id }, ip: ip ?? null, details: { scope: input.scope, shortcut } });
  return present(actor, row);
}

/** Changes a reply's shortcut or text. */
export async function editCannedReply(
  deps: DomainDeps,
  actor: AgentActor,
  id: string,
  changes: { shortcut?: string | undefined; text?: string | undefined },
  ip?: string | null,
): Promise<CannedReplyView> {
  const row = await editableReply(deps, actor, id);
  const shortcut = changes.shortcut === undefined ? row.shortcut : checkShortcut(changes.shortcut);
  const body = changes.text === undefined ? row.body : checkText(changes.text);
  if (shortcut !== row.shortcut) {
    const other = await findCannedReplyByShortcut(deps.db, row.scope_key, shortcut);
    if (other && other.id !== row.id) throw shortcutTaken(shortcut);
  }
  const now = deps.clock.now();
  await insertOrConflict(deps, row.scope_key, shortcut, () => updateCannedReply(deps.db, id, { shortcut, body, updated_at: now }), id);
  const details = { scope: scopeOf(row), shortcut, ...(shortcut !== row.shortcut ? { previousShortcut: row.shortcut } : {}), textChanged: body !== row.body };
  await audit(deps.db, now, { actor, action: "canned_reply.update", target: { type: "canned_reply", id }, ip: ip ?? null, details });
  return present(actor, { ...row, shortcut, body, updated_at: now });
}

/** Deletes a reply. */
export async function removeCannedReply(deps: DomainDeps, actor: AgentActor, id: string, ip?: string | null): Promise<void> {
  const row = await editableReply(deps, actor, id);
  await deleteCannedReply(deps.db, id);
  await audit(deps.db, deps.clock.now(), {
    actor,
    action: "canned_reply.delete",
    target: { type: "canned_reply", id },
    ip: ip ?? null,
    details: { scope: scopeOf(row), shortcut: row.shortcut },
  });
}

async function editableReply(deps: DomainDeps, actor: AgentActor, id: string): Promise<CannedReplyRow> {
  const row = await findCannedReply(deps.db, id);
  // Another agent's personal reply is private: it does not exist for anyone else.
  if (!row || (row.scope_key !== SHARED_SCOPE && row.owner_id !== actor.agentId)) throw missing();
  if (!canEdit(actor, row)) throw forbidden("admin_only", "Only admins can change shared canned replies.");
  return row;
}

/** Runs a write that the unique index may refuse when two agents save the same shortcut at once. */
async function insertOrConflict(deps: DomainDeps, scopeKey: string, shortcut: string, write: () => Promise<unknown>, selfId?: string): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const other = await findCannedReplyByShortcut(deps.db, scopeKey, shortcut).catch(() => undefined);
    if (other && other.id !== selfId) throw shortcutTaken(shortcut);
    throw error;
  }
}

/**
 * The reply an agent means by a typed shortcut (their personal one first, then the shared one), or
 * the closest shortcuts they have when none matches.
 */
export async function findCannedReplyForAgent(
  deps: DomainDeps,
  agentId: string,
  typed: string,
): Promise<{ reply: { id: string; shortcut: string; text: string } } | { reply: undefined; closeMatches: string[] }> {
  const shortcut = normalizeShortcut(typed.replace(/^\//, ""));
  const rows = await listVisibleCannedReplies(deps.db, agentId);
  const exact = rows.find((r) => r.shortcut === shortcut && r.scope_key !== SHARED_SCOPE) ?? rows.find((r) => r.shortcut === shortcut);
  if (exact) return { reply: { id: exact.id, shortcut: exact.shortcut, text: exact.body } };
  return { reply: undefined, closeMatches: closeShortcuts(shortcut, [...new Set(rows.map((r) => r.shortcut))]) };
}

/** Shortcuts that start with or contain what was typed, or are a typo or two away (one for short ones); closest first. */
export function closeShortcuts(typed: string, shortcuts: string[], max = 5): string[] {
  const typos = typed.length <= 4 ? 1 : 2;
  const score = (s: string) => (s.startsWith(typed) ? 0 : s.includes(typed) ? 1 : 1 + editDistance(typed, s));
  return shortcuts
    .map((s) => ({ s, d: score(s) }))
    .filter(({ d }) => d <= 1 + typos && typed.length > 0)
    .sort((a, b) => a.d - b.d || a.s.localeCompare(b.s))
    .slice(0, max)
    .map(({ s }) => s);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
