import type { Selectable } from "kysely";
import type { Db } from "../database.ts";
import type { LabelsTable } from "../schema.ts";
import { compiledOnce } from "../compiledOnce.ts";
import { inTransaction } from "./searchIndex.ts";

export type LabelRow = Selectable<LabelsTable>;

/** The whole catalogue, by name. */
export function listLabels(db: Db): Promise<LabelRow[]> {
  return db.selectFrom("labels").selectAll().orderBy("name_key").orderBy("id").execute();
}

export async function countLabels(db: Db): Promise<number> {
  const row = await db.selectFrom("labels").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

export function findLabel(db: Db, id: string): Promise<LabelRow | undefined> {
  return db.selectFrom("labels").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findLabelByKey(db: Db, nameKey: string): Promise<LabelRow | undefined> {
  return db.selectFrom("labels").selectAll().where("name_key", "=", nameKey).executeTakeFirst();
}

export function insertLabel(db: Db, row: LabelRow): Promise<unknown> {
  return db.insertInto("labels").values(row).execute();
}

export function updateLabel(db: Db, id: string, changes: Partial<Omit<LabelRow, "id" | "created_at">>): Promise<unknown> {
  return db.updateTable("labels").set(changes).where("id", "=", id).execute();
}

/** Deletes a label; its rows in conversation_labels go with it (cascade). Returns how many conversations wore it. */
export async function deleteLabel(db: Db, id: string): Promise<number> {
  return inTransaction(db, async (trx) => {
    const row = await trx.selectFrom("conversation_labels").select((eb) => eb.fn.countAll<number>().as("n")).where("label_id", "=", id).executeTakeFirstOrThrow();
    // Deleted explicitly too: a SQLite connection opened without foreign_keys would leave them behind.
    await trx.deleteFrom("conversation_labels").where("label_id", "=", id).execute();
    await trx.deleteFrom("labels").where("id", "=", id).execute();
    return Number(row.n);
  });
}

const labelsQuery = (db: Db) => db.selectFrom("conversation_labels as cl").innerJoin("labels as l", "l.id", "cl.label_id").selectAll("l").select("cl.conversation_id");
// Every message's view reads its conversation's labels: that case is compiled once (see compiledOnce.ts).
const labelsOfOneQuery = compiledOnce((db: Db, conversationId: string) => labelsQuery(db).where("cl.conversation_id", "=", conversationId).orderBy("l.name_key").orderBy("l.id"));

/** The labels of these conversations, by conversation id, each set by name. */
export async function labelsOfConversations(db: Db, conversationIds: string[]): Promise<Map<string, LabelRow[]>> {
  const byConversation = new Map<string, LabelRow[]>();
  if (!conversationIds.length) return byConversation;
  const [only] = conversationIds;
  const rows =
    conversationIds.length === 1 && only !== undefined
      ? await labelsOfOneQuery(db, only)
      : await labelsQuery(db).where("cl.conversation_id", "in", conversationIds).orderBy("l.name_key").orderBy("l.id").execute();
  for (const { conversation_id, ...label } of rows) {
    const list = byConversation.get(conversation_id) ?? [];
    list.push(label);
    byConversation.set(conversation_id, list);
  }
  return byConversation;
}

/** Adds a label to a conversation; false when it already had it (a repeat or a race is harmless). */
export async function addConversationLabel(db: Db, row: { conversation_id: string; label_id: string; added_by: string | null; added_at: number }): Promise<boolean> {
  const result = await db.insertInto("conversation_labels").values(row).onConflict((oc) => oc.columns(["conversation_id", "label_id"]).doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Removes a label from a conversation; false when it did not have it. */
export async function removeConversationLabel(db: Db, conversationId: string, labelId: string): Promise<boolean> {
  const result = await db.deleteFrom("conversation_labels").where("conversation_id", "=", conversationId).where("label_id", "=", labelId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function countConversationLabels(db: Db, conversationId: string): Promise<number> {
  const row = await db.selectFrom("conversation_labels").select((eb) => eb.fn.countAll<number>().as("n")).where("conversation_id", "=", conversationId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The inboxes an agent may filter by: every inbox for an admin, the ones they are a member of for
 * an agent (the same rule as which conversations they see).
 */
export function inboxesForFilter(db: Db, agent: { id: string; role: string }): Promise<Array<{ id: string; name: string }>> {
  let query = db.selectFrom("inboxes as i").select(["i.id", "i.name"]);
  if (agent.role !== "admin") query = query.where("i.id", "in", db.selectFrom("inbox_members").select("inbox_id").where("agent_id", "=", agent.id));
  return query.orderBy("i.name").orderBy("i.id").execute();
}
