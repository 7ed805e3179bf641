import { randomUUID } from "node:crypto";
import type { Db } from "../../src/adapters/db/database.ts";
import { createAgent } from "../../src/domain/agents.ts";
import type { DomainDeps } from "../../src/domain/ports.ts";
import { DEFAULT_INBOX_ID } from "../../src/protocol/inboxes.ts";
import { parseInboxSettings } from "../../src/domain/inboxes/inboxSettings.ts";
import { PASSWORD } from "./testApp.ts";

// Automatic assignment's test setup, written straight into the tables (the console's inbox and
// settings pages are built separately): members, the inbox's assignment settings, waiting conversations.

/** An agent who is a member of `inboxId` (default: the default inbox). */
export async function memberAgent(deps: DomainDeps, username: string, inboxId = DEFAULT_INBOX_ID): Promise<{ id: string; username: string }> {
  const agent = await createAgent(deps, { type: "system" }, { username, name: username[0]?.toUpperCase() + username.slice(1), password: PASSWORD, role: "agent" });
  // A new agent joins the default inbox; one meant for another inbox is a member of that one only.
  if (inboxId !== DEFAULT_INBOX_ID) await deps.db.deleteFrom("inbox_members").where("agent_id", "=", agent.id).execute();
  await addMember(deps.db, inboxId, agent.id);
  return { id: agent.id, username };
}

export async function addMember(db: Db, inboxId: string, agentId: string): Promise<void> {
  await db.insertInto("inbox_members").values({ inbox_id: inboxId, agent_id: agentId, created_at: Date.now() }).onConflict((oc) => oc.doNothing()).execute();
}

/** Turns automatic assignment on (or off) for an inbox, keeping its other settings. */
export async function setAutoAssign(db: Db, assignment: { auto: boolean; capacity?: number }, inboxId = DEFAULT_INBOX_ID): Promise<void> {
  const row = await db.selectFrom("inboxes").select("settings").where("id", "=", inboxId).executeTakeFirstOrThrow();
  const settings = parseInboxSettings(row.settings);
  settings.assignment = { auto: assignment.auto, capacity: assignment.capacity ?? settings.assignment.capacity };
  await db.updateTable("inboxes").set({ settings: JSON.stringify(settings), updated_at: Date.now() }).where("id", "=", inboxId).execute();
}

export async function addInbox(db: Db, id: string): Promise<void> {
  await db.insertInto("inboxes").values({ id, name: id, settings: "{}", created_at: Date.now(), updated_at: Date.now() }).execute();
}

/** An open conversation nobody is assigned, created at `createdAt`. */
export async function waitingConversation(db: Db, createdAt: number, inboxId = DEFAULT_INBOX_ID): Promise<string> {
  const visitorId = randomUUID();
  await db
    .insertInto("visitors")
    .values({
      id: visitorId, token_hash: randomUUID(), name: `Visitor ${createdAt}`, email: null, phone: null, language: "en", user_agent: null,
      page_url: null, page_title: null, first_seen_at: createdAt, last_seen_at: createdAt, metadata: null,
    })
    .execute();
  const id = randomUUID();
  await db
    .insertInto("conversations")
    .values({
      id, visitor_id: visitorId, status: "open", assignee_id: null, page_url: null, last_seq: 1, last_message_at: createdAt,
      last_message_preview: "hello", last_message_author: "visitor", visitor_delivered_seq: 0, visitor_read_seq: 0,
      agent_delivered_seq: 0, agent_read_seq: 0, unread_for_agents: 1, created_at: createdAt, updated_at: createdAt, resolved_at: null, inbox_id: inboxId,
    })
    .execute();
  return id;
}

export async function assigneeOf(db: Db, conversationId: string): Promise<string | null> {
  const row = await db.selectFrom("conversations").select("assignee_id").where("id", "=", conversationId).executeTakeFirstOrThrow();
  return row.assignee_id;
}
