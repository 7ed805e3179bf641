import type { Db } from "../database.ts";

/** Conversations started in [from, to). */
export async function countConversationsStarted(db: Db, from: number, to: number): Promise<number> {
  const row = await db
    .selectFrom("conversations")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("created_at", ">=", from)
    .where("created_at", "<", to)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** When the first conversation in [from, to) started. */
export async function firstConversationStarted(db: Db, from: number, to: number): Promise<number | undefined> {
  const row = await db
    .selectFrom("conversations")
    .select((eb) => eb.fn.min<number>("created_at").as("first"))
    .where("created_at", ">=", from)
    .where("created_at", "<", to)
    .executeTakeFirst();
  return row?.first == null ? undefined : Number(row.first);
}

/** The latest flood summary queued for a chat (its id is `flood:<chat>:<window start>`). */
export async function latestFloodSummary(db: Db, kind: string, chatId: string): Promise<{ windowStart: number } | undefined> {
  const row = await db
    .selectFrom("outbox")
    .select("created_at")
    .where("kind", "=", kind)
    .where("id", "like", `flood:${chatId}:%`)
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? { windowStart: Number(row.created_at) } : undefined;
}
