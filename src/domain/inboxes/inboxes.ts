import { randomUUID } from "node:crypto";
import { findAgentById } from "../../adapters/db/repositories/agents.ts";
import {
  addInboxMembers,
  deleteInbox,
  findInbox,
  inboxHasHistory,
  inboxIdsOfAgent,
  type InboxRow,
  insertInbox,
  listInboxRows,
  membersByInbox,
  removeInboxMembers,
  updateInbox,
} from "../../adapters/db/repositories/inboxes.ts";
import type { Db } from "../../adapters/db/database.ts";
import { DEFAULT_INBOX_ID, embedSnippet, type InboxView } from "../../protocol/inboxes.ts";
import { audit } from "../audit.ts";
import { conflict, notFound } from "../errors.ts";
import type { Actor, DomainDeps } from "../ports.ts";

// Inboxes: one per website served from this install. Admins create, rename and delete them and
// choose their members; every change is written to the audit log. Who sees which inbox is in
// visibility.ts.

function present(deps: DomainDeps, row: InboxRow, memberIds: string[]): InboxView {
  return {
    id: row.id,
    name: row.name,
    isDefault: row.id === DEFAULT_INBOX_ID,
    snippet: embedSnippet(deps.publicUrl, row.id),
    memberIds,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** Every inbox with its members; with `onlyIds`, just those. */
export async function listInboxes(deps: DomainDeps, onlyIds?: readonly string[]): Promise<InboxView[]> {
  const [rows, members] = await Promise.all([listInboxRows(deps.db), membersByInbox(deps.db)]);
  const wanted = onlyIds ? new Set(onlyIds) : undefined;
  return rows.filter((row) => !wanted || wanted.has(row.id)).map((row) => present(deps, row, members.get(row.id) ?? []));
}

/** The ids of the inboxes an agent is a member of (admins see more: see visibility.ts). */
export function inboxesOfAgent(deps: DomainDeps, agentId: string): Promise<string[]> {
  return inboxIdsOfAgent(deps.db, agentId);
}

export async function requireInbox(deps: DomainDeps, id: string): Promise<InboxRow> {
  const row = await findInbox(deps.db, id);
  if (!row) throw notFound("inbox_not_found", "No such inbox.");
  return row;
}

async function view(deps: DomainDeps, id: string): Promise<InboxView> {
  const row = await requireInbox(deps, id);
  return present(deps, row, (await membersByInbox(deps.db)).get(id) ?? []);
}

/** A new inbox with no members yet (admins see it anyway). */
export async function createInbox(deps: DomainDeps, actor: Actor, input: { name: string }, ip?: string): Promise<InboxView> {
  const now = deps.clock.now();
  const row: InboxRow = { id: randomUUID(), name: input.name.trim(), settings: "{}", created_at: now, updated_at: now };
  await insertInbox(deps.db, row);
  await audit(deps.db, now, { actor, action: "inbox.created", target: { type: "inbox", id: row.id }, details: { name: row.name }, ip: ip ?? null });
  return present(deps, row, []);
}

export async function renameInbox(deps: DomainDeps, actor: Actor, id: string, name: string, ip?: string): Promise<InboxView> {
  const row = await requireInbox(deps, id);
  const now = deps.clock.now();
  if (row.name !== name.trim()) {
    await updateInbox(deps.db, id, { name: name.trim(), updated_at: now });
    await audit(deps.db, now, { actor, action: "inbox.renamed", target: { type: "inbox", id }, details: { from: row.name, to: name.trim() }, ip: ip ?? null });
  }
  return view(deps, id);
}

/** Deletes an inbox that never had a conversation or call; the default inbox stays forever. */
export async function removeInbox(deps: DomainDeps, actor: Actor, id: string, ip?: string): Promise<void> {
  if (id === DEFAULT_INBOX_ID) throw conflict("inbox_default", "The default inbox cannot be deleted: /widget.js without an inbox uses it.");
  const row = await requireInbox(deps, id);
  if (await inboxHasHistory(deps.db, id)) {
    throw conflict("inbox_not_empty", "This inbox has conversations or calls, so it cannot be deleted. Rename it or remove its snippet from the site instead.");
  }
  await deleteInbox(deps.db, id);
  await audit(deps.db, deps.clock.now(), { actor, action: "inbox.deleted", target: { type: "inbox", id }, details: { name: row.name }, ip: ip ?? null });
}

async function requireAgents(deps: DomainDeps, agentIds: readonly string[]): Promise<void> {
  for (const agentId of new Set(agentIds)) {
    if (!(await findAgentById(deps.db, agentId))) throw notFound("agent_not_found", "No such agent.");
  }
}

/** What a change of members did, so the transport can move live consoles in or out of the inbox's room. */
export interface MembersChange {
  inbox: InboxView;
  added: string[];
  removed: string[];
}

/** Sets the whole member list (the console's `Save members`). */
export async function setInboxMembers(deps: DomainDeps, actor: Actor, id: string, agentIds: readonly string[], ip?: string): Promise<MembersChange> {
  await requireInbox(deps, id);
  await requireAgents(deps, agentIds);
  const before = new Set((await membersByInbox(deps.db)).get(id) ?? []);
  const after = new Set(agentIds);
  const added = [...after].filter((a) => !before.has(a));
  const removed = [...before].filter((a) => !after.has(a));
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await addInboxMembers(trx, id, added, now);
    await removeInboxMembers(trx, id, removed);
  });
  if (added.length || removed.length) {
    await audit(deps.db, now, { actor, action: "inbox.members_changed", target: { type: "inbox", id }, details: { added, removed }, ip: ip ?? null });
  }
  return { inbox: await view(deps, id), added, removed };
}

export async function addInboxMember(deps: DomainDeps, actor: Actor, id: string, agentId: string, ip?: string): Promise<MembersChange> {
  const members = (await membersByInbox(deps.db)).get(id) ?? [];
  return setInboxMembers(deps, actor, id, [...members.filter((m) => m !== agentId), agentId], ip);
}

export async function removeInboxMember(deps: DomainDeps, actor: Actor, id: string, agentId: string, ip?: string): Promise<MembersChange> {
  const members = (await membersByInbox(deps.db)).get(id) ?? [];
  return setInboxMembers(deps, actor, id, members.filter((m) => m !== agentId), ip);
}

/** A new agent joins the default inbox, as every agent did before inboxes existed. */
export function joinDefaultInbox(db: Db, agentId: string, now: number): Promise<void> {
  return addInboxMembers(db, DEFAULT_INBOX_ID, [agentId], now);
}

/** Names of every inbox by id (for lists that show which website a conversation came from). */
export async function inboxNames(deps: DomainDeps): Promise<Map<string, string>> {
  return new Map((await listInboxRows(deps.db)).map((r) => [r.id, r.name]));
}

