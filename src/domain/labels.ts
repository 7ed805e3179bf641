import { randomUUID } from "node:crypto";
import { findConversation } from "../adapters/db/repositories/chat.ts";
import {
  addConversationLabel,
  countConversationLabels,
  countLabels,
  deleteLabel,
  findLabel,
  findLabelByKey,
  inboxesForFilter,
  insertLabel,
  type LabelRow,
  labelsOfConversations,
  listLabels,
  removeConversationLabel,
  updateLabel,
} from "../adapters/db/repositories/labels.ts";
import { listAgents } from "../adapters/db/repositories/agents.ts";
import type { ConversationSummary } from "../protocol/chat.ts";
import { type FilterOptions, type LabelView, MAX_LABEL_NAME_LENGTH, MAX_LABELS, MAX_LABELS_PER_CONVERSATION } from "../protocol/labels.ts";
import { audit } from "./audit.ts";
import { changed } from "./chat/conversations.ts";
import { presentLabel } from "./chat/present.ts";
import { publishTimeline, recordConversationEvent } from "./chat/timeline.ts";
import { conflict, DomainError, forbidden, invalid, notFound } from "./errors.ts";
import type { Actor, DomainDeps } from "./ports.ts";

// Labels: a catalogue admins keep (name unique ignoring case, a colour), and any agent puts them on
// or takes them off a conversation. Each change of a conversation's labels goes on its timeline
// with who made it and reaches every console as a conversation update; a catalogue change reaches
// them as `labels.changed`, so their filter menus and chips follow.

type AgentActor = Extract<Actor, { type: "agent" }>;

/**
 * The form a name is unique in: trimmed, inner spaces collapsed, lower-cased with Turkish I/ı/İ/i
 * counting as one letter, so "Fatura", "FATURA" and "fatura" (or "İade", "IADE", "iade") are one label.
 */
export function labelKey(name: string): string {
  return name.normalize("NFC").trim().replace(/\s+/g, " ").toLocaleLowerCase("tr").replace(/ı/g, "i");
}

const missing = () => notFound("label_not_found", "No such label.");
const nameTaken = (name: string) => conflict("label_name_taken", `A label named "${name}" already exists.`);

function checkName(raw: string): string {
  const name = raw.normalize("NFC").trim().replace(/\s+/g, " ");
  if (!name) throw invalid("label_name_empty", "Give the label a name.");
  if ([...name].length > MAX_LABEL_NAME_LENGTH) throw invalid("label_name_too_long", `A label name is at most ${MAX_LABEL_NAME_LENGTH} characters.`);
  return name;
}

function requireAdmin(actor: AgentActor): void {
  if (actor.role !== "admin") throw forbidden("admin_only", "Only admins can change labels.");
}

/** Every label, by name: what the Labels menu and the filter offer. */
export async function labelCatalogue(deps: DomainDeps): Promise<LabelView[]> {
  return (await listLabels(deps.db)).map(presentLabel);
}

/** Creates a label (admins). */
export async function createLabel(deps: DomainDeps, actor: AgentActor, input: { name: string; colour: string }, ip?: string | null): Promise<LabelView> {
  requireAdmin(actor);
  const name = checkName(input.name);
  const key = labelKey(name);
  if ((await countLabels(deps.db)) >= MAX_LABELS) throw conflict("label_limit", `There are at most ${MAX_LABELS} labels; delete some first.`);
  if (await findLabelByKey(deps.db, key)) throw nameTaken(name);
  const now = deps.clock.now();
  const row: LabelRow = { id: randomUUID(), name, name_key: key, colour: input.colour.toLowerCase(), created_at: now, updated_at: now };
  await uniqueOr(deps, key, name, () => insertLabel(deps.db, row));
  await audit(deps.db, now, { actor, action: "label.create", target: { type: "label", id: row.id }, ip: ip ?? null, details: { name, colour: row.colour } });
  deps.events.publish({ type: "labels.changed" });
  return presentLabel(row);
}

/** Renames or recolours a label (admins); conversations wearing it show the new name at once. */
export async function editLabel(
  deps: DomainDeps,
  actor: AgentActor,
  id: string,
  changes: { name?: string | undefined; colour?: string | undefined },
  ip?: string | null,
): Promise<LabelView> {
  requireAdmin(actor);
  const row = await findLabel(deps.db, id);
  if (!row) throw missing();
  const name = changes.name === undefined ? row.name : checkName(changes.name);
  const key = labelKey(name);
  const colour = changes.colour === undefined ? row.colour : changes.colour.toLowerCase();
  const other = await findLabelByKey(deps.db, key);
  if (other && other.id !== id) throw nameTaken(name);
  const now = deps.clock.now();
  await uniqueOr(deps, key, name, () => updateLabel(deps.db, id, { name, name_key: key, colour, updated_at: now }), id);
  const details = { name, colour, ...(name !== row.name ? { previousName: row.name } : {}), ...(colour !== row.colour ? { previousColour: row.colour } : {}) };
  await audit(deps.db, now, { actor, action: "label.update", target: { type: "label", id }, ip: ip ?? null, details });
  deps.events.publish({ type: "labels.changed" });
  return presentLabel({ ...row, name, colour });
}

/** Deletes a label (admins) and takes it off every conversation. */
export async function removeLabel(deps: DomainDeps, actor: AgentActor, id: string, ip?: string | null): Promise<void> {
  requireAdmin(actor);
  const row = await findLabel(deps.db, id);
  if (!row) throw missing();
  const conversations = await deleteLabel(deps.db, id);
  await audit(deps.db, deps.clock.now(), { actor, action: "label.delete", target: { type: "label", id }, ip: ip ?? null, details: { name: row.name, conversations } });
  deps.events.publish({ type: "labels.changed" });
}

/** Runs a write the unique index may refuse when two admins save the same name at once. */
async function uniqueOr(deps: DomainDeps, key: string, name: string, write: () => Promise<unknown>, selfId?: string): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const other = await findLabelByKey(deps.db, key).catch(() => undefined);
    if (other && other.id !== selfId) throw nameTaken(name);
    throw error;
  }
}

/**
 * Puts a label on a conversation (`on`) or takes it off. A change goes on the timeline with the
 * agent and the label as it is named now, and every console gets the conversation's new labels;
 * asking for what is already so changes nothing and records nothing.
 */
export async function setConversationLabel(
  deps: DomainDeps,
  actor: AgentActor,
  input: { conversationId: string; labelId: string; on: boolean },
): Promise<{ labels: LabelView[]; conversation: ConversationSummary | null }> {
  const conversation = await findConversation(deps.db, input.conversationId);
  if (!conversation) throw notFound("conversation_not_found", "No such conversation.");
  const label = await findLabel(deps.db, input.labelId);
  if (!label) throw missing();
  const now = deps.clock.now();
  const event = await deps.db.transaction().execute(async (trx) => {
    if (input.on && (await countConversationLabels(trx, conversation.id)) >= MAX_LABELS_PER_CONVERSATION) {
      throw conflict("conversation_label_limit", `A conversation has at most ${MAX_LABELS_PER_CONVERSATION} labels.`);
    }
    const done = input.on
      ? await addConversationLabel(trx, { conversation_id: conversation.id, label_id: label.id, added_by: actor.agentId, added_at: now })
      : await removeConversationLabel(trx, conversation.id, label.id);
    if (!done) return undefined;
    return recordConversationEvent(trx, {
      conversationId: conversation.id,
      kind: input.on ? "labeled" : "unlabeled",
      actor: { type: "agent", id: actor.agentId },
      data: { label: presentLabel(label) },
      at: now,
    });
  });
  if (!event) return { labels: await labelsOf(deps, conversation.id), conversation: null };
  const summary = await changed(deps, conversation.id, {});
  await publishTimeline(deps, [event]);
  return { labels: summary.labels, conversation: summary };
}

async function labelsOf(deps: DomainDeps, conversationId: string): Promise<LabelView[]> {
  return ((await labelsOfConversations(deps.db, [conversationId])).get(conversationId) ?? []).map(presentLabel);
}

/** What the inbox's filters offer this agent: the inboxes they see, every label, and the team. */
export async function filterOptionsFor(deps: DomainDeps, agent: { id: string; role: string }): Promise<FilterOptions> {
  const [inboxes, labels, agents] = await Promise.all([inboxesForFilter(deps.db, agent), labelCatalogue(deps), listAgents(deps.db)]);
  return { inboxes, labels, agents: agents.filter((a) => !a.disabled_at).map((a) => ({ id: a.id, name: a.name })) };
}
